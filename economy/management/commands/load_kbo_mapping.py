from pathlib import Path

from django.core.management.base import BaseCommand
from rich.console import Console

from core.commands import problems_error
from core.yamlfiles import DataFileError
from economy.services import DEFAULT_MAPPING_FILE, mapping_file_load


class Command(BaseCommand):
    help = (
        "Load a NACE → plan sector mapping file as the active mapping, reclassify the current "
        "snapshot's store when the rules changed and recompute its figures. The same file "
        "again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_MAPPING_FILE))

    def handle(self, *args, path, **options):
        try:
            result = mapping_file_load(path=Path(path))
        except DataFileError as exc:
            # one line per problem, never wrapped: scripts and editors read file:line
            console = Console(stderr=True, soft_wrap=True)
            raise problems_error(exc, what=Path(path).name, console=console) from exc
        mapping = result.mapping
        if result.unchanged:
            self.stdout.write(
                f"Active mapping: {mapping} ({mapping.rules.count()} rules): unchanged; "
                "nothing was written."
            )
            return
        figures = f"; {result.figures} figures recomputed" if result.figures is not None else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Active mapping: {mapping} ({mapping.rules.count()} rules){figures}."
            )
        )
