import json
import sys

from django.core.management.base import BaseCommand

from core.exports import table_to_csv
from indicators.selectors import indicators_flat_table, indicators_json


class Command(BaseCommand):
    help = (
        "Export every indicator: JSON (a list of indicators with baseline, targets, status and "
        "observations) or CSV (one row per observation)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=("json", "csv"), default="json")
        parser.add_argument("-o", "--output", default="-", help="file to write (default: stdout)")

    def handle(self, *args, format, output, **options):
        if format == "json":
            body = json.dumps(indicators_json(), ensure_ascii=False, indent=2).encode("utf-8")
        else:
            body = table_to_csv(indicators_flat_table())
        if output == "-":
            sys.stdout.buffer.write(body)
            sys.stdout.buffer.flush()
        else:
            with open(output, "wb") as handle:
                handle.write(body)
            self.stderr.write(f"Wrote {output}")
