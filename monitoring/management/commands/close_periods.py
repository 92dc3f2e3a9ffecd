from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from monitoring.services import periods_close_after_days, periods_close_past


class Command(BaseCommand):
    help = (
        "Close the reporting periods whose deadline passed more than "
        "BRUPROD_CLOSE_PAST_PERIODS_AFTER_DAYS days ago (run daily from cron; idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="date to act as today (YYYY-MM-DD)")
        parser.add_argument("--after-days", type=int, help="override the setting")

    def handle(self, *args, today=None, after_days=None, **options):
        try:
            today_date = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--today: not a date (YYYY-MM-DD): {today}") from exc
        days = after_days if after_days is not None else periods_close_after_days()
        closed = periods_close_past(today=today_date, after_days=days)
        names = ", ".join(p.key for p in closed) or "none"
        self.stdout.write(self.style.SUCCESS(f"Periods closed: {names}."))
