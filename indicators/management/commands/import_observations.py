from pathlib import Path

from django.core.management.base import BaseCommand
from rich.console import Console

from core.commands import problems_error
from core.yamlfiles import DataFileError
from indicators.observations import observations_import


class Command(BaseCommand):
    help = (
        "Import observations from CSV or XLSX files in the tidy layout (see docs/indicators.md): "
        "every row is validated first, then all are written in one transaction (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="CSV or XLSX files")
        parser.add_argument(
            "--vintage",
            default="",
            help="release for rows without a vintage (YYYY, YYYY-MM or YYYY-MM-DD)",
        )
        parser.add_argument("--by", default="bruprod import-observations", help="who imports")

    def handle(self, *args, files, vintage, by, **options):
        console = Console(stderr=True)
        try:
            with console.status("Validating the observations…") as status:
                result = observations_import(
                    paths=[Path(f) for f in files],
                    imported_by=by,
                    default_vintage=vintage,
                    progress=lambda step: status.update(f"Observations: {step}…"),
                )
        except DataFileError as exc:
            raise problems_error(exc, what="the file(s)", console=console) from exc
        self.stdout.write(self.style.SUCCESS(f"Observations imported. {result.summary()}"))
