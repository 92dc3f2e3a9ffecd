"""`bruprod backup` / `bruprod restore`: a round trip into an empty data directory gives the same
database, the same KBO store files, the same `kbo-stats`, the same media and no false history
rows; a damaged archive and a non-empty target are refused with nothing changed.

The commands run in a subprocess on a throw-away data directory (like
reference/tests/test_migration.py): the test database of pytest-django is not a file to back up.
"""

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings

from core import backup

pytestmark = pytest.mark.slow

SETUP = """
import sys
from pathlib import Path

import django

django.setup()
from django.core.management import call_command

dumps = Path(sys.argv[1])
call_command("migrate", interactive=False, verbosity=0)
call_command("load_plan")
call_command("load_geo")
call_command("load_kbo_mapping")
call_command("import_kbo", str(dumps / "KboOpenData_0146_2025_10_10_Full.zip"))
call_command("import_kbo", str(dumps / "KboOpenData_0147_2025_10_11_Update.zip"), update=True)
"""
EVIDENCE = "evidence/2026/report-1/site visit.pdf"


def _env(data_dir: Path, database_url: str | None) -> dict:
    env = {
        **os.environ,
        "BRUPROD_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "BRUPROD_LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_URL", None)
    env.pop("BRUPROD_ENV", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def bruprod(data_dir: Path, *args: str, database_url: str | None = None, ok: bool = True):
    done = subprocess.run(
        [sys.executable, "-m", "config.cli", *args],
        cwd=settings.BASE_DIR,
        env=_env(data_dir, database_url),
        capture_output=True,
        text=True,
        timeout=600,
    )
    if ok:
        assert done.returncode == 0, f"{args}: {done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    # rich wraps long lines at 80 columns outside a terminal
    done.stderr = " ".join(done.stderr.split())
    return done


def build_source(data_dir: Path, dumps: Path, database_url: str | None = None) -> None:
    """A data directory with a migrated database, the plan, two KBO snapshots and an upload."""
    done = subprocess.run(
        [sys.executable, "-c", SETUP, str(dumps)],
        cwd=settings.BASE_DIR,
        env=_env(data_dir, database_url),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    upload = data_dir / "media" / EVIDENCE
    upload.parent.mkdir(parents=True)
    upload.write_bytes(bytes(range(256)) * 40)


def tree(root: Path) -> dict[str, str]:
    """sha256 of every file under root (the import lock file aside: it holds nothing)."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != backup.KBO_LOCK
    }


def sqlite_dump(path: Path) -> list[str]:
    import sqlite3

    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def sqlite_history_counts(path: Path) -> dict[str, int]:
    import sqlite3

    con = sqlite3.connect(path)
    try:
        names = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%historical%'"
            )
        ]
        return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        con.close()


@pytest.fixture(scope="module")
def dumps(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("kbo-dumps")
    bruprod(
        tmp_path_factory.mktemp("sample-data"),
        "kbo-sample",
        "--enterprises",
        "300",
        str(folder / "KboOpenData_0146_2025_10_10_Full.zip"),
    )
    return folder


@pytest.fixture(scope="module")
def source(tmp_path_factory, dumps) -> Path:
    data_dir = tmp_path_factory.mktemp("source")
    build_source(data_dir, dumps)
    return data_dir


@pytest.fixture(scope="module")
def archive(source, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("backups") / "bruprod-backup-test.tar"
    bruprod(source, "backup", "-o", str(path))
    return path


def test_round_trip_sqlite(source, archive, tmp_path):
    history = sqlite_history_counts(source / "bruprod.sqlite3")
    assert sum(history.values()) > 0  # load-plan wrote history: the comparison means something
    assert archive.stat().st_mode & 0o777 == 0o600  # password hashes, evidence
    manifest = json.loads(tarfile.open(archive).extractfile("manifest.json").read())
    assert manifest["database"]["vendor"] == "sqlite"
    assert manifest["migrations"]["economy"] and manifest["latest_migrations"]["plan"]
    assert len(manifest["kbo_stores"]) == 2
    assert {f["path"] for f in manifest["files"]} >= {
        backup.SQLITE_MEMBER,
        f"media/{EVIDENCE}",
    }
    assert not [f for f in manifest["files"] if "/.build-" in f["path"] or "lock" in f["path"]]

    target = tmp_path / "restored"  # does not exist yet: an empty data directory
    done = bruprod(target, "restore", str(archive))
    assert "Restored" in done.stdout

    assert sqlite_dump(target / "bruprod.sqlite3") == sqlite_dump(source / "bruprod.sqlite3")
    assert sqlite_history_counts(target / "bruprod.sqlite3") == history
    assert tree(target / "kbo") == tree(source / "kbo")
    assert len(tree(target / "kbo")) == 2
    assert tree(target / "media") == tree(source / "media")
    assert not list(target.glob(".restore-*"))
    stats = bruprod(source, "kbo-stats", "--format", "json").stdout
    assert json.loads(stats)["enterprises_present"] > 0
    assert bruprod(target, "kbo-stats", "--format", "json").stdout == stats


def test_gzip_archive_round_trip(source, tmp_path):
    path = tmp_path / "b.tar.gz"
    bruprod(source, "backup", "-o", str(path))
    with path.open("rb") as handle:
        assert handle.read(2) == b"\x1f\x8b"
    bruprod(source, "restore", "--check", str(path))
    target = tmp_path / "restored"
    bruprod(source, "restore", str(path), "--data-dir", str(target))
    assert sqlite_dump(target / "bruprod.sqlite3") == sqlite_dump(source / "bruprod.sqlite3")
    assert tree(target / "kbo") == tree(source / "kbo")


def test_damaged_archive_is_refused_and_nothing_changes(source, archive, tmp_path):
    target = tmp_path / "live"
    bruprod(target, "restore", str(archive))
    (target / "media" / "later.txt").write_text("uploaded after the backup")
    before = tree(target)

    damaged = tmp_path / "damaged.tar"
    damaged.write_bytes(archive.read_bytes())
    with tarfile.open(archive) as tar:
        member = next(m for m in tar if m.name.startswith("kbo/snapshots/"))
    with damaged.open("r+b") as handle:
        handle.seek(member.offset_data + member.size // 2)
        byte = handle.read(1)
        handle.seek(-1, io.SEEK_CUR)
        handle.write(bytes([byte[0] ^ 0xFF]))

    done = bruprod(target, "restore", "--force", str(damaged), ok=False)
    assert done.returncode != 0
    assert f"{member.name}: checksum mismatch" in done.stderr
    assert "nothing was changed" in done.stderr
    assert tree(target) == before
    assert not list(target.glob(".restore-*"))

    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(archive.read_bytes()[: member.offset_data + 1000])
    done = bruprod(target, "restore", "--force", str(truncated), ok=False)
    assert done.returncode != 0 and "truncated.tar" in done.stderr
    assert tree(target) == before


def test_non_empty_target_is_refused_without_force(source, archive, tmp_path):
    target = tmp_path / "other"
    bruprod(source, "restore", str(archive), "--data-dir", str(target))
    (target / "media" / "later.txt").write_text("uploaded after the backup")
    before = tree(target)

    done = bruprod(source, "restore", str(archive), "--data-dir", str(target), ok=False)
    assert done.returncode != 0
    assert "not empty" in done.stderr and "--force" in done.stderr
    assert tree(target) == before

    bruprod(source, "restore", str(archive), "--data-dir", str(target), "--force")
    assert not (target / "media" / "later.txt").exists()  # the media are the backup's
    assert tree(target / "media") == tree(source / "media")
    assert sqlite_dump(target / "bruprod.sqlite3") == sqlite_dump(source / "bruprod.sqlite3")


def test_backup_of_a_newer_schema_is_refused(archive, tmp_path):
    newer = tmp_path / "newer.tar"
    with tarfile.open(archive) as src, tarfile.open(newer, "w") as dst:
        for member in src:
            data = src.extractfile(member).read()
            if member.name == backup.MANIFEST:
                manifest = json.loads(data)
                manifest["migrations"]["plan"].append("9999_from_the_future")
                data = json.dumps(manifest).encode()
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    target = tmp_path / "empty"
    done = bruprod(target, "restore", str(newer), ok=False)
    assert done.returncode != 0
    assert "plan.9999_from_the_future" in done.stderr and "newer than this code" in done.stderr
    assert not (target / "bruprod.sqlite3").exists() and not (target / "kbo").exists()


def test_the_lock_and_store_place_are_economys():
    """core cannot import economy (layers); the conventions it copies must still hold."""
    from economy.register import kbo_root

    assert kbo_root() == Path(settings.DATA_DIR) / backup.KBO


def test_a_backup_holds_off_an_import(tmp_path):
    from economy.kbo_store import KboInputError
    from economy.services import _import_lock

    root = tmp_path / "kbo"
    root.mkdir()
    with backup.kbo_lock(root, shared=True, wait=0):
        with pytest.raises(KboInputError), _import_lock(root):
            pass
    with _import_lock(root), pytest.raises(backup.BackupError, match="KBO import is running"):
        with backup.kbo_lock(root, shared=True, wait=0):
            pass


def test_prune_keeps_the_newest(tmp_path):
    for stamp in ("20261101T020000Z", "20261102T020000Z", "20261103T020000Z"):
        (tmp_path / f"bruprod-backup-{stamp}.tar").write_bytes(b"x")
    (tmp_path / "unrelated.tar").write_bytes(b"x")
    removed = backup.backup_prune(tmp_path, keep=2)
    assert [p.name for p in removed] == ["bruprod-backup-20261101T020000Z.tar"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bruprod-backup-20261102T020000Z.tar",
        "bruprod-backup-20261103T020000Z.tar",
        "unrelated.tar",
    ]


def test_migration_state_check():
    unknown, pending = backup.migration_state_check({"migrations": {"plan": ["9999_future"]}})
    assert unknown == ["plan.9999_future"]
    assert "plan.0001_initial" in pending


# ---------------------------------------------------------------- PostgreSQL


def _pg_plain_dump(url: str) -> list[str]:
    done = subprocess.run(
        ["pg_dump", "--no-owner", "--no-privileges", "--format=plain", f"--dbname={url}"],
        capture_output=True,
        text=True,
        check=True,
    )
    # \restrict / \unrestrict carry a random key per dump (PostgreSQL 15.14+).
    return [
        line
        for line in done.stdout.splitlines()
        if not line.startswith(("\\restrict", "\\unrestrict"))
    ]


@pytest.mark.skipif("DATABASE_URL" not in os.environ, reason="PostgreSQL run only")
def test_round_trip_postgresql(dumps, tmp_path):
    import psycopg

    server = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    src_db, dst_db = "bruprod_backup_src", "bruprod_backup_dst"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as con:
        for name in (src_db, dst_db):
            con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        con.execute(f"CREATE DATABASE {src_db}")
    src_url, dst_url = f"{server}/{src_db}", f"{server}/{dst_db}"
    try:
        source = tmp_path / "source"
        build_source(source, dumps, database_url=src_url)
        path = tmp_path / "pg.tar"
        bruprod(source, "backup", "-o", str(path), database_url=src_url)
        manifest = json.loads(tarfile.open(path).extractfile("manifest.json").read())
        assert manifest["database"]["vendor"] == "postgresql"
        assert manifest["database"]["file"] == backup.PG_MEMBER

        target = tmp_path / "restored"
        bruprod(target, "restore", str(path), database_url=dst_url)  # creates the database
        assert _pg_plain_dump(dst_url) == _pg_plain_dump(src_url)
        assert tree(target / "kbo") == tree(source / "kbo")
        assert tree(target / "media") == tree(source / "media")
        stats = bruprod(source, "kbo-stats", "--format", "json", database_url=src_url).stdout
        assert (
            bruprod(target, "kbo-stats", "--format", "json", database_url=dst_url).stdout == stats
        )

        done = bruprod(target, "restore", str(path), database_url=dst_url, ok=False)
        assert done.returncode != 0 and f"PostgreSQL database {dst_db}" in done.stderr
        # --force: pg_restore --clean in one transaction; the same content again.
        bruprod(target, "restore", "--force", str(path), database_url=dst_url)
        assert _pg_plain_dump(dst_url) == _pg_plain_dump(src_url)
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as con:
            for name in (src_db, dst_db):
                con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
