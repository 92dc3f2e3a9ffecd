import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from economy.sample import kbo_sample_write


class Command(BaseCommand):
    help = (
        "Write a synthetic KBO/BCE Full dump in the exact official format (a ZIP, or a folder "
        "when OUT does not end in .zip) and a matching later Update. Labelled synthetic."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", help="e.g. KboOpenData_0146_2025_10_10_Full.zip, or a folder")
        parser.add_argument(
            "--enterprises",
            type=int,
            required=True,
            help="number of enterprises (1938238 = Belgium)",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--extract-number", type=int, default=146)
        parser.add_argument("--snapshot-date", default="10-10-2025", help="dd-mm-yyyy")
        parser.add_argument(
            "--code-table", help="a real code.csv to use instead of the packaged NACE codes"
        )
        parser.add_argument("--base-for", help="a real Update folder: include every key it deletes")
        parser.add_argument("--update-out", help="where to write the Update (default: beside OUT)")
        parser.add_argument("--no-update", action="store_true", help="write the Full dump only")

    def handle(self, *args, **o):
        if o["enterprises"] < 10:
            raise CommandError("--enterprises must be at least 10")
        try:
            snapshot = dt.datetime.strptime(o["snapshot_date"], "%d-%m-%Y").date()
        except ValueError as exc:
            raise CommandError("--snapshot-date must be dd-mm-yyyy") from exc
        console = Console(stderr=True)
        with console.status("Generating…") as status:
            result = kbo_sample_write(
                out=Path(o["out"]),
                enterprises=o["enterprises"],
                seed=o["seed"],
                extract_number=o["extract_number"],
                snapshot_date=snapshot,
                code_table=Path(o["code_table"]) if o["code_table"] else None,
                base_for=Path(o["base_for"]) if o["base_for"] else None,
                update_out=Path(o["update_out"]) if o["update_out"] else None,
                with_update=not o["no_update"],
                progress=lambda step: status.update(f"Generating {step}…"),
            )
        self.stdout.write(
            self.style.SUCCESS(f"Synthetic Full dump: {result.full} – {result.summary()}")
        )
        if result.update:
            self.stdout.write(self.style.SUCCESS(f"Matching Update: {result.update}"))
