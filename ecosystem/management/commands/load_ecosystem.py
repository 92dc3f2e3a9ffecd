from pathlib import Path

from django.core.management.base import BaseCommand

from core.commands import problems_error
from core.yamlfiles import DataFileError
from ecosystem.loader import default_data_dir, ecosystem_load


class Command(BaseCommand):
    help = "Validate and load the ecosystem map's seed (value-chain stages, plan actors, cited examples)."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", default=str(default_data_dir()))

    def handle(self, *args, data_dir, **options):
        try:
            r = ecosystem_load(data_dir=Path(data_dir))
        except DataFileError as exc:
            raise problems_error(exc, what="the ecosystem files") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Ecosystem loaded: {r.stages} stages, {r.organisation_actors} plan organisations, "
                f"{r.cited_actors} cited actors, {r.relations} cited and {r.derived} derived relations."
            )
        )
