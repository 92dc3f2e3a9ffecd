from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.commands import problems_error
from core.validation import InputFileError
from ecosystem.importing import ecosystem_import


class Command(BaseCommand):
    help = (
        "Import actors and relations (Kumu-compatible CSV/XLSX): validated first, one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--actors", help="elements file (ID, Label, Type, Description, Tags, …)"
        )
        parser.add_argument(
            "--relations", help="connections file (From, To, Type, Direction, Strength, Label, …)"
        )
        parser.add_argument("--by", default="import-ecosystem")

    def handle(self, *args, actors, relations, by, **options):
        if not actors and not relations:
            raise CommandError("give --actors FILE, --relations FILE or both")
        try:
            r = ecosystem_import(
                actors_file=Path(actors) if actors else None,
                relations_file=Path(relations) if relations else None,
                by=by,
            )
        except InputFileError as exc:
            raise problems_error(exc, what="the ecosystem import") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Actors: {r.actors_created} new, {r.actors_changed} changed; "
                f"relations: {r.relations_created} new, {r.relations_changed} changed."
            )
        )
