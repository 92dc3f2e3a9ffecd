from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from core.backup import BackupError, backup_create, backup_prune
from core.commands import problems_error
from core.management.progress import RichReporter


class Command(BaseCommand):
    help = (
        "Write one archive of the database (SQLite online backup or pg_dump), the KBO stores and "
        "the uploaded files, with a manifest and a sha256 per file (docs/deploy.md, Backups)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "-o",
            "--output",
            help="the archive: .tar, or .tar.gz to compress "
            "(default: $BRUPROD_DATA_DIR/backups/bruprod-backup-<UTC time>.tar)",
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=0,
            help="then delete all but the KEEP newest bruprod-backup-*.tar* beside it (0: keep all)",
        )
        parser.add_argument(
            "--wait",
            type=float,
            default=3600,
            help="seconds to wait for a running KBO import to finish (default 3600)",
        )

    def handle(self, *args, output=None, keep=0, wait=3600, **options):
        console = Console(stderr=True, highlight=False)
        try:
            with RichReporter(console) as reporter:
                result = backup_create(
                    output=Path(output) if output else None, reporter=reporter, lock_wait=wait
                )
        except BackupError as exc:
            raise problems_error(exc, what="the backup", console=console) from exc
        for name in result.manifest["skipped"]:
            console.print(f"[yellow]![/yellow] {name}: deleted while the backup ran, left out")
        self.stdout.write(self.style.SUCCESS(f"Backup written: {result.summary()}."))
        if keep:
            for path in backup_prune(result.path.parent, keep=keep):
                self.stdout.write(f"Removed the older backup {path.name}.")
        if not result.path.is_file():
            raise CommandError("the archive was not written")
