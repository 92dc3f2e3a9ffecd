from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import Progress

from core.commands import problems_error
from monitoring.importing import (
    MAX_BYTES,
    ImportFileError,
    reports_file_validate,
    reports_import,
)


class Command(BaseCommand):
    help = (
        "Import progress reports from a period snapshot (XLSX or CSV, the columns of the export): "
        "validated first, written in one transaction, upserts on measure code + period; nothing changes on any error."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx or .csv file")
        parser.add_argument(
            "--user", required=True, help="username of the task-force member the import is done as"
        )
        parser.add_argument(
            "--submit", action="store_true", help="submit the imported reports (default: drafts)"
        )
        parser.add_argument(
            "--check", action="store_true", help="only check the file, change nothing"
        )

    def handle(self, *args, file, user, submit, check, **options):
        console = Console(stderr=True)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"--user: no user {user!r}")
        if path.stat().st_size > MAX_BYTES:  # refused before anything is read into memory
            raise CommandError(
                f"{path.name}: the file is larger than {MAX_BYTES // (1024 * 1024)} MB; "
                "nothing was changed"
            )
        content = path.read_bytes()
        try:
            if check:
                with console.status("Checking the file…"):
                    rows, skipped = reports_file_validate(
                        name=path.name, content=content, user=account
                    )
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{path.name}: valid, {len(rows)} report(s) to import, {skipped} empty row(s). Nothing was changed."
                    )
                )
                return
            with Progress(console=console, transient=True) as progress:
                task = progress.add_task("Importing reports", total=None)
                result = reports_import(
                    name=path.name,
                    content=content,
                    user=account,
                    submit=submit,
                    progress=lambda row: progress.advance(task),
                )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        except ImportFileError as exc:
            # The shared printer: problems quote the file's data and are never read as markup.
            raise problems_error(exc, what=path.name, console=console) from exc
        self.stdout.write(self.style.SUCCESS(f"{path.name}: {result.summary()}"))
