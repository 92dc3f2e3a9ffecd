"""Backup and restore of an installation: the database, the KBO stores and the uploaded files in
one tar archive with a manifest and a checksum per file (docs/deploy.md, "Backups").

What an archive holds:

    database/bruprod.sqlite3   SQLite: a consistent copy made with sqlite3's online backup API
    database/bruprod.pgdump    PostgreSQL: `pg_dump --format=custom --no-owner --no-privileges`
    kbo/…                      BRUPROD_DATA_DIR/kbo (the published snapshot stores; no `.build-*`)
    media/…                    MEDIA_ROOT (evidence files)
    manifest.json              last: format, versions, migration state, every file's size + sha256

Not `dumpdata`/`loaddata`: that replays every row through the ORM (345 false history rows) and
knows nothing of the KBO stores.

core is the bottom layer and imports no app. The KBO store's place and its import lock are the
conventions economy follows (`economy.register.kbo_root()` is DATA_DIR/kbo;
`economy.services._import_lock` is an exclusive `flock` on kbo/.import.lock): a backup holds a
*shared* lock on that file while it dumps the database and copies the stores, so no import,
update, reclassification or pruning runs in between, and the database's snapshots and the store
folders agree. Published stores never change (ADR 0001), so copying them as files is safe.
core/tests/test_backup.py checks that the conventions still agree with economy.

Files are streamed into and out of the archive in 1 MB chunks (memory stays bounded whatever
the size of a store); the checksums are computed while streaming, hence the manifest comes last.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader

from core.yamlfiles import DataFileError

FORMAT = "bruprod-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/bruprod.sqlite3"
PG_MEMBER = "database/bruprod.pgdump"
KBO = "kbo"  # economy.register.kbo_root(): DATA_DIR/kbo
KBO_LOCK = ".import.lock"  # economy.services._import_lock
MEDIA = "media"
BUILD_PREFIX = ".build-"  # a store being built (economy.services.kbo_import): never backed up
CHUNK = 1 << 20
ARCHIVE_GLOB = "bruprod-backup-*.tar*"
# Options Django's PostgreSQL backend accepts that are not libpq connection parameters.
_NOT_LIBPQ = {"isolation_level", "server_side_binding", "assume_role", "pool", "cursor_factory"}


class BackupError(DataFileError):
    """A backup or restore that cannot be done: every problem listed, nothing changed."""


class Reporter:
    """Progress of a long run; the commands draw it with rich, the tests ignore it."""

    def step(self, message: str) -> None:
        pass

    def start(self, total_bytes: int) -> None:
        pass

    def advance(self, nbytes: int) -> None:
        pass


@dataclass
class Paths:
    """Where an installation keeps its data (the data directory given, or BRUPROD_DATA_DIR)."""

    data_dir: Path
    kbo: Path
    media: Path
    sqlite: Path | None  # None: PostgreSQL

    @classmethod
    def for_data_dir(cls, data_dir: Path | str | None = None) -> Paths:
        base = Path(settings.DATA_DIR).resolve()
        target = Path(data_dir).resolve() if data_dir else base

        def moved(path: Path) -> Path:
            # A path the settings derive from DATA_DIR follows the data directory given.
            path = Path(path).resolve()
            return target / path.relative_to(base) if path.is_relative_to(base) else path

        sqlite = None
        if _vendor() == "sqlite":
            sqlite = moved(Path(settings.DATABASES["default"]["NAME"]))
        return cls(
            data_dir=target, kbo=target / KBO, media=moved(Path(settings.MEDIA_ROOT)), sqlite=sqlite
        )


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    seconds: float
    steps: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        files = self.manifest["files"]
        size = self.path.stat().st_size
        kbo = sum(1 for f in files if f["path"].startswith(f"{KBO}/"))
        media = sum(1 for f in files if f["path"].startswith(f"{MEDIA}/"))
        return (
            f"{self.path} ({_human(size)}): {self.manifest['database']['vendor']} database, "
            f"{kbo} KBO store file(s), {media} media file(s), in {self.seconds:.1f} s"
        )


@dataclass
class RestoreResult:
    paths: Paths
    manifest: dict
    seconds: float
    pending_migrations: list[str]
    steps: dict[str, float] = field(default_factory=dict)


# ---------------------------------------------------------------- helpers


def _vendor() -> str:
    return connections["default"].vendor


def _human(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader:
    """A file wrapper that hashes what tarfile reads from it, and reports the bytes read."""

    def __init__(self, handle, reporter: Reporter):
        self.handle = handle
        self.digest = hashlib.sha256()
        self.reporter = reporter

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        self.reporter.advance(len(data))
        return data


def _tree(root: Path) -> Iterator[Path]:
    """Regular files under root, sorted, without stores being built or the import lock file."""
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(BUILD_PREFIX))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if name == KBO_LOCK and Path(dirpath) == root:
                continue
            if path.is_file() and not path.is_symlink():
                yield path


@contextlib.contextmanager
def kbo_lock(kbo_dir: Path, *, shared: bool, wait: float, reporter: Reporter | None = None):
    """Hold the KBO import lock (economy's `flock` on kbo/.import.lock): shared for a backup
    (imports then refuse to start), exclusive for a restore. Waits up to `wait` seconds."""
    if not kbo_dir.is_dir():
        yield
        return
    reporter = reporter or Reporter()
    mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
    # "a": create it if missing, never truncate a file another process holds.
    with (kbo_dir / KBO_LOCK).open("a") as handle:
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(handle, mode | fcntl.LOCK_NB)
                break
            except BlockingIOError as exc:
                if time.monotonic() >= deadline:
                    raise BackupError(
                        [
                            f"{kbo_dir / KBO_LOCK}: a KBO import is running (the lock is held); "
                            "try again when it has finished"
                        ]
                    ) from exc
                if not told:
                    reporter.step("waiting for the running KBO import to finish")
                    told = True
                time.sleep(1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def bruprod_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("bruprod")
    except metadata.PackageNotFoundError:
        import tomllib

        with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as handle:
            return tomllib.load(handle)["project"]["version"]


def git_commit() -> dict | None:
    base = Path(settings.BASE_DIR)
    if not (base / ".git").exists() or shutil.which("git") is None:
        return None
    try:
        commit = subprocess.run(
            ["git", "-C", str(base), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(base), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": commit, "modified": bool(dirty)}


def _migrations_by_app(rows) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in rows:
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def _latest(applied: dict[str, list[str]]) -> dict[str, str]:
    """The latest applied migration of each app: the applied one no other applied one follows."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    latest = {}
    for app, names in applied.items():
        known = [n for n in names if (app, n) in loader.graph.nodes]
        if not known:
            latest[app] = names[-1]
            continue
        followed = {
            parent[1]
            for n in known
            for parent in loader.graph.node_map[(app, n)].parents
            if parent[0] == app
        }
        leaves = [n for n in known if n not in followed]
        latest[app] = leaves[-1] if leaves else known[-1]
    return latest


def migration_state_check(manifest: dict) -> tuple[list[str], list[str]]:
    """(migrations of the backup this code does not know: the backup is newer; migrations of
    this code the backup has not applied: run `bruprod migrate` after the restore)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    on_disk = set(loader.disk_migrations)
    applied = {(app, n) for app, names in manifest.get("migrations", {}).items() for n in names}
    replaced = {r for m in loader.disk_migrations.values() for r in getattr(m, "replaces", [])}
    unknown = sorted(f"{a}.{n}" for a, n in applied - on_disk - replaced)
    pending = sorted(
        f"{a}.{n}" for a, n in on_disk - applied if not loader.disk_migrations[(a, n)].replaces
    )
    return unknown, pending


# ---------------------------------------------------------------- PostgreSQL tools


def _pg_params(settings_dict: dict, *, dbname: str | None = None) -> tuple[dict, dict]:
    """(libpq parameters without the password, environment with PGPASSWORD): the password never
    shows on a command line."""
    params: dict = {"dbname": dbname or settings_dict["NAME"]}
    for key, django_key in (("user", "USER"), ("host", "HOST"), ("port", "PORT")):
        if settings_dict.get(django_key):
            params[key] = str(settings_dict[django_key])
    for key, value in (settings_dict.get("OPTIONS") or {}).items():
        if key not in _NOT_LIBPQ and isinstance(value, str | int) and not isinstance(value, bool):
            params[key] = str(value)
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return params, env


def _conninfo(params: dict) -> str:
    from psycopg.conninfo import make_conninfo

    return make_conninfo(**params)


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            [
                f"{name}: not found; install the PostgreSQL client of the server's major version "
                "(Debian: apt-get install postgresql-client)"
            ]
        )
    return path


def _pg_tool_check(name: str, server_version: int) -> str:
    """The tool's version string; refused when it is older than the server (pg_dump cannot
    dump a newer server)."""
    tool = _pg_tool(name)
    version = subprocess.run(
        [tool, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    match = re.search(r"(\d+)(?:\.(\d+))?", version)
    major = int(match.group(1)) if match else 0
    if major and major < server_version // 10000:
        raise BackupError(
            [
                f"{name}: version {major} is older than the server ({server_version // 10000}); "
                f"install postgresql-client-{server_version // 10000}"
            ]
        )
    return version


def _run(command: list[str], env: dict, what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()][-10:]
        raise BackupError(
            [f"{what}: {line}" for line in lines] or [f"{what}: exit {done.returncode}"]
        )


# ---------------------------------------------------------------- backup


def default_backup_path(now: dt.datetime | None = None) -> Path:
    now = now or dt.datetime.now(dt.UTC)
    return Path(settings.DATA_DIR) / "backups" / f"bruprod-backup-{now:%Y%m%dT%H%M%SZ}.tar"


def _dump_sqlite(source: Path, target: Path) -> dict[str, list[str]]:
    """A consistent copy of a live SQLite database (the online backup API, in one step under a
    read lock: writers wait, nothing half-written is copied); its migration state."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=60)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
    try:
        rows = dst.execute("SELECT app, name FROM django_migrations").fetchall()
    except sqlite3.DatabaseError:
        rows = []
    finally:
        dst.close()
    return _migrations_by_app(rows)


def _dump_postgresql(target: Path) -> tuple[dict[str, list[str]], dict]:
    connection = connections["default"]
    connection.ensure_connection()
    server = connection.pg_version
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        applied = _migrations_by_app(cursor.fetchall())
    tool = _pg_tool_check("pg_dump", server)
    params, env = _pg_params(connection.settings_dict)
    _run(
        [
            _pg_tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={target}",
            f"--dbname={_conninfo(params)}",
        ],
        env,
        "pg_dump",
    )
    return applied, {"server_version": server, "dump_tool": tool}


def backup_create(
    *, output: Path | None = None, reporter: Reporter | None = None, lock_wait: float = 3600
) -> BackupResult:
    """Write one archive of the database, the KBO stores and the media (module docstring).

    The archive is written as `.NAME.part` beside the output and renamed when complete, so a
    half-written backup never looks like one."""
    reporter = reporter or Reporter()
    started = time.perf_counter()
    steps: dict[str, float] = {}
    paths = Paths.for_data_dir()
    output = Path(output) if output else default_backup_path()
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    compress = output.name.endswith((".tar.gz", ".tgz"))
    part = output.with_name(f".{output.name}.part")
    # A backup holds password hashes and evidence: readable by its owner only.
    if output.parent == default_backup_path().parent.resolve():
        with contextlib.suppress(OSError):
            output.parent.chmod(0o700)
    staging = Path(tempfile.mkdtemp(prefix=".backup-", dir=output.parent))
    created = dt.datetime.now(dt.UTC)
    files: list[dict] = []
    skipped: list[str] = []
    try:
        part.unlink(missing_ok=True)
        out = os.fdopen(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")
        with (
            out,
            tarfile.open(
                fileobj=out, mode="w:gz" if compress else "w", format=tarfile.PAX_FORMAT
            ) as tar,
        ):

            def add(path: Path, name: str) -> None:
                with path.open("rb") as handle:
                    stat = os.fstat(handle.fileno())
                    info = tarfile.TarInfo(name)
                    info.size = stat.st_size
                    info.mtime = int(stat.st_mtime)
                    info.mode = 0o644
                    reader = _HashingReader(handle, reporter)
                    tar.addfile(info, reader)
                files.append({"path": name, "size": info.size, "sha256": reader.digest.hexdigest()})

            with kbo_lock(paths.kbo, shared=True, wait=lock_wait, reporter=reporter):
                t0 = time.perf_counter()
                if paths.sqlite is not None:
                    reporter.step("copying the SQLite database (online backup)")
                    dump, member = staging / "bruprod.sqlite3", SQLITE_MEMBER
                    if not paths.sqlite.exists():
                        raise BackupError([f"{paths.sqlite}: the database file does not exist"])
                    applied = _dump_sqlite(paths.sqlite, dump)
                    database = {"vendor": "sqlite", "sqlite_version": sqlite3.sqlite_version}
                else:
                    reporter.step("dumping the PostgreSQL database (pg_dump)")
                    dump, member = staging / "bruprod.pgdump", PG_MEMBER
                    applied, extra = _dump_postgresql(dump)
                    database = {"vendor": "postgresql", **extra}
                database["file"] = member
                steps["database dump"] = round(time.perf_counter() - t0, 3)
                kbo_files = list(_tree(paths.kbo))
                total = dump.stat().st_size + sum(p.stat().st_size for p in kbo_files)
                reporter.start(total)
                t0 = time.perf_counter()
                reporter.step("writing the database into the archive")
                add(dump, member)
                dump.unlink()
                reporter.step(f"writing the KBO store ({len(kbo_files)} file(s))")
                for path in kbo_files:
                    add(path, f"{KBO}/{path.relative_to(paths.kbo).as_posix()}")
                steps["database and KBO store"] = round(time.perf_counter() - t0, 3)
            # Uploads are written once and never changed; one deleted meanwhile is left out.
            t0 = time.perf_counter()
            media_files = list(_tree(paths.media))
            reporter.start(sum(p.stat().st_size for p in media_files if p.exists()))
            reporter.step(f"writing the media ({len(media_files)} file(s))")
            for path in media_files:
                try:
                    add(path, f"{MEDIA}/{path.relative_to(paths.media).as_posix()}")
                except FileNotFoundError:
                    skipped.append(f"{MEDIA}/{path.relative_to(paths.media).as_posix()}")
            steps["media"] = round(time.perf_counter() - t0, 3)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "bruprod_version": bruprod_version(),
                "git": git_commit(),
                "django_version": _django_version(),
                "database": database,
                "migrations": applied,
                "latest_migrations": _latest(applied),
                "kbo_stores": sorted(
                    {
                        f["path"].split("/")[2]
                        for f in files
                        if f["path"].startswith(f"{KBO}/snapshots/")
                    }
                ),
                "skipped": skipped,
                "files": files,
                "totals": {"files": len(files), "bytes": sum(f["size"] for f in files)},
                "steps_seconds": steps,
            }
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(created.timestamp())
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
        with part.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(part, output)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BackupResult(
        path=output, manifest=manifest, seconds=time.perf_counter() - started, steps=steps
    )


def _django_version() -> str:
    import django

    return django.get_version()


def backup_prune(folder: Path, *, keep: int) -> list[Path]:
    """Delete all but the `keep` newest archives named bruprod-backup-*.tar* in folder."""
    archives = sorted(
        (
            p
            for p in Path(folder).glob(ARCHIVE_GLOB)
            if p.is_file() and not p.name.endswith(".part")
        ),
        key=lambda p: p.name,
        reverse=True,
    )
    removed = archives[keep:] if keep > 0 else []
    for path in removed:
        path.unlink()
    return removed


# ---------------------------------------------------------------- verify


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        not path.is_absolute()
        and ".." not in path.parts
        and (name == MANIFEST or path.parts[0] in ("database", KBO, MEDIA))
    )


def _open(archive: Path) -> tarfile.TarFile:
    # Streaming mode ("r|*"): one pass, also over a .tar.gz, no seeking.
    return tarfile.open(archive, "r|*")


def backup_verify(archive: Path, *, reporter: Reporter | None = None) -> dict:
    """Read the whole archive and check every file against the manifest (size and sha256);
    writes nothing. Returns the manifest; a BackupError lists every problem."""
    reporter = reporter or Reporter()
    archive = Path(archive)
    label = archive.name
    if not archive.is_file():
        raise BackupError([f"{archive}: no such file"])
    reporter.start(archive.stat().st_size)
    found: dict[str, tuple[int, str]] = {}
    manifest = None
    problems: list[str] = []
    try:
        with _open(archive) as tar:
            for member in tar:
                if not _safe_name(member.name):
                    problems.append(f"{label}: {member.name}: not a path a Bruprod backup holds")
                    continue
                if member.isdir():
                    continue
                if not member.isfile():
                    problems.append(f"{label}: {member.name}: not a regular file")
                    continue
                handle = tar.extractfile(member)
                if member.name == MANIFEST:
                    try:
                        manifest = json.loads(handle.read())
                    except ValueError as exc:
                        problems.append(f"{label}: {MANIFEST}: not valid JSON ({exc})")
                    continue
                digest, size = hashlib.sha256(), 0
                while chunk := handle.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    reporter.advance(len(chunk))
                found[member.name] = (size, digest.hexdigest())
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        problems.append(f"{label}: not a readable tar archive (truncated or damaged: {exc})")
    if manifest is None:
        problems.append(f"{label}: {MANIFEST}: missing (not a Bruprod backup, or truncated)")
        raise BackupError(problems)
    if manifest.get("format") != FORMAT:
        problems.append(f"{label}: {MANIFEST}: format: not a Bruprod backup")
    elif manifest.get("format_version", 0) > FORMAT_VERSION:
        problems.append(
            f"{label}: {MANIFEST}: format_version {manifest.get('format_version')} is newer than "
            f"this code reads ({FORMAT_VERSION}); upgrade Bruprod first"
        )
    listed = {f["path"]: f for f in manifest.get("files", [])}
    for name, entry in listed.items():
        if name not in found:
            problems.append(f"{label}: {name}: listed in the manifest, missing from the archive")
            continue
        size, sha = found[name]
        if size != entry["size"]:
            problems.append(
                f"{label}: {name}: size {size} differs from the manifest's {entry['size']}"
            )
        elif sha != entry["sha256"]:
            problems.append(
                f"{label}: {name}: checksum mismatch (sha256 {sha[:12]}…, manifest {entry['sha256'][:12]}…): the archive is damaged"
            )
    for name in sorted(set(found) - set(listed)):
        problems.append(f"{label}: {name}: in the archive but not in the manifest")
    if manifest.get("database", {}).get("file") not in listed:
        problems.append(f"{label}: {MANIFEST}: database: no database file listed")
    if problems:
        raise BackupError(problems)
    return manifest


# ---------------------------------------------------------------- restore


def _sqlite_tables(path: Path) -> int:
    if not path.is_file() or path.stat().st_size == 0:
        return 0
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return con.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            ).fetchone()[0]
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return 1  # something that is not an empty database: never overwritten without --force


def _pg_database_state(settings_dict: dict) -> int | None:
    """Tables in the target database's public schema; None when the database does not exist."""
    import psycopg

    params, env = _pg_params(settings_dict)
    password = env.get("PGPASSWORD")
    try:
        with psycopg.connect(_conninfo(params), password=password, connect_timeout=10) as con:
            return con.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            ).fetchone()[0]
    except psycopg.OperationalError as exc:
        if "does not exist" in str(exc):
            return None
        raise BackupError([f"database {params['dbname']}: cannot connect ({exc})"]) from exc


def _pg_database_create(settings_dict: dict) -> None:
    import psycopg
    from psycopg import sql

    params, env = _pg_params(settings_dict, dbname="postgres")
    name = settings_dict["NAME"]
    try:
        with psycopg.connect(
            _conninfo(params), password=env.get("PGPASSWORD"), autocommit=True
        ) as con:
            con.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as exc:
        raise BackupError(
            [
                f"database {name}: it does not exist and cannot be created ({exc}); create it "
                f"first (sudo -u postgres createdb -O <user> {name}), then restore again"
            ]
        ) from exc


def target_contents(paths: Paths) -> list[str]:
    """What the restore would overwrite (empty: nothing)."""
    found = []
    if paths.sqlite is not None:
        tables = _sqlite_tables(paths.sqlite)
        if tables:
            found.append(f"the database {paths.sqlite} ({tables} tables)")
    else:
        settings_dict = connections["default"].settings_dict
        tables = _pg_database_state(settings_dict)
        if tables:
            found.append(f"the PostgreSQL database {settings_dict['NAME']} ({tables} tables)")
    for what, root in (("the KBO store", paths.kbo), ("the media", paths.media)):
        count = sum(1 for _ in _tree(root))
        if count:
            found.append(f"{what} {root} ({count} files)")
    return found


def _install_dir(new: Path, target: Path, old: Path) -> None:
    """Put `new` in the place of `target` (renames; the previous one moved to `old`)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        _move(target, old)
    _move(new, target)


def _move(src: Path, dst: Path) -> None:
    try:
        os.rename(src, dst)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        shutil.move(src, dst)  # another file system: copied, then removed


def backup_restore(
    *,
    archive: Path,
    data_dir: Path | None = None,
    force: bool = False,
    reporter: Reporter | None = None,
) -> RestoreResult:
    """Restore an archive into the data directory (default BRUPROD_DATA_DIR) and the configured
    database. In order, each stopping with nothing changed: the checksums, the schema (a backup
    of newer code is refused), the target (not empty: refused without force), the extraction
    into a folder beside the target (checksums again), the database (PostgreSQL: one
    transaction), then the KBO store and media folders swapped in by renames."""
    reporter = reporter or Reporter()
    started = time.perf_counter()
    steps: dict[str, float] = {}
    archive = Path(archive).resolve()
    reporter.step("verifying the checksums")
    manifest = backup_verify(archive, reporter=reporter)
    steps["verify"] = round(time.perf_counter() - started, 3)
    label = archive.name
    unknown, pending = migration_state_check(manifest)
    if unknown:
        raise BackupError(
            [
                f"{label}: the backup's schema is newer than this code: migration {name} is unknown; "
                "restore it with the Bruprod version that made it "
                f"({manifest.get('bruprod_version')}, commit {(manifest.get('git') or {}).get('commit', '?')[:12]})"
                for name in unknown
            ]
        )
    paths = Paths.for_data_dir(data_dir)
    vendor = manifest["database"]["vendor"]
    configured = "sqlite" if paths.sqlite is not None else "postgresql"
    if vendor != configured:
        raise BackupError(
            [
                f"{label}: the backup holds a {vendor} database and the configured database "
                f"(DATABASE_URL) is {configured}; a restore keeps the vendor"
            ]
        )
    existing = target_contents(paths)
    if existing and not force:
        raise BackupError(
            [f"not empty: {what}" for what in existing]
            + [
                "a restore replaces them: use --force to overwrite, or restore into an empty data "
                "directory (--data-dir) and database"
            ]
        )
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=paths.data_dir))
    try:
        with kbo_lock(paths.kbo, shared=False, wait=0, reporter=reporter):
            t0 = time.perf_counter()
            reporter.step("extracting into a folder beside the target")
            reporter.start(archive.stat().st_size)
            listed = {f["path"]: f for f in manifest["files"]}
            (staging / KBO).mkdir()
            (staging / MEDIA).mkdir()
            with _open(archive) as tar:
                for member in tar:
                    if member.name not in listed:
                        continue
                    dest = staging / member.name
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    digest = hashlib.sha256()
                    source = tar.extractfile(member)
                    with dest.open("wb") as out:
                        while chunk := source.read(CHUNK):
                            digest.update(chunk)
                            out.write(chunk)
                            reporter.advance(len(chunk))
                    if digest.hexdigest() != listed[member.name]["sha256"]:
                        raise BackupError(
                            [
                                f"{label}: {member.name}: checksum mismatch on extraction: the archive changed or is damaged"
                            ]
                        )
                    os.utime(dest, (member.mtime, member.mtime))
            steps["extract"] = round(time.perf_counter() - t0, 3)
            t0 = time.perf_counter()
            dump = staging / manifest["database"]["file"]
            if paths.sqlite is not None:
                reporter.step("installing the SQLite database")
                con = sqlite3.connect(dump)
                try:
                    check = con.execute("PRAGMA quick_check").fetchone()[0]
                finally:
                    con.close()
                if check != "ok":
                    raise BackupError(
                        [f"{label}: {SQLITE_MEMBER}: the database is damaged ({check})"]
                    )
                connections.close_all()
                paths.sqlite.parent.mkdir(parents=True, exist_ok=True)
                for suffix in ("-wal", "-shm", "-journal"):
                    Path(f"{paths.sqlite}{suffix}").unlink(missing_ok=True)
                if os.stat(dump).st_dev == os.stat(paths.sqlite.parent).st_dev:
                    os.replace(dump, paths.sqlite)
                else:
                    tmp = paths.sqlite.with_name(f".{paths.sqlite.name}.restore")
                    shutil.copyfile(dump, tmp)
                    os.replace(tmp, paths.sqlite)
            else:
                reporter.step("restoring the PostgreSQL database (pg_restore)")
                settings_dict = connections["default"].settings_dict
                connections.close_all()
                if _pg_database_state(settings_dict) is None:
                    _pg_database_create(settings_dict)
                params, env = _pg_params(settings_dict)
                _pg_tool("pg_restore")
                _run(
                    [
                        _pg_tool("pg_restore"),
                        "--clean",
                        "--if-exists",
                        "--no-owner",
                        "--no-privileges",
                        "--single-transaction",
                        "--exit-on-error",
                        f"--dbname={_conninfo(params)}",
                        str(dump),
                    ],
                    env,
                    "pg_restore",
                )
            steps["database"] = round(time.perf_counter() - t0, 3)
            t0 = time.perf_counter()
            reporter.step("swapping in the KBO store and the media")
            _install_dir(staging / KBO, paths.kbo, staging / "previous-kbo")
            _install_dir(staging / MEDIA, paths.media, staging / "previous-media")
            steps["files"] = round(time.perf_counter() - t0, 3)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return RestoreResult(
        paths=paths,
        manifest=manifest,
        seconds=time.perf_counter() - started,
        pending_migrations=pending,
        steps=steps,
    )
