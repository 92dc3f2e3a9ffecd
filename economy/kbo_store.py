"""The analytic store of the KBO/BCE register: one DuckDB file per snapshot.

Reading is streaming and columnar: DuckDB scans the CSV files in parallel and keeps only what
the platform needs, never the whole dump in Python objects.

What a snapshot store holds (see docs/kbo.md):
- national tables, complete: `enterprise`, `establishment`, `address`, `branch`, `code`, `meta`
  (small enough, and needed to apply daily updates to entities that move into the Region);
- the Brussels subset of the big tables: `activity`, `denomination`, `contact` for every entity
  in scope (an enterprise with its seat or an establishment in the Region, and all its
  establishments);
- derived tables: `location` (REGO/BAET addresses in the Region, with their municipality),
  `presence` (enterprise × municipality, through the seat or an establishment),
  `bxl_enterprise`, `bxl_establishment`, `activity_pref` (each entity's activities in its
  preferred NACE version) and `cessation_log` (history of entities that left the Region's
  register, carried forward from snapshot to snapshot).

Stores are written once, in a temporary folder, and never changed after they are published.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import threading
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from django.conf import settings

from core.yamlfiles import DataFileError

from .kbo_format import (
    CODE_COLUMNS,
    COLUMNS,
    DATA_TABLES,
    DATE_COLUMNS,
    FULL_FILES,
    KEYS,
    META_VARIABLES,
    OLD_ENTERPRISE_COLUMNS,
    TIMESTAMP_FORMAT,
    UPDATE_FILES,
    Meta,
    file_columns,
    parse_date,
    table_of,
)

Progress = Callable[[str], None]
STORE_FILE = "kbo.duckdb"
MEMORY_LIMIT = "640MB"
BRUSSELS_ZIP_MIN, BRUSSELS_ZIP_MAX = "1000", "1299"
# Tables kept only for the entities in the Region's scope (the others are kept whole).
SCOPED_TABLES = ("activity", "denomination", "contact")


class KboInputError(DataFileError):
    """Bad KBO input: every problem names the file and, where relevant, the line and field."""


# ---------------------------------------------------------------- sources: ZIP or folder


@dataclass
class Source:
    """The CSV files of one publication, as paths on disk (a ZIP is extracted first)."""

    label: str
    files: dict[str, Path]
    checksum: str
    archive_name: str = ""
    file_info: dict[str, dict] = field(default_factory=dict)


def _case_insensitive(names) -> dict[str, str]:
    out = {}
    for name in names:
        base = name.replace("\\", "/").rsplit("/", 1)[-1]
        if base.lower().endswith(".csv"):
            out[base.lower().removesuffix(".csv")] = name
    return out


def _needed(kind: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(required files, optional files) of a Full or Update publication."""
    if kind == "full":
        return FULL_FILES, ()
    return UPDATE_FILES, ("code",)


# What a publication ZIP may unpack to, checked from its directory before anything is
# extracted (a zip bomb is refused, nothing written). The real Full extract is ~2.2 GB of CSV
# (activity.csv ~1.6 GB) packed ~8–10 times; an update is a few MB. Settings (or environment
# variables of the same name prefixed BRUPROD_) override them.
ZIP_MAX_UNCOMPRESSED = 12 * 1024**3  # bytes, all members together (KBO_ZIP_MAX_UNCOMPRESSED)
ZIP_MAX_MEMBER = 8 * 1024**3  # bytes, one member (KBO_ZIP_MAX_MEMBER)
ZIP_MAX_RATIO = 200  # uncompressed / compressed size of a member (KBO_ZIP_MAX_RATIO) …
ZIP_RATIO_FLOOR = 1024 * 1024  # … for members that unpack to more than this (tiny files vary)


def zip_limit(name: str) -> int:
    """A ZIP limit: settings.KBO_<NAME>, else $BRUPROD_KBO_<NAME>, else the default above."""
    value = getattr(settings, f"KBO_{name}", None)
    if value is None:
        value = os.environ.get(f"BRUPROD_KBO_{name}") or globals()[name]
    return int(value)


def _size(value: int) -> str:
    if value >= 1024**3:
        return f"{value / 1024**3:.1f} GiB"
    if value >= 1024**2:
        return f"{value / 1024**2:.1f} MiB"
    return f"{value / 1024:.1f} KiB"


def zip_members_check(archive: zipfile.ZipFile, label: str, workdir: Path) -> dict[str, str]:
    """The members to extract (name → member), after checking the ZIP's directory.

    Refused, each as `file: member: message`: a member name with a path that leaves the folder
    (`..`, absolute, a drive), a member that is not one of the publication's CSV files, two
    members for one file, an encrypted member, a member or a total that unpacks larger than
    the limits (ZIP_MAX_MEMBER, ZIP_MAX_UNCOMPRESSED), a member compressed more than
    ZIP_MAX_RATIO times, more than the free disk space.
    """
    known = {*FULL_FILES, *UPDATE_FILES}
    max_total = zip_limit("ZIP_MAX_UNCOMPRESSED")
    max_member = zip_limit("ZIP_MAX_MEMBER")
    max_ratio = zip_limit("ZIP_MAX_RATIO")
    problems: list[str] = []
    found: dict[str, str] = {}
    total = 0
    for info in archive.infolist():
        name = info.filename
        parts = name.replace("\\", "/").split("/")
        if (
            name.startswith(("/", "\\"))
            or re.match(r"^[A-Za-z]:", name)
            or ".." in parts
            or "\x00" in name
        ):
            problems.append(f"{label}: {name!r}: a member name may not leave the archive's folder")
            continue
        if info.is_dir():
            continue
        base = parts[-1]
        stem = base.lower().removesuffix(".csv")
        if not base.lower().endswith(".csv") or stem not in known:
            problems.append(
                f"{label}: {name}: unexpected member (a KBO publication holds only its CSV "
                "files: meta.csv, code.csv, enterprise.csv… or X_delete.csv / X_insert.csv)"
            )
            continue
        if stem in found:
            problems.append(f"{label}: {name}: {base} is in the archive twice ({found[stem]})")
            continue
        if info.flag_bits & 0x1:
            problems.append(f"{label}: {name}: encrypted; the publication is not encrypted")
            continue
        found[stem] = name
        total += info.file_size
        if info.file_size > max_member:
            problems.append(
                f"{label}: {name}: unpacks to {_size(info.file_size)}; at most "
                f"{_size(max_member)} per file are accepted (KBO_ZIP_MAX_MEMBER)"
            )
        elif info.file_size > ZIP_RATIO_FLOOR and info.file_size > max_ratio * max(
            info.compress_size, 1
        ):
            problems.append(
                f"{label}: {name}: compressed {info.file_size // max(info.compress_size, 1)} "
                f"times ({_size(info.compress_size)} unpacks to {_size(info.file_size)}); at "
                f"most {max_ratio} times is accepted (KBO_ZIP_MAX_RATIO)"
            )
    if total > max_total:
        problems.append(
            f"{label}: the members unpack to {_size(total)} in all; at most "
            f"{_size(max_total)} are accepted (KBO_ZIP_MAX_UNCOMPRESSED)"
        )
    if not problems:
        free = shutil.disk_usage(workdir).free
        if total > free:
            problems.append(
                f"{label}: the members unpack to {_size(total)}; only {_size(free)} are free "
                f"on the disk of {workdir.parent}"
            )
    if problems:
        raise KboInputError(problems)
    return found


def _extract_member(archive: zipfile.ZipFile, member: str, target: Path, label: str) -> None:
    """Copy one member to `target`, never more bytes than its directory entry declares."""
    declared = archive.getinfo(member).file_size
    written = 0
    try:
        with archive.open(member) as src, target.open("wb") as dst:
            while chunk := src.read(1 << 22):
                written += len(chunk)
                if written > declared:
                    raise KboInputError(
                        [
                            f"{label}: {member}: unpacks to more than the {declared} bytes it declares"
                        ]
                    )
                dst.write(chunk)
    except (zipfile.BadZipFile, EOFError, OSError, zipfile.LargeZipFile) as exc:
        raise KboInputError(
            [f"{label}: {member}: truncated or damaged in the ZIP ({exc})"]
        ) from exc
    except (NotImplementedError, RuntimeError) as exc:  # an unknown compression method
        raise KboInputError([f"{label}: {member}: cannot be unpacked ({exc})"]) from exc


def source_open(*, path: Path, kind: str, workdir: Path, progress: Progress) -> Source:
    """Locate (and for a ZIP, extract and CRC-check) the files; meta.csv must be there.

    Whether the other files are all there is checked by `files_check`, after meta.csv has
    told what kind of publication this is.
    """
    known = (*FULL_FILES, *UPDATE_FILES)
    if not path.exists():
        raise KboInputError([f"{path}: no such file or folder"])
    if path.is_dir():
        found = _case_insensitive(p.name for p in path.iterdir() if p.is_file())
        if "meta" not in found:
            raise KboInputError([f"{path.name}: meta.csv: required file missing"])
        files = {n: path / found[n] for n in known if n in found}
        return Source(label=path.name, files=files, checksum="")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise KboInputError(
            [f"{path.name}: not a readable ZIP archive (truncated or damaged: {exc})"]
        ) from exc
    with archive:
        found = zip_members_check(archive, path.name, workdir)
        if "meta" not in found:
            raise KboInputError([f"{path.name}: meta.csv: required file missing"])
        files = {}
        for name in known:
            if name not in found:
                continue
            progress(f"extracting {name}.csv")
            target = workdir / f"{name}.csv"
            _extract_member(archive, found[name], target, path.name)
            files[name] = target
    return Source(label=path.name, files=files, checksum="", archive_name=path.name)


def files_check(*, source: Source, kind: str) -> None:
    """Every file a Full (or Update) publication must hold is there; keep only those."""
    required, optional = _needed(kind)
    missing = [f"{n}.csv" for n in required if n not in source.files]
    if missing:
        raise KboInputError([f"{source.label}: {m}: required file missing" for m in missing])
    source.files = {n: p for n, p in source.files.items() if n in (*required, *optional)}


class FileScanner(threading.Thread):
    """Row counts and CRC-32 of every file (the checksum a ZIP stores for each member), plus
    the sha256 of the ZIP itself, in a thread beside DuckDB's work."""

    def __init__(self, paths: dict[str, Path], archive: Path | None = None):
        super().__init__(daemon=True)
        self.paths = paths
        self.archive = archive
        self.info: dict[str, dict] = {}
        self.archive_checksum = ""

    def run(self) -> None:
        for name, path in self.paths.items():
            crc = 0
            lines = 0
            size = 0
            with path.open("rb") as handle:
                while chunk := handle.read(1 << 22):
                    crc = zlib.crc32(chunk, crc)
                    lines += chunk.count(b"\n")
                    size += len(chunk)
            self.info[f"{name}.csv"] = {
                "rows": max(0, lines - 1),
                "bytes": size,
                "crc32": f"{crc:08x}",
            }
        if self.archive is not None:
            digest = hashlib.sha256()
            with self.archive.open("rb") as handle:
                while chunk := handle.read(1 << 22):
                    digest.update(chunk)
            self.archive_checksum = digest.hexdigest()

    def checksum(self) -> str:
        """sha256 of the ZIP; for a folder, sha256 over every file's name, size and CRC-32."""
        if self.archive_checksum:
            return self.archive_checksum
        digest = hashlib.sha256()
        for name in sorted(self.info):
            item = self.info[name]
            digest.update(f"{name}:{item['bytes']}:{item['crc32']}\n".encode())
        return digest.hexdigest()


# ---------------------------------------------------------------- meta.csv and headers


def _split_line(line: str) -> list[str]:
    import csv

    return next(csv.reader([line]))


def meta_read(*, source: Source, kind: str) -> Meta:
    """Parse and check meta.csv; the type must match the command (Full vs --update)."""
    path = source.files["meta"]
    problems: list[str] = []
    values: dict[str, tuple[str, int]] = {}
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError as exc:
        raise KboInputError([f"meta.csv: not UTF-8 text ({exc.reason})"]) from exc
    if not lines or _split_line(lines[0]) != list(COLUMNS["meta"]):
        raise KboInputError(['meta.csv:1: header: expected "Variable","Value"'])
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = _split_line(line)
        if len(cells) != 2:
            problems.append(f"meta.csv:{number}: expected 2 fields, found {len(cells)}")
            continue
        values[cells[0]] = (cells[1], number)
    for variable in META_VARIABLES:
        if variable not in values:
            problems.append(f"meta.csv: {variable}: missing")
    if problems:
        raise KboInputError(problems)
    snapshot = parse_date(values["SnapshotDate"][0])
    if snapshot is None:
        problems.append(
            f"meta.csv:{values['SnapshotDate'][1]}: SnapshotDate: "
            f"{values['SnapshotDate'][0]!r} is not a date dd-mm-yyyy"
        )
    timestamp = None
    try:
        timestamp = dt.datetime.strptime(values["ExtractTimestamp"][0], TIMESTAMP_FORMAT)
    except ValueError:
        problems.append(
            f"meta.csv:{values['ExtractTimestamp'][1]}: ExtractTimestamp: "
            f"{values['ExtractTimestamp'][0]!r} is not a timestamp dd-mm-yyyy HH:MM:SS"
        )
    extract_type = values["ExtractType"][0].strip().lower()
    if extract_type not in ("full", "update"):
        problems.append(
            f"meta.csv:{values['ExtractType'][1]}: ExtractType: {extract_type!r} is neither "
            "full nor update"
        )
    elif extract_type != kind:
        hint = "use --update" if extract_type == "update" else "leave out --update"
        problems.append(
            f"meta.csv:{values['ExtractType'][1]}: ExtractType: this is an {extract_type} "
            f"extract ({hint})"
        )
    number_text = values["ExtractNumber"][0].strip()
    if not number_text.isdigit():
        problems.append(
            f"meta.csv:{values['ExtractNumber'][1]}: ExtractNumber: {number_text!r} is not a number"
        )
    if problems:
        raise KboInputError(problems)
    return Meta(
        snapshot_date=snapshot,
        extract_timestamp=timestamp,
        extract_type=extract_type,
        extract_number=int(number_text),
        version=values["Version"][0],
        synthetic="Synthetic" in values,
    )


def headers_check(*, source: Source) -> dict[str, tuple[str, ...]]:
    """Every file's header must be the official one, in order. Returns the columns per file."""
    problems: list[str] = []
    columns: dict[str, tuple[str, ...]] = {}
    for name, path in source.files.items():
        if name == "meta":
            continue
        expected = file_columns(name)
        with path.open("rb") as handle:
            raw = handle.readline()
        try:
            found = tuple(_split_line(raw.decode("utf-8-sig").rstrip("\r\n"))) if raw else ()
        except UnicodeDecodeError:
            problems.append(f"{name}.csv:1: header: not UTF-8 text")
            continue
        if table_of(name) == "enterprise" and not name.endswith("_delete"):
            if found == OLD_ENTERPRISE_COLUMNS:
                columns[name] = found
                continue
        if found == expected:
            columns[name] = found
            continue
        if not found:
            problems.append(f"{name}.csv:1: header: the file is empty")
        elif sorted(found) == sorted(expected):
            problems.append(
                f"{name}.csv:1: header: columns in the wrong order: expected "
                f"{', '.join(expected)}; found {', '.join(found)}"
            )
        else:
            for position, wanted in enumerate(expected):
                got = found[position] if position < len(found) else None
                if got != wanted:
                    what = f"found {got!r}" if got is not None else "missing"
                    problems.append(
                        f"{name}.csv:1: header: column {position + 1} should be {wanted!r}, {what}"
                    )
                    break
            else:
                problems.append(
                    f"{name}.csv:1: header: unexpected extra column(s) {', '.join(found[len(expected) :])}"
                )
    if problems:
        raise KboInputError(problems)
    return columns


# ---------------------------------------------------------------- DuckDB reading


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path), read_only=read_only)
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")
    if not read_only:
        con.execute(f"SET temp_directory = '{path.parent / 'spill'}'")
    return con


def _q(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _csv(path: Path, columns: tuple[str, ...], table: str, rejects: str | None) -> str:
    """read_csv(...) over one official file: every column text, except dates (dd-mm-yyyy)."""
    dates = set(DATE_COLUMNS.get(table, ()))
    spec = ", ".join(f"'{c}': '{'DATE' if c in dates else 'VARCHAR'}'" for c in columns)
    options = (
        f"header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
        f"columns = {{{spec}}}, dateformat = '%d-%m-%Y', strict_mode = true"
    )
    if rejects:
        options += (
            f", store_rejects = true, rejects_table = '{rejects}', rejects_scan = '{rejects}_scan'"
        )
    return f"read_csv({_q(path)}, {options})"


LINE_RE = re.compile(r"CSV Error on Line: (\d+)")


def _duck_error(name: str, exc: Exception) -> KboInputError:
    text = str(exc)
    match = LINE_RE.search(text)
    first = text.split("\n")[0].removeprefix("Invalid Input Error: ")
    detail = next(
        (
            ln.strip()
            for ln in text.split("\n")[1:]
            if ln.strip() and not ln.startswith("Original Line")
        ),
        "",
    )
    if match:
        return KboInputError([f"{name}.csv:{match.group(1)}: {detail or first}"])
    return KboInputError([f"{name}.csv: {first}"])


def _select_columns(table: str, columns: tuple[str, ...]) -> str:
    """Select list giving the official column set (old 6-column enterprise files get a NULL)."""
    return ", ".join(c if c in columns else f"CAST(NULL AS VARCHAR) AS {c}" for c in COLUMNS[table])


def load_file(
    con,
    *,
    name: str,
    path: Path,
    columns: tuple[str, ...],
    target: str,
    where: str = "",
    create: bool = True,
) -> None:
    """Read one CSV into `target` (create or insert), failing on the first bad row or date."""
    table = table_of(name)
    # A rejects table is only needed to name the line of a date that does not parse (DuckDB's
    # own error names the line of a malformed row); it costs time on the big files.
    rejects = f"rej_{name}" if DATE_COLUMNS.get(table) else None
    source = _csv(path, columns, table, rejects)
    select = (
        f"SELECT {_select_columns(table, columns)} FROM {source}"
        if not name.endswith("_delete")
        else f"SELECT * FROM {source}"
    )
    if where:
        select += f" WHERE {where}"
    statement = f"CREATE TABLE {target} AS {select}" if create else f"INSERT INTO {target} {select}"
    try:
        if where:
            # DuckDB cannot estimate a CSV's size and would otherwise build its hash table on
            # the 36-million-row file (seconds and gigabytes) instead of on the small key set.
            con.execute("SET disabled_optimizers = 'build_side_probe_side'")
        con.execute(statement)
    except duckdb.Error as exc:
        raise _duck_error(name, exc) from exc
    finally:
        if where:
            con.execute("RESET disabled_optimizers")
    if rejects is None:
        return
    bad = con.execute(
        f"SELECT line, column_name, error_type, csv_line, error_message FROM {rejects} "
        "ORDER BY line LIMIT 5"
    ).fetchall()
    if bad:
        problems = []
        for line, column, error_type, csv_line, message in bad:
            if error_type == "CAST" and column in DATE_COLUMNS.get(table, ()):
                value = _value_in_line(csv_line, columns, column)
                problems.append(f"{name}.csv:{line}: {column}: {value!r} is not a date dd-mm-yyyy")
            else:
                problems.append(f"{name}.csv:{line}: {message}")
        raise KboInputError(problems)
    con.execute(f"DROP TABLE IF EXISTS {rejects}; DROP TABLE IF EXISTS {rejects}_scan")


def _value_in_line(line: str, columns: tuple[str, ...], column: str) -> str:
    try:
        return _split_line(line)[columns.index(column)]
    except (ValueError, IndexError, StopIteration):
        return line


def locate_line(
    path: Path, columns: tuple[str, ...], column: str, value: str, hint: str = ""
) -> int:
    """The line number of the first row whose `column` holds `value` (for error messages).

    Only runs when a problem was found, so its speed does not matter much; a substring test
    before parsing keeps it quick even on the 1.5 GB activity file.
    """
    import csv

    index = columns.index(column)
    needle = hint or value
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for number, line in enumerate(handle, start=1):
            if number == 1 or needle not in line:
                continue
            cells = next(csv.reader([line]))
            if index < len(cells) and cells[index] == value:
                return number
    return 0


def codes_check(
    con, *, source: Source, columns: dict[str, tuple[str, ...]], checks: list[tuple[str, str]]
) -> None:
    """Every coded value must exist in the code table (`code`) under its category.

    `checks` lists (file name, table in the DuckDB database holding its rows).
    """
    problems: list[str] = []
    for name, relation in checks:
        table = table_of(name)
        for column, category in CODE_COLUMNS.get(table, {}).items():
            if column not in columns.get(name, ()):
                continue
            row = con.execute(
                f"SELECT t.{column}, t.{KEYS[table]} FROM {relation} t "
                f"WHERE t.{column} IS NOT NULL AND t.{column} <> '' AND NOT EXISTS "
                f"(SELECT 1 FROM code c WHERE c.Category = ? AND c.Code = t.{column}) LIMIT 1",
                [category],
            ).fetchone()
            if row:
                line = locate_line(source.files[name], columns[name], column, row[0], row[1])
                where = f"{name}.csv:{line}" if line else f"{name}.csv"
                problems.append(
                    f"{where}: {column}: unknown code {row[0]!r} (not in code.csv under {category})"
                )
        if table == "activity":
            row = con.execute(
                f"SELECT t.NaceCode, t.NaceVersion, t.EntityNumber FROM {relation} t WHERE NOT EXISTS "
                "(SELECT 1 FROM code c WHERE c.Category = 'Nace' || t.NaceVersion AND c.Code = t.NaceCode) "
                "LIMIT 1"
            ).fetchone()
            if row:
                line = locate_line(source.files[name], columns[name], "NaceCode", row[0], row[2])
                where = f"{name}.csv:{line}" if line else f"{name}.csv"
                problems.append(
                    f"{where}: NaceCode: unknown code {row[0]!r} for NACE version {row[1]!r} "
                    f"(not in code.csv under Nace{row[1]})"
                )
    if problems:
        raise KboInputError(problems)


# ---------------------------------------------------------------- derived tables


def postal_table(con, rows: list[tuple[str, str, str, str]]) -> None:
    con.execute("DROP TABLE IF EXISTS postal")
    con.execute("CREATE TABLE postal (zip VARCHAR, refnis VARCHAR, nl VARCHAR, fr VARCHAR)")
    if rows:
        con.executemany("INSERT INTO postal VALUES (?, ?, ?, ?)", rows)


FOLD = "regexp_replace(strip_accents(lower(trim(coalesce({}, '')))), '\\s+', ' ', 'g')"


def _location_sql(snapshot: dt.date, only: str = "TRUE") -> str:
    """REGO/BAET addresses in the Region with their municipality; `only` filters `a`."""
    fold_nl = FOLD.format("a.MunicipalityNL")
    fold_fr = FOLD.format("a.MunicipalityFR")
    return f"""
        WITH a AS (
            SELECT EntityNumber AS entity, TypeOfAddress AS kind, Zipcode AS zip,
                   {fold_nl} AS nl, {fold_fr} AS fr
            FROM address a
            WHERE TypeOfAddress IN ('REGO', 'BAET')
              AND coalesce(CountryNL, '') IN ('', 'België', 'Belgie')
              AND length(Zipcode) = 4 AND Zipcode BETWEEN '{BRUSSELS_ZIP_MIN}' AND '{BRUSSELS_ZIP_MAX}'
              AND (DateStrikingOff IS NULL OR DateStrikingOff > DATE '{snapshot.isoformat()}')
              AND {only}
        )
        SELECT a.entity, a.kind, a.zip,
               coalesce(
                 (SELECT min(p.refnis) FROM postal p WHERE p.zip = a.zip AND (p.nl = a.nl OR p.fr = a.fr)),
                 (SELECT min(p.refnis) FROM postal p WHERE p.zip = a.zip),
                 (SELECT min(p.refnis) FROM postal p WHERE p.nl = a.nl OR p.fr = a.fr),
                 'unknown') AS refnis
        FROM a
        """


# Each derived table below is a function of the enterprise it belongs to (`presence`,
# `bxl_enterprise`, `bxl_establishment`, `scope_entity`) or of the entity (`location`,
# `activity_pref`): the same statements rebuild them whole or for a set of keys only.
def _presence_sql(only: str = "TRUE") -> str:
    """`only` filters the enterprise number `e.EnterpriseNumber`."""
    return f"""
        SELECT DISTINCT e.EnterpriseNumber AS enterprise, l.refnis, 'seat' AS via, NULL::VARCHAR AS establishment
        FROM location l JOIN enterprise e ON e.EnterpriseNumber = l.entity
        WHERE l.kind = 'REGO' AND {only}
        UNION ALL
        SELECT DISTINCT s.EnterpriseNumber, l.refnis, 'establishment', s.EstablishmentNumber
        FROM location l
        JOIN establishment s ON s.EstablishmentNumber = l.entity
        JOIN enterprise e ON e.EnterpriseNumber = s.EnterpriseNumber
        WHERE l.kind = 'BAET' AND {only}
        """


def _bxl_enterprise_sql(only: str = "TRUE") -> str:
    return f"""
        SELECT e.EnterpriseNumber AS enterprise,
               CASE WHEN e.TypeOfEnterprise = '1' THEN 'natural' ELSE 'legal' END AS person_type,
               e.StartDate AS start_date, e.JuridicalForm AS juridical_form,
               (SELECT min(p.refnis) FROM presence p WHERE p.enterprise = e.EnterpriseNumber AND p.via = 'seat') AS seat_refnis
        FROM enterprise e
        WHERE e.EnterpriseNumber IN (SELECT enterprise FROM presence) AND {only.format(key="e.EnterpriseNumber")}
        """


def _bxl_establishment_sql(only: str = "TRUE") -> str:
    return f"""
        SELECT p.establishment, p.enterprise, min(p.refnis) AS refnis, min(b.person_type) AS person_type,
               min(s.StartDate) AS start_date
        FROM presence p
        JOIN bxl_enterprise b ON b.enterprise = p.enterprise
        JOIN establishment s ON s.EstablishmentNumber = p.establishment
        WHERE p.via = 'establishment' AND {only.format(key="p.enterprise")}
        GROUP BY p.establishment, p.enterprise
        """


def _scope_entity_sql(only: str = "TRUE") -> str:
    return f"""
        SELECT enterprise AS entity, enterprise FROM bxl_enterprise WHERE {only.format(key="enterprise")}
        UNION
        SELECT s.EstablishmentNumber, s.EnterpriseNumber FROM establishment s
        WHERE s.EnterpriseNumber IN (SELECT enterprise FROM bxl_enterprise) AND {only.format(key="s.EnterpriseNumber")}
        """


def _activity_pref_sql(only: str = "TRUE") -> str:
    """`only` filters the entity number (`{key}`)."""
    return f"""
        SELECT DISTINCT a.EntityNumber AS entity, a.NaceVersion AS nace_version, a.NaceCode AS nace_code,
               a.Classification AS classification
        FROM activity a
        JOIN (SELECT EntityNumber, max(NaceVersion) AS v FROM activity
              WHERE {only.format(key="EntityNumber")} GROUP BY EntityNumber) m
          ON m.EntityNumber = a.EntityNumber AND m.v = a.NaceVersion
        WHERE a.EntityNumber IN (SELECT entity FROM scope_entity) AND {only.format(key="a.EntityNumber")}
        """


def derive(con, *, snapshot: dt.date) -> None:
    """(Re)build the derived tables from the register tables and the `postal` table."""
    con.execute(f"CREATE OR REPLACE TABLE location AS {_location_sql(snapshot)}")
    con.execute(f"CREATE OR REPLACE TABLE presence AS {_presence_sql()}")
    con.execute(f"CREATE OR REPLACE TABLE bxl_enterprise AS {_bxl_enterprise_sql()}")
    con.execute(f"CREATE OR REPLACE TABLE bxl_establishment AS {_bxl_establishment_sql()}")
    con.execute(f"CREATE OR REPLACE TABLE scope_entity AS {_scope_entity_sql()}")


def derive_activities(con) -> None:
    """Each entity's activities in its preferred NACE version (2025, then 2008, then 2003)."""
    con.execute(f"CREATE OR REPLACE TABLE activity_pref AS {_activity_pref_sql()}")


def postal_unchanged(con, rows: list[tuple[str, str, str, str]]) -> bool:
    """Whether the store's `postal` table holds exactly `rows` (then derived rows stay valid)."""
    try:
        stored = con.execute("SELECT zip, refnis, nl, fr FROM postal").fetchall()
    except duckdb.CatalogException:
        return False
    return sorted(stored) == sorted(tuple(r) for r in rows)


def touched_before(con, *, previous: dt.date, snapshot: dt.date) -> None:
    """Before an update's deletes and inserts: the keys whose derived rows may change.

    Temp tables `touched_address` (entities whose `location` rows may change: their addresses
    are deleted or inserted, or struck off between the two snapshot dates), `touched_entity`
    (every entity number the update names) and `touched_enterprise` (enterprises whose
    presence, Brussels rows or scope may change). Called again by `touched_after` for the
    owners and scopes after the update.
    """
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE touched_address AS
        SELECT EntityNumber AS entity FROM del_address
        UNION SELECT EntityNumber FROM ins_address
        UNION SELECT EntityNumber FROM address
        WHERE DateStrikingOff > DATE '{previous.isoformat()}' AND DateStrikingOff <= DATE '{snapshot.isoformat()}'
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE touched_entity AS
        SELECT entity FROM touched_address
        UNION SELECT EnterpriseNumber FROM del_enterprise UNION SELECT EnterpriseNumber FROM ins_enterprise
        UNION SELECT EstablishmentNumber FROM del_establishment
        UNION SELECT EstablishmentNumber FROM ins_establishment
        """
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE touched_enterprise AS SELECT entity AS enterprise FROM touched_entity"
    )
    _touched_owners(con)


def _touched_owners(con) -> None:
    """Add the enterprises owning (in the current tables) or scoping a touched entity."""
    con.execute(
        """
        INSERT INTO touched_enterprise
        SELECT s.EnterpriseNumber FROM establishment s
        WHERE s.EstablishmentNumber IN (SELECT entity FROM touched_entity)
        UNION ALL
        SELECT enterprise FROM scope_entity WHERE entity IN (SELECT entity FROM touched_entity)
        """
    )


def derive_touched(con, *, snapshot: dt.date) -> None:
    """After an update's deletes and inserts: rebuild the derived rows of the touched keys only.

    Gives the same tables as `derive` and `derive_activities` over the whole store (the test
    economy/tests/test_incremental_update.py compares both), provided the `postal` table is
    unchanged and `touched_before` ran before the update was applied.
    """
    _touched_owners(con)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE t_ent AS SELECT DISTINCT enterprise FROM touched_enterprise"
    )
    in_ent = "{key} IN (SELECT enterprise FROM t_ent)"
    con.execute("DELETE FROM location WHERE entity IN (SELECT entity FROM touched_address)")
    con.execute(
        "INSERT INTO location "
        + _location_sql(snapshot, "a.EntityNumber IN (SELECT entity FROM touched_address)")
    )
    # Entities whose preferred activities may change: named by the update, or in the scope of
    # a touched enterprise before or after it.
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE t_act AS
        SELECT entity FROM touched_entity
        UNION SELECT EntityNumber FROM del_activity UNION SELECT EntityNumber FROM ins_activity
        UNION SELECT entity FROM scope_entity WHERE enterprise IN (SELECT enterprise FROM t_ent)
        """
    )
    for table in ("presence", "bxl_enterprise", "bxl_establishment", "scope_entity"):
        con.execute(f"DELETE FROM {table} WHERE enterprise IN (SELECT enterprise FROM t_ent)")
    con.execute(
        "INSERT INTO presence "
        + _presence_sql("e.EnterpriseNumber IN (SELECT enterprise FROM t_ent)")
    )
    con.execute("INSERT INTO bxl_enterprise " + _bxl_enterprise_sql(in_ent))
    con.execute("INSERT INTO bxl_establishment " + _bxl_establishment_sql(in_ent))
    con.execute("INSERT INTO scope_entity " + _scope_entity_sql(in_ent))
    con.execute(
        "INSERT INTO t_act SELECT entity FROM scope_entity WHERE enterprise IN (SELECT enterprise FROM t_ent)"
    )
    in_act = "{key} IN (SELECT entity FROM t_act)"
    con.execute("DELETE FROM activity_pref WHERE entity IN (SELECT entity FROM t_act)")
    con.execute("INSERT INTO activity_pref " + _activity_pref_sql(in_act))


def touched_classification(con) -> None:
    """After `derive_touched`: the keys whose stored classification (figures.store_classification)
    must be recomputed, kept in the store until the classification step has used them:
    `cls_touched_entity` (entities whose preferred activities, names or contacts may have changed) and
    `cls_touched_enterprise` (every enterprise touched, or owning such an entity)."""
    con.execute(
        """
        CREATE OR REPLACE TABLE cls_touched_entity AS
        SELECT entity FROM t_act
        UNION SELECT EntityNumber FROM del_denomination UNION SELECT EntityNumber FROM ins_denomination
        UNION SELECT EntityNumber FROM del_contact UNION SELECT EntityNumber FROM ins_contact
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE cls_touched_enterprise AS
        SELECT enterprise FROM t_ent
        UNION SELECT enterprise FROM scope_entity WHERE entity IN (SELECT entity FROM cls_touched_entity)
        """
    )


def table_exists(con, name: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND NOT temporary", [name]
        ).fetchone()[0]
    )


# ---------------------------------------------------------------- read-only connections (pages)

READ_MEMORY_LIMIT = "256MB"
# Page queries are point lookups (indexed) or one scan of ~250k rows: one thread per query avoids
# the scheduling overhead of parallel pipelines, and a web server runs requests side by side.
READ_THREADS = 1
_readers: dict[str, duckdb.DuckDBPyConnection] = {}
_readers_lock = threading.Lock()
KEEP_READERS = 2  # the current store, and the previous one for requests still running


def reader(path: Path) -> duckdb.DuckDBPyConnection:
    """A cursor on a read-only connection to a published store, kept open per process.

    Stores never change once published, so one connection per store path can serve every
    request; a new current snapshot (or a reclassified store) has a new path, and the oldest
    connections are closed. Each call returns its own cursor (a DuckDB connection is not safe
    for concurrent use by several threads; cursors are).
    """
    key = str(path)
    with _readers_lock:
        con = _readers.get(key)
        if con is None:
            con = duckdb.connect(key, read_only=True)
            con.execute(f"SET memory_limit = '{READ_MEMORY_LIMIT}'")
            con.execute(f"SET threads = {READ_THREADS}")
            con.execute("SET enable_progress_bar = false")
            _readers[key] = con
            while len(_readers) > KEEP_READERS:
                oldest = next(iter(_readers))
                _readers.pop(oldest).close()
        return con.cursor()


def readers_close() -> None:
    """Close every cached read-only connection (before this process writes or rebuilds a store)."""
    with _readers_lock:
        while _readers:
            _readers.popitem()[1].close()


# ---------------------------------------------------------------- full import


@dataclass
class BuildResult:
    meta: Meta
    rows: dict[str, int]
    seconds: dict[str, float]
    file_info: dict[str, dict]
    checksum: str


class _Timer:
    def __init__(self, progress: Progress):
        self.progress = progress
        self.seconds: dict[str, float] = {}
        self._name = ""
        self._start = 0.0

    def step(self, name: str) -> None:
        self.stop()
        self._name, self._start = name, time.perf_counter()
        self.progress(name)

    def stop(self) -> None:
        if self._name:
            self.seconds[self._name] = round(time.perf_counter() - self._start, 3)
            self._name = ""


def build_full(
    *,
    source: Source,
    meta: Meta,
    columns: dict[str, tuple[str, ...]],
    db_path: Path,
    postal_rows: list[tuple[str, str, str, str]],
    progress: Progress,
    scanner: FileScanner | None = None,
) -> BuildResult:
    """Read a Full publication into a new store at `db_path`; raises KboInputError on bad input."""
    timer = _Timer(progress)
    con = connect(db_path)
    try:
        f = source.files
        timer.step("code table")
        load_file(con, name="code", path=f["code"], columns=columns["code"], target="code")
        con.execute("CREATE TABLE meta (variable VARCHAR, value VARCHAR)")
        con.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [
                ("SnapshotDate", meta.snapshot_date.isoformat()),
                ("ExtractNumber", str(meta.extract_number)),
                ("ExtractType", meta.extract_type),
                ("Synthetic", "1" if meta.synthetic else "0"),
            ],
        )
        for table in ("enterprise", "establishment", "address", "branch"):
            timer.step(f"{table} (whole country)")
            load_file(con, name=table, path=f[table], columns=columns[table], target=table)
        timer.step("checking codes of enterprises and addresses")
        codes_check(
            con,
            source=source,
            columns=columns,
            checks=[("enterprise", "enterprise"), ("address", "address")],
        )
        timer.step("locating entities in the Region")
        postal_table(con, postal_rows)
        derive(con, snapshot=meta.snapshot_date)
        for table in SCOPED_TABLES:
            timer.step(f"{table} (entities in the Region)")
            load_file(
                con,
                name=table,
                path=f[table],
                columns=columns[table],
                target=table,
                where="EntityNumber IN (SELECT entity FROM scope_entity)",
            )
        timer.step("checking codes of activities, names and contacts")
        codes_check(
            con,
            source=source,
            columns=columns,
            checks=[(t, t) for t in SCOPED_TABLES],
        )
        timer.step("preferred NACE versions")
        derive_activities(con)
        con.execute(
            "CREATE TABLE cessation_log (enterprise VARCHAR, person_type VARCHAR, refnis VARCHAR[], "
            "sectors VARCHAR[], last_seen_extract INTEGER, ceased_extract INTEGER, ceased_on DATE, reason VARCHAR)"
        )
        rows = {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in (*DATA_TABLES, "code", "bxl_enterprise", "bxl_establishment")
        }
        timer.step("checkpoint")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    timer.stop()
    info: dict[str, dict] = {}
    checksum = ""
    if scanner is not None:
        scanner.join()
        info, checksum = scanner.info, scanner.checksum()
    return BuildResult(
        meta=meta, rows=rows, seconds=timer.seconds, file_info=info, checksum=checksum
    )


# ---------------------------------------------------------------- update


def apply_update(
    *,
    source: Source,
    meta: Meta,
    columns: dict[str, tuple[str, ...]],
    db_path: Path,
    postal_rows: list[tuple[str, str, str, str]],
    progress: Progress,
) -> BuildResult:
    """Apply an Update (deletes first, then inserts) to the store copied at `db_path`."""
    timer = _Timer(progress)
    con = connect(db_path)
    rows: dict[str, int] = {}
    try:
        f = source.files
        if "code" in f:
            timer.step("code table")
            load_file(con, name="code", path=f["code"], columns=columns["code"], target="code_new")
            con.execute("DROP TABLE code; ALTER TABLE code_new RENAME TO code")
        timer.step("reading the update")
        for table in DATA_TABLES:
            load_file(
                con,
                name=f"{table}_delete",
                path=f[f"{table}_delete"],
                columns=columns[f"{table}_delete"],
                target=f"del_{table}",
            )
            load_file(
                con,
                name=f"{table}_insert",
                path=f[f"{table}_insert"],
                columns=columns[f"{table}_insert"],
                target=f"ins_{table}",
            )
            rows[f"{table}_delete"] = con.execute(f"SELECT count(*) FROM del_{table}").fetchone()[0]
            rows[f"{table}_insert"] = con.execute(f"SELECT count(*) FROM ins_{table}").fetchone()[0]
        timer.step("checking codes")
        codes_check(
            con,
            source=source,
            columns=columns,
            checks=[(f"{t}_insert", f"ins_{t}") for t in DATA_TABLES if t in CODE_COLUMNS],
        )
        timer.step("applying deletes and inserts")
        previous = dt.date.fromisoformat(
            con.execute("SELECT value FROM meta WHERE variable = 'SnapshotDate'").fetchone()[0]
        )
        # Derived rows are recomputed only for the keys the update touches, unless the postal
        # codes changed (then every location may change): see derive_touched.
        incremental = postal_unchanged(con, postal_rows)
        con.execute("BEGIN TRANSACTION")
        if incremental:
            touched_before(con, previous=previous, snapshot=meta.snapshot_date)
        for table in DATA_TABLES:
            key = KEYS[table]
            con.execute(f"DELETE FROM {table} WHERE {key} IN (SELECT {key} FROM del_{table})")
            con.execute(f"INSERT INTO {table} SELECT * FROM ins_{table}")
        con.execute(
            "UPDATE meta SET value = ? WHERE variable = 'SnapshotDate'",
            [meta.snapshot_date.isoformat()],
        )
        con.execute(
            "UPDATE meta SET value = ? WHERE variable = 'ExtractNumber'", [str(meta.extract_number)]
        )
        con.execute("UPDATE meta SET value = 'update' WHERE variable = 'ExtractType'")
        if meta.synthetic:
            con.execute("UPDATE meta SET value = '1' WHERE variable = 'Synthetic'")
        timer.step("derived tables")
        if incremental:
            derive_touched(con, snapshot=meta.snapshot_date)
            touched_classification(con)
        else:
            postal_table(con, postal_rows)
            derive(con, snapshot=meta.snapshot_date)
            derive_activities(con)
        for table in DATA_TABLES:
            con.execute(f"DROP TABLE del_{table}; DROP TABLE ins_{table}")
        con.execute("COMMIT")
        rows.update(
            {
                t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in (*DATA_TABLES, "bxl_enterprise", "bxl_establishment")
            }
        )
        timer.step("checkpoint")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    timer.stop()
    scanner = FileScanner(source.files)
    scanner.run()
    return BuildResult(
        meta=meta,
        rows=rows,
        seconds=timer.seconds,
        file_info=scanner.info,
        checksum=scanner.checksum(),
    )


def store_meta(db_path: Path) -> dict[str, str]:
    con = connect(db_path, read_only=True)
    try:
        return dict(con.execute("SELECT variable, value FROM meta").fetchall())
    finally:
        con.close()
