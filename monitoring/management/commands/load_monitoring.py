from django.core.management.base import BaseCommand, CommandError

from core.yamlfiles import DataFileError
from monitoring.reference import monitoring_reference_load


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
        self.stdout.write(self.style.SUCCESS(f"Monitoring reference data: {counts}"))
