"""Observations in an Open SDG-like tidy layout: read CSV/XLSX, validate every row, write at once.

One row per figure. Columns (header names, any order):

=================  ==========================================================================
``indicator``      the indicator's code (required)
``period``         ``YYYY``, ``YYYY-YYYY`` (a change over a span), ``YYYY-Qn`` or ``YYYY-MM``
``value``          a plain number, ``.`` as decimal mark, no thousands separator (required)
``unit``           optional; when given it must be the indicator's unit code
``status``         ``final`` (default) or ``provisional``
``vintage``        the release the figure comes from: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``
``source_note``    optional free text
``printed``        optional: the figure exactly as the source prints it (e.g. ``22.115``)
any other column   a disaggregation code (``sector``, ``sex``, …); a blank cell means the total
=================  ==========================================================================

A row is identified by indicator × period × disaggregation values × vintage: importing the same
file again changes nothing; a file with a new vintage adds rows and keeps the older releases.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from core.exports import restore_formula_text
from core.validation import (
    InputFileError,
    check_size,
    decimal_problem,
    model_value_problems,
    read_csv,
    text_problem,
    xlsx_problem,
)
from core.yamlfiles import DataFileError

from .models import Disaggregation, Indicator, Observation, ObservationImport
from .progress import is_valid_period, period_time

FIXED_COLUMNS = (
    "indicator",
    "period",
    "value",
    "unit",
    "status",
    "vintage",
    "source_note",
    "printed",
)
REQUIRED_COLUMNS = ("indicator", "period", "value")
STATUSES = {c.value for c in Observation.Status}
VINTAGE_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
# A file is read whole: larger ones are refused before reading (a CSV field: CSV_FIELD_LIMIT).
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Catalogue:
    """What rows are checked against: each indicator's unit and disaggregations, each code's values."""

    indicators: dict[str, tuple[str, frozenset[str]]]
    disaggregations: dict[str, frozenset[str]]


@dataclass
class ParsedRow:
    file: str
    line: int
    indicator: str
    period: str
    value: Decimal
    disaggregation: dict[str, str]
    status: str
    vintage: str
    source_note: str
    printed: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.indicator, self.period, disaggregation_key(self.disaggregation), self.vintage)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    files: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"observations: {self.created} new, {self.updated} changed, {self.unchanged} unchanged"
        )


def disaggregation_key(values: dict[str, str]) -> str:
    """A canonical text for a set of disaggregation values: 'sector=construction;sex=f' ('' = total)."""
    return ";".join(f"{k}={v}" for k, v in sorted(values.items()) if v)


def catalogue_from_database() -> Catalogue:
    indicators = {
        i.code: (i.unit, frozenset(d.code for d in i.disaggregations.all()))
        for i in Indicator.objects.prefetch_related("disaggregations")
    }
    disaggregations = {
        d.code: frozenset(v.code for v in d.values.all())
        for d in Disaggregation.objects.prefetch_related("values")
    }
    return Catalogue(indicators=indicators, disaggregations=disaggregations)


# ---------------------------------------------------------------- reading


def read_table(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line number, {column: text}) for every non-empty data row of a CSV or XLSX file."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise DataFileError([f"{path.name}: file not found"])
    try:
        check_size(path.name, path.stat().st_size, MAX_FILE_BYTES)
    except InputFileError as exc:
        raise DataFileError(exc.problems) from exc
    if suffix == ".csv":
        return _read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    raise DataFileError([f"{path.name}: unsupported file type {suffix!r}; expected .csv or .xlsx"])


def _read_csv(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFileError([f"{path.name}: not UTF-8 text ({exc.reason})"]) from exc
    try:
        rows = read_csv(path.name, text)
    except InputFileError as exc:
        raise DataFileError(exc.problems) from exc
    return _rows_with_header(path.name, rows)


def _read_xlsx(path: Path) -> list[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    content = path.read_bytes()
    bomb = xlsx_problem(path.name, content)
    if bomb:
        raise DataFileError([bomb])
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is bad input
        raise DataFileError([f"{path.name}: not a readable XLSX workbook ({exc})"]) from exc
    sheet = workbook.worksheets[0]
    rows = []
    for index, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
        rows.append((index, ["" if c is None else _cell_text(c) for c in cells]))
    workbook.close()
    return _rows_with_header(path.name, rows)


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows_with_header(name: str, rows: list[tuple[int, list[str]]]):
    rows = [(line, cells) for line, cells in rows if any(str(c).strip() for c in cells)]
    if not rows:
        raise DataFileError([f"{name}: the file is empty (a header row is needed)"])
    header_line, header = rows[0]
    columns = [str(c).strip().lower() for c in header]
    problems = []
    for required in REQUIRED_COLUMNS:
        if required not in columns:
            problems.append(f"{name}:{header_line}: header: required column {required!r} missing")
    duplicates = sorted({c for c in columns if c and columns.count(c) > 1})
    for column in duplicates:
        problems.append(f"{name}:{header_line}: header: column {column!r} appears twice")
    if problems:
        raise DataFileError(problems)
    out = []
    for line, cells in rows[1:]:
        record = {}
        for index, column in enumerate(columns):
            if column:
                cell = str(cells[index]).strip() if index < len(cells) else ""
                record[column] = restore_formula_text(cell)
        out.append((line, record))
    return [(header_line, {"__header__": columns})] + out


# ---------------------------------------------------------------- validation


def validate_rows(
    name: str,
    rows: list[tuple[int, dict[str, str]]],
    catalogue: Catalogue,
    default_vintage: str = "",
) -> tuple[list[ParsedRow], list[str]]:
    """Check every row; return the parsed rows and every problem as 'file:line: field: message'."""
    problems: list[str] = []
    parsed: list[ParsedRow] = []
    header_line, header = rows[0]
    columns = header["__header__"]
    disaggregation_columns = [c for c in columns if c and c not in FIXED_COLUMNS]
    for column in disaggregation_columns:
        if column not in catalogue.disaggregations:
            problems.append(
                f"{name}:{header_line}: {column}: unknown disaggregation code {column!r}; "
                f"known: {sorted(catalogue.disaggregations)}"
            )
    if problems:
        return [], problems
    for line, record in rows[1:]:
        where = f"{name}:{line}"
        row_problems: list[str] = []
        for column, cell in record.items():
            bad = text_problem(cell)
            if bad:
                row_problems.append(f"{where}: {column}: {bad}")
        if row_problems:
            problems.extend(row_problems)
            continue
        code = record.get("indicator", "")
        known = catalogue.indicators.get(code)
        if not code:
            row_problems.append(f"{where}: indicator: missing")
        elif known is None:
            row_problems.append(f"{where}: indicator: unknown indicator code {code!r}")
        period = record.get("period", "")
        if not is_valid_period(period):
            row_problems.append(
                f"{where}: period: bad period {period!r}; expected YYYY, YYYY-YYYY, YYYY-Qn or YYYY-MM"
            )
        raw_value = record.get("value", "")
        value = None
        if NUMBER_RE.match(raw_value):
            try:
                value = Decimal(raw_value)
            except InvalidOperation:
                value = None
        if value is None:
            row_problems.append(
                f"{where}: value: {raw_value!r} is not a number (use . as decimal mark, no thousands separator)"
            )
        else:
            too_big = decimal_problem(Observation._meta.get_field("value"), value)
            if too_big:
                row_problems.append(f"{where}: value: {raw_value!r} {too_big}")
        for column, message in model_value_problems(
            Observation,
            {"printed": record.get("printed", ""), "source_note": record.get("source_note", "")},
        ):
            row_problems.append(f"{where}: {column}: {message}")
        unit = record.get("unit", "")
        if unit and known and unit.lower() != known[0].lower():
            row_problems.append(
                f"{where}: unit: unit mismatch: {unit!r} given, indicator {code} is in {known[0]!r}"
            )
        status = (record.get("status") or "final").lower()
        if status not in STATUSES:
            row_problems.append(f"{where}: status: {status!r}; expected final or provisional")
        vintage = record.get("vintage") or default_vintage
        if not vintage:
            row_problems.append(f"{where}: vintage: missing (give a vintage column or --vintage)")
        elif not VINTAGE_RE.match(vintage):
            row_problems.append(
                f"{where}: vintage: bad vintage {vintage!r}; expected YYYY, YYYY-MM or YYYY-MM-DD"
            )
        values = {}
        for column in disaggregation_columns:
            cell = record.get(column, "")
            if not cell:
                continue
            if known and column not in known[1]:
                row_problems.append(
                    f"{where}: {column}: indicator {code} has no {column!r} disaggregation"
                )
            elif cell not in catalogue.disaggregations[column]:
                row_problems.append(
                    f"{where}: {column}: unknown {column} code {cell!r}; "
                    f"known: {sorted(catalogue.disaggregations[column])}"
                )
            values[column] = cell
        if row_problems:
            problems.extend(row_problems)
            continue
        parsed.append(
            ParsedRow(
                file=name,
                line=line,
                indicator=code,
                period=period,
                value=value,
                disaggregation=values,
                status=status,
                vintage=vintage,
                source_note=record.get("source_note", ""),
                printed=record.get("printed", ""),
            )
        )
    return parsed, problems


def parse_files(
    paths: Iterable[Path], catalogue: Catalogue, default_vintage: str = ""
) -> tuple[list[ParsedRow], str]:
    """Read and validate every file; DataFileError listing every problem of every file."""
    problems: list[str] = []
    parsed: list[ParsedRow] = []
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        if path.is_file():
            digest.update(path.read_bytes())
        try:
            rows = read_table(path)
        except DataFileError as exc:
            problems.extend(exc.problems)
            continue
        file_rows, file_problems = validate_rows(path.name, rows, catalogue, default_vintage)
        parsed.extend(file_rows)
        problems.extend(file_problems)
    seen: dict[tuple, ParsedRow] = {}
    for row in parsed:
        if row.key in seen:
            first = seen[row.key]
            problems.append(
                f"{row.file}:{row.line}: row: the same indicator, period, disaggregation and vintage "
                f"as {first.file}:{first.line}"
            )
        seen[row.key] = row
    if problems:
        raise DataFileError(problems)
    return parsed, digest.hexdigest()


# ---------------------------------------------------------------- writing


def write_rows(rows: list[ParsedRow]) -> ImportResult:
    """Upsert the rows (inside the caller's transaction); only changed rows are saved."""
    result = ImportResult()
    indicators = {i.code: i for i in Indicator.objects.all()}
    existing = {
        (o.indicator_id, o.period, o.disaggregation_key, o.vintage): o
        for o in Observation.objects.filter(indicator__code__in={r.indicator for r in rows})
    }
    for row in rows:
        indicator = indicators[row.indicator]
        key = disaggregation_key(row.disaggregation)
        values = {
            "value": row.value,
            "period_time": period_time(row.period),
            "printed": row.printed,
            "disaggregation": {k: v for k, v in sorted(row.disaggregation.items())},
            "status": row.status,
            "source_note": row.source_note,
            "imported_from": row.file,
        }
        obj = existing.get((indicator.pk, row.period, key, row.vintage))
        if obj is None:
            Observation.objects.create(
                indicator=indicator,
                period=row.period,
                disaggregation_key=key,
                vintage=row.vintage,
                **values,
            )
            result.created += 1
            continue
        changed = [k for k, v in values.items() if k != "imported_from" and getattr(obj, k) != v]
        if changed:
            for k, v in values.items():
                setattr(obj, k, v)
            obj.save()
            result.updated += 1
        else:
            result.unchanged += 1
    return result


def observations_import(
    *,
    paths: list[Path],
    imported_by: str = "",
    default_vintage: str = "",
    progress: Callable[[str], None] | None = None,
) -> ImportResult:
    """Validate every row of every file first; then write them all in one transaction.

    A ledger row (ObservationImport) is written when something changed.
    """
    step = progress or (lambda message: None)
    step("validating")
    rows, checksum = parse_files(paths, catalogue_from_database(), default_vintage)
    with transaction.atomic():
        step(f"writing {len(rows)} rows")
        result = write_rows(rows)
        result.files = [p.name for p in paths]
        if result.created or result.updated:
            ObservationImport.objects.create(
                imported_by=imported_by,
                file_name=", ".join(result.files)[:300],
                checksum=checksum,
                counts={
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                },
            )
    return result
