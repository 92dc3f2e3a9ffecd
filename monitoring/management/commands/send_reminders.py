from datetime import date
from smtplib import SMTPException

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.progress import Progress

from core.commands import problems_error
from core.yamlfiles import DataFileError
from monitoring.emails import reminder_messages_build, reminders_send
from monitoring.models import ReportingPeriod


class Command(BaseCommand):
    help = (
        "E-mail each coordinator what is due, overdue or returned, in their language (run daily from cron; "
        "a second run on the same day does not repeat a reminder)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", help="period key (default: the current period)")
        parser.add_argument("--today", help="date to act as today (YYYY-MM-DD)")
        parser.add_argument(
            "--base-url",
            default=settings.SITE_URL,
            help="address of the site in the links (default: $BRUPROD_SITE_URL)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="print the messages, send nothing"
        )

    def handle(self, *args, period=None, today=None, base_url, dry_run, **options):
        console = Console(stderr=True)
        try:
            today_date = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--today: not a date (YYYY-MM-DD): {today}") from exc
        period_obj = None
        if period:
            period_obj = ReportingPeriod.objects.filter(key=period).first()
            if period_obj is None:
                raise CommandError(f"--period: no reporting period {period!r}")
        with console.status("Collecting reminders…"):
            messages = reminder_messages_build(
                today=today_date, period=period_obj, base_url=base_url
            )
        if dry_run:
            for message in messages:
                self.stdout.write(
                    f"To: {message.to} [{message.language}]\nSubject: {message.subject}\n\n{message.body}\n{'-' * 60}"
                )
            self.stdout.write(f"{len(messages)} message(s) would be sent; nothing was sent.")
            return
        sent = 0
        problems: list[str] = []
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("Sending reminders", total=len(messages))
            for message in messages:
                try:
                    sent += reminders_send(messages=[message], today=today_date)
                except (SMTPException, OSError) as exc:
                    # Nothing is logged for this message: the next run tries it again.
                    problems.append(f"{message.to}: {exc}")
                progress.advance(task)
        if problems:
            # The shared printer (never reads an address or a server's answer as markup).
            problems_error(DataFileError(problems), what="sending", console=console)
            raise CommandError(
                f"{len(problems)} reminder message(s) could not be sent ({sent} sent); "
                "the next run tries them again."
            )
        self.stdout.write(self.style.SUCCESS(f"{sent} reminder message(s) sent."))
