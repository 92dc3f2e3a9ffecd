from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from rich.console import Console

from core.commands import problems_error
from core.yamlfiles import DataFileError
from plan.loader import plan_load


class Command(BaseCommand):
    help = "Validate the plan data files and load them in one transaction (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            default=str(settings.PLAN_DATA_DIR),
            help="folder with the plan YAML files",
        )

    def handle(self, *args, data_dir, **options):
        console = Console(stderr=True)
        try:
            with console.status("Validating the plan files…") as status:
                result = plan_load(
                    data_dir=Path(data_dir),
                    loaded_by="bruprod load-plan",
                    progress=lambda step: status.update(f"Loading {step}…"),
                )
        except DataFileError as exc:
            raise problems_error(exc, what="the plan files", console=console) from exc
        self.stdout.write(self.style.SUCCESS(f"Plan loaded. {result.summary()}"))
