from pathlib import Path

from django.core.management.base import BaseCommand
from rich.console import Console

from core.commands import problems_error
from core.yamlfiles import DataFileError
from indicators.loader import default_data_dir, indicators_load


class Command(BaseCommand):
    help = (
        "Validate the indicator registry and the default observations (data/indicators/), then "
        "load them in one transaction (idempotent; run after load-plan)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            default=str(default_data_dir()),
            help="folder with registry.yaml and observations/*.csv",
        )

    def handle(self, *args, data_dir, **options):
        console = Console(stderr=True)
        try:
            with console.status("Validating the indicator files…") as status:
                result = indicators_load(
                    data_dir=Path(data_dir),
                    loaded_by="bruprod load-indicators",
                    progress=lambda step: status.update(f"Loading: {step}…"),
                )
        except DataFileError as exc:
            raise problems_error(exc, what="the indicator files", console=console) from exc
        self.stdout.write(self.style.SUCCESS(f"Indicators loaded. {result.summary()}"))
