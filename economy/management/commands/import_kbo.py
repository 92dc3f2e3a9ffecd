import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from core.yamlfiles import DataFileError
from economy.services import kbo_import


class Command(BaseCommand):
    help = (
        "Import a KBO/BCE open-data Full publication (ZIP or folder), or with --update a daily "
        "Update; validates everything first and changes nothing on bad input."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", help="KboOpenData_…_Full.zip / _Update.zip, or a folder of its CSV files"
        )
        parser.add_argument("--update", action="store_true", help="the publication is an Update")

    def handle(self, *args, path, update, **options):
        console = Console(stderr=True, highlight=False)
        started = time.perf_counter()
        last = {"name": "", "at": started}

        def progress(step: str) -> None:
            now = time.perf_counter()
            if last["name"]:
                console.print(
                    f"[green]✓[/green] {last['name']} [dim]({now - last['at']:.1f} s)[/dim]"
                )
            last.update(name=step, at=now)
            status.update(f"{step}… [dim]{now - started:.0f} s[/dim]")

        try:
            with console.status("Reading the publication…") as status:
                result = kbo_import(
                    path=Path(path),
                    update=update,
                    imported_by="bruprod import-kbo",
                    progress=progress,
                )
                progress("")
        except DataFileError as exc:
            for problem in exc.problems:
                console.print(f"[red]✗[/red] {problem}", markup=True)
            raise CommandError(
                f"{len(exc.problems)} problem(s) in {Path(path).name}; nothing was changed."
            ) from exc
        self.stdout.write(self.style.SUCCESS(f"KBO imported: {result.summary()}."))
