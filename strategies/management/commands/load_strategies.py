from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.yamlfiles import DataFileError
from strategies.loader import strategies_load


class Command(BaseCommand):
    help = "Validate and load the related strategies and stakeholder positions (after load-plan)."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", default=str(settings.PLAN_DATA_DIR))

    def handle(self, *args, data_dir, **options):
        try:
            count = strategies_load(data_dir=Path(data_dir))
        except DataFileError as exc:
            for problem in exc.problems:
                self.stderr.write(f"✗ {problem}")
            raise CommandError(
                f"{len(exc.problems)} problem(s) in the strategies file; nothing was changed."
            ) from exc
        self.stdout.write(self.style.SUCCESS(f"Strategies loaded: {count} items."))
