from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.yamlfiles import DataFileError
from economy.selectors import snapshot_current
from economy.services import DEFAULT_MAPPING_FILE, mapping_load, snapshot_figures_refresh


class Command(BaseCommand):
    help = (
        "Load a NACE → plan sector mapping file as the active mapping, reclassify the current "
        "snapshot's store when the rules changed and recompute its figures."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_MAPPING_FILE))

    def handle(self, *args, path, **options):
        try:
            mapping = mapping_load(path=Path(path))
        except DataFileError as exc:
            for problem in exc.problems:
                self.stderr.write(f"✗ {problem}")
            raise CommandError(f"{len(exc.problems)} problem(s); nothing was changed.") from exc
        current = snapshot_current()
        if current is not None:
            snapshot_figures_refresh(snapshot=current)
        self.stdout.write(
            self.style.SUCCESS(f"Active mapping: {mapping} ({mapping.rules.count()} rules).")
        )
