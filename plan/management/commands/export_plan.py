import json
import sys

from django.core.management.base import BaseCommand

from core.exports import table_to_csv
from plan.presenters import measure_export_table, plan_export


class Command(BaseCommand):
    help = "Write the whole plan: one object per measure (JSON) or one row per measure (CSV)."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args, format, output, **options):
        if format == "json":
            data = json.dumps(plan_export(), ensure_ascii=False, indent=2).encode("utf-8")
        else:
            data = table_to_csv(measure_export_table())
        if output:
            with open(output, "wb") as handle:
                handle.write(data)
        else:
            try:
                sys.stdout.buffer.write(data + b"\n")
                sys.stdout.flush()
            except BrokenPipeError:  # e.g. piped into `head`: the reader has what it wanted
                sys.stderr.close()
