from pathlib import Path

from django.core.management.base import BaseCommand
from rich.console import Console

from core.backup import BackupError, backup_restore, backup_verify, migration_state_check
from core.commands import problems_error
from core.management.progress import RichReporter


class Command(BaseCommand):
    help = (
        "Restore a `bruprod backup` archive: checks every checksum first, refuses a backup of a "
        "newer schema and a non-empty target (without --force), then restores the database, "
        "the KBO stores and the uploaded files."
    )
    # The checks must not open (and so create) the target database.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("archive", help="a bruprod-backup-….tar or .tar.gz")
        parser.add_argument(
            "--data-dir",
            help="the data directory to restore into (default: $BRUPROD_DATA_DIR); the SQLite "
            "database goes there too, PostgreSQL into DATABASE_URL",
        )
        parser.add_argument(
            "--force", action="store_true", help="replace a database and files already there"
        )
        parser.add_argument(
            "--check", action="store_true", help="verify the archive only; change nothing"
        )

    def handle(self, *args, archive, data_dir=None, force=False, check=False, **options):
        console = Console(stderr=True, highlight=False)
        name = Path(archive).name
        try:
            with RichReporter(console) as reporter:
                if check:
                    reporter.step("verifying the checksums")
                    manifest = backup_verify(Path(archive), reporter=reporter)
                else:
                    result = backup_restore(
                        archive=Path(archive), data_dir=data_dir, force=force, reporter=reporter
                    )
                    manifest = result.manifest
        except BackupError as exc:
            raise problems_error(exc, what=name, console=console) from exc
        made = (
            f"made {manifest['created_at']} by Bruprod {manifest['bruprod_version']}"
            f" ({manifest['database']['vendor']}, {manifest['totals']['files']} files)"
        )
        if check:
            unknown, pending = migration_state_check(manifest)
            self.stdout.write(self.style.SUCCESS(f"{name}: every checksum matches; {made}."))
            if unknown:
                self.stdout.write(f"Its schema is newer than this code: {', '.join(unknown)}.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {name} ({made}) into {result.paths.data_dir} in {result.seconds:.1f} s."
            )
        )
        if result.pending_migrations:
            self.stdout.write(
                f"This code has {len(result.pending_migrations)} migration(s) the backup has not "
                f"applied ({', '.join(result.pending_migrations[:5])}"
                f"{', …' if len(result.pending_migrations) > 5 else ''}): run `bruprod migrate` next."
            )
        self.stdout.write(
            "Then: `bruprod collectstatic --noinput` (static files are not in a backup), start the "
            "app server and the worker, and check `bruprod kbo-stats` and /healthz "
            "(docs/deploy.md, Backups)."
        )
