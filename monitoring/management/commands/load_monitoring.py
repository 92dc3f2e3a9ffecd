from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.yamlfiles import DataFileError
from monitoring.reference import monitoring_reference_load
from monitoring.services import periods_close_after_days, periods_close_past


class Command(BaseCommand):
    help = "Load monitoring reference data: implementation statuses, reporting periods, default execution plan."

    def handle(self, *args, **options):
        try:
            counts = monitoring_reference_load()
        except DataFileError as exc:
            for problem in exc.problems:
                self.stderr.write(f"✗ {problem}")
            raise CommandError(
                "Monitoring reference data not loaded; nothing was changed."
            ) from exc
        closed = periods_close_past(
            today=timezone.localdate(), after_days=periods_close_after_days()
        )
        counts["periods closed now"] = len(closed)
        self.stdout.write(self.style.SUCCESS(f"Monitoring reference data: {counts}"))
