from django.core.management.base import BaseCommand

from core.commands import problems_error
from core.yamlfiles import DataFileError
from reference.loader import SECTORS_FILE, reference_load


class Command(BaseCommand):
    help = "Load the shared vocabulary (the sectors) from data/reference/; idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--sectors", default=str(SECTORS_FILE), help="sectors YAML file")

    def handle(self, *args, **options):
        from pathlib import Path

        try:
            counts = reference_load(sectors_path=Path(options["sectors"]))
        except DataFileError as exc:
            raise problems_error(exc, what=options["sectors"]) from exc
        self.stdout.write(
            "sectors: {created} new, {updated} changed, {unchanged} unchanged".format(**counts)
        )
