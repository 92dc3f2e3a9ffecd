import json

from django.core.management.base import BaseCommand, CommandError

from economy.selectors import kbo_stats


class Command(BaseCommand):
    help = "Print the latest KBO snapshot's figures (see docs/kbo.md for how each is counted)."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "text"], default="json")

    def handle(self, *args, format, **options):
        stats = kbo_stats()
        if stats is None:
            raise CommandError("No KBO snapshot yet: run `bruprod import-kbo PATH` first.")
        if format == "json":
            self.stdout.write(json.dumps(stats, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"snapshot_date: {stats['snapshot_date']}")
        self.stdout.write(f"enterprises_present: {stats['enterprises_present']}")
        for key in (
            "establishments_by_municipality",
            "establishments_by_nace_section",
            "establishments_by_sector",
        ):
            self.stdout.write(f"{key}:")
            for name, value in stats[key].items():
                self.stdout.write(f"  {name}: {value}")
