"""The period snapshot (one row per measure) and the report import that reads the same file back.

Export and import share IMPORT_COLUMNS. Columns starting with `readonly_` are context for the
reader and are ignored by the import. An import is validated first, then written in one
transaction through monitoring.services (as the importing task-force user); any bad row names
file, row and column, and nothing changes. Rows are upserts on (measure code, period key):
a row equal to the stored report changes nothing, so re-importing a snapshot is harmless.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.styles import Font, PatternFill

from accounts import access
from core.exports import Table, restore_formula_text, table_to_xlsx
from core.validation import (
    CSV_FIELD_LIMIT,
    XLSX_MAX_UNCOMPRESSED,
    InputFileError,
    decimal_problem,
    read_csv,
    text_problem,
    xlsx_problem,
)
from plan.models import Measure

from . import services
from .models import ImplementationStatus, Report, ReportingPeriod

# The report's own fields (services.REPORT_FIELDS), keyed by measure and period.
IMPORT_COLUMNS = ("measure_code", "period", *services.REPORT_FIELDS, "version")
REQUIRED_COLUMNS = ("measure_code", "period", "status")
READONLY_PREFIX = "readonly_"
READONLY_COLUMNS = (
    "readonly_title_nl",
    "readonly_title_fr",
    "readonly_coordinators",
    "readonly_state",
    "readonly_effective_progress",
    "readonly_submitted_at",
    "readonly_validated_at",
    "readonly_return_comment",
)
SNAPSHOT_COLUMNS = IMPORT_COLUMNS + READONLY_COLUMNS
DATA_FIELDS = services.REPORT_FIELDS  # status, progress, narratives, next steps, risks, budgets
MAX_BYTES = 5 * 1024 * 1024  # the file as uploaded
MAX_UNCOMPRESSED = XLSX_MAX_UNCOMPRESSED  # an XLSX unpacked (zip bomb guard), 50 MB
MAX_FIELD_CHARS = CSV_FIELD_LIMIT  # one cell, 1 MiB
MAX_ROWS = 5000
TEXT_COLUMNS = ("narrative_nl", "narrative_fr", "next_steps", "risks")


# ---------------------------------------------------------------- export


def _text(value) -> str:
    return "" if value is None else str(value)


def period_snapshot_table(*, period: ReportingPeriod, measures) -> Table:
    """One row per measure for the period: its report's values (empty when none) and context."""
    reports = {
        r.measure_id: r
        for r in Report.objects.filter(period=period, measure__in=measures).select_related("status")
    }
    rows = []
    for measure in measures.prefetch_related("coordinations__organisation").order_by("order"):
        report = reports.get(measure.pk)
        row = {
            "measure_code": measure.code,
            "period": period.key,
            "readonly_title_nl": measure.title_nl,
            "readonly_title_fr": measure.title_fr,
            "readonly_coordinators": [c.organisation.name_nl for c in measure.coordinations.all()],
        }
        if report is not None:
            row.update(
                {
                    "status": report.status.key,
                    "progress": report.progress,
                    "narrative_nl": report.narrative_nl,
                    "narrative_fr": report.narrative_fr,
                    "next_steps": report.next_steps,
                    "risks": report.risks,
                    "budget_committed": _text(report.budget_committed) or None,
                    "budget_spent": _text(report.budget_spent) or None,
                    "version": report.version,
                    "readonly_state": report.state,
                    "readonly_effective_progress": report.effective_progress,
                    "readonly_submitted_at": report.submitted_at.isoformat()
                    if report.submitted_at
                    else None,
                    "readonly_validated_at": report.validated_at.isoformat()
                    if report.validated_at
                    else None,
                    "readonly_return_comment": report.return_comment,
                }
            )
        rows.append(row)
    return Table(columns=SNAPSHOT_COLUMNS, rows=rows)


def period_snapshot_xlsx(table: Table, *, basename: str) -> bytes:
    """The XLSX of the snapshot, with the read-only columns greyed and a sheet explaining the file."""
    workbook = load_workbook(io.BytesIO(table_to_xlsx(table, basename)))
    sheet = workbook.active
    grey = PatternFill("solid", fgColor="D9D9D9")
    for cell in sheet[1]:
        cell.font = Font(bold=True, italic=str(cell.value).startswith(READONLY_PREFIX))
        if str(cell.value).startswith(READONLY_PREFIX):
            cell.fill = grey
    help_sheet = workbook.create_sheet("README")
    help_sheet.append([_("Columns")])
    help_sheet.append(
        [_("Fill in or change the columns measure_code to version; the import reads those only.")]
    )
    help_sheet.append(
        [_("Columns starting with readonly_ are context and are ignored by the import.")]
    )
    help_sheet.append(
        [_("Keep the version column as exported: a report changed since the export is refused.")]
    )
    help_sheet.append([_("Rows without a status are skipped. Implementation status keys:")])
    for status in ImplementationStatus.objects.order_by("order"):
        help_sheet.append([status.key, status.label_nl, status.label_fr, status.default_progress])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- reading and validation


class ImportFileError(Exception):
    """Bad import file: every problem names file, row and column; nothing was changed."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class ImportRow:
    line: int
    measure: Measure
    period: ReportingPeriod
    data: services.ReportData
    version: int | None
    existing: Report | None

    @property
    def unchanged(self) -> bool:
        return self.existing is not None and all(
            getattr(self.existing, f) == getattr(self.data, f) for f in DATA_FIELDS
        )


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    submitted: list[str] = field(default_factory=list)
    skipped: int = 0

    def summary(self) -> str:
        return _(
            "%(created)s created, %(updated)s updated, %(unchanged)s unchanged, %(submitted)s submitted, %(skipped)s empty rows skipped."
        ) % {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "submitted": len(self.submitted),
            "skipped": self.skipped,
        }


def _read_rows(name: str, content: bytes) -> list[tuple[int, dict[str, object]]]:
    """(row number, {column: value}) for each non-empty data row of an XLSX or CSV file."""
    extension = Path(name).suffix.lower()
    if len(content) > MAX_BYTES:
        raise ImportFileError(
            [
                _("%(file)s: the file is larger than %(mb)s MB.")
                % {"file": name, "mb": MAX_BYTES // (1024 * 1024)}
            ]
        )
    if extension == ".xlsx":
        bomb = xlsx_problem(name, content)
        if bomb:
            raise ImportFileError([bomb])
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds of errors on a broken file
            raise ImportFileError(
                [
                    _("%(file)s: not a readable XLSX file (%(error)s).")
                    % {"file": name, "error": exc.__class__.__name__}
                ]
            ) from exc
        raw = [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]
        workbook.close()
    elif extension == ".csv":
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFileError([_("%(file)s: not UTF-8 text.") % {"file": name}]) from exc
        try:
            raw = [cells for _line, cells in read_csv(name, text)]
        except InputFileError as exc:
            raise ImportFileError(exc.problems) from exc
    else:
        raise ImportFileError(
            [_("%(file)s: only .xlsx and .csv files can be imported.") % {"file": name}]
        )
    if not raw:
        raise ImportFileError([_("%(file)s: the file is empty.") % {"file": name}])
    header = [str(h).strip() if h is not None else "" for h in raw[0]]
    problems = []
    for index, column in enumerate(header, start=1):
        if column and column not in IMPORT_COLUMNS and not column.startswith(READONLY_PREFIX):
            problems.append(
                _("%(file)s: row 1, column %(index)s: unknown column “%(column)s”.")
                % {"file": name, "index": index, "column": column}
            )
    for column in REQUIRED_COLUMNS:
        if column not in header:
            problems.append(
                _("%(file)s: row 1: the column “%(column)s” is missing.")
                % {"file": name, "column": column}
            )
    duplicates = {c for c in header if c and header.count(c) > 1}
    for column in sorted(duplicates):
        problems.append(
            _("%(file)s: row 1: the column “%(column)s” appears twice.")
            % {"file": name, "column": column}
        )
    if problems:
        raise ImportFileError(problems)
    if len(raw) - 1 > MAX_ROWS:
        raise ImportFileError(
            [_("%(file)s: more than %(max)s rows.") % {"file": name, "max": MAX_ROWS}]
        )
    rows = []
    for line, values in enumerate(raw[1:], start=2):
        record = {
            column: values[i] if i < len(values) else None
            for i, column in enumerate(header)
            if column in IMPORT_COLUMNS
        }
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        rows.append((line, record))
    return rows


def _clean_text(value) -> str:
    return "" if value is None else restore_formula_text(str(value).strip())


def _parse_int(value) -> int | None:
    text = _clean_text(value).rstrip("%").strip()
    if text == "":
        return None
    number = Decimal(text.replace(",", "."))
    if number != number.to_integral_value():
        raise ValueError
    return int(number)


def _parse_amount(value) -> Decimal | None:
    if isinstance(value, int | float):
        return Decimal(str(value)).quantize(Decimal("0.01"))
    text = _clean_text(value).replace("€", "").replace("\u00a0", "").replace(" ", "")
    if text == "":
        return None
    if "," in text and "." in text:  # 1.234,50 or 1,234.50: the last separator is the decimal one
        text = (
            text.replace(".", "").replace(",", ".")
            if text.rfind(",") > text.rfind(".")
            else text.replace(",", "")
        )
    else:
        text = text.replace(",", ".")
    amount = Decimal(text)
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError
    return amount.quantize(Decimal("0.01"))


def reports_file_validate(*, name: str, content: bytes, user) -> tuple[list[ImportRow], int]:
    """Parse and check every row; ImportFileError with all problems, else the rows and the skipped count."""
    if not access.can_import_reports(user):
        raise PermissionDenied(_("Only the task force imports reports."))
    rows = _read_rows(name, content)
    measures = {m.code: m for m in Measure.objects.all()}
    periods = {p.key: p for p in ReportingPeriod.objects.all()}
    statuses = {s.key: s for s in ImplementationStatus.objects.all()}
    existing = {(r.measure_id, r.period_id): r for r in Report.objects.select_related("status")}
    problems: list[str] = []
    parsed: list[ImportRow] = []
    seen: dict[tuple[str, str], int] = {}
    skipped = 0

    for line, record in rows:
        problems_before = len(problems)

        def problem(column: str, message: str, line=line) -> None:
            problems.append(
                _("%(file)s: row %(row)s, column %(column)s: %(message)s")
                % {"file": name, "row": line, "column": column, "message": message}
            )

        code, period_key, status_key = (
            _clean_text(record.get(c)) for c in ("measure_code", "period", "status")
        )
        has_data = any(
            _clean_text(record.get(c))
            for c in IMPORT_COLUMNS
            if c not in ("measure_code", "period", "version")
        )
        if not status_key and not has_data:
            skipped += 1  # a measure without a report in the snapshot
            continue
        measure, period, status = (
            measures.get(code),
            periods.get(period_key),
            statuses.get(status_key),
        )
        if measure is None:
            problem("measure_code", _("no measure with code “%(code)s”.") % {"code": code})
        if period is None:
            problem("period", _("no reporting period “%(period)s”.") % {"period": period_key})
        elif period.is_closed:
            problem("period", _("the period %(period)s is closed.") % {"period": period_key})
        if status is None:
            problem(
                "status",
                _("unknown status “%(status)s” (see the README sheet of the export for the keys).")
                % {"status": status_key}
                if status_key
                else _("a row with data needs a status."),
            )
        values: dict[str, object] = {}
        for column, parser, message in (
            ("progress", _parse_int, _("must be a whole number from 0 to 100.")),
            ("version", _parse_int, _("must be the whole number exported.")),
            (
                "budget_committed",
                _parse_amount,
                _("must be an amount in euro with at most 2 decimals."),
            ),
            (
                "budget_spent",
                _parse_amount,
                _("must be an amount in euro with at most 2 decimals."),
            ),
        ):
            try:
                values[column] = parser(record.get(column))
            except (ValueError, InvalidOperation, OverflowError):
                problem(column, message)
                values[column] = None
        if values["progress"] is not None and not 0 <= values["progress"] <= 100:
            problem("progress", _("must be a whole number from 0 to 100."))
        for column in ("budget_committed", "budget_spent"):
            if values[column] is None:
                continue
            too_big = decimal_problem(Report._meta.get_field(column), values[column])
            if too_big:
                problem(column, _("the amount %(problem)s") % {"problem": too_big})
                values[column] = None
            elif values[column] < 0:
                problem(column, _("an amount cannot be negative."))
        for column in TEXT_COLUMNS:
            value = record.get(column)
            bad = text_problem(str(value)) if value is not None else None
            if bad:
                problem(column, _("the text %(problem)s") % {"problem": bad})
        for column in ("measure_code", "period", "status"):
            bad = text_problem(_clean_text(record.get(column)), max_length=200)
            if bad:
                problem(column, _("the text %(problem)s") % {"problem": bad})
        if measure is not None and period is not None:
            key = (measure.code, period.key)
            if key in seen:
                problem(
                    "measure_code",
                    _("measure %(code)s and period %(period)s already appear in row %(row)s.")
                    % {"code": code, "period": period_key, "row": seen[key]},
                )
            seen[key] = line
        if measure is None or period is None or status is None or len(problems) > problems_before:
            continue
        report = existing.get((measure.pk, period.pk))
        data = services.ReportData(
            status=status,
            progress=values["progress"],
            **{
                c: _clean_text(record[c]) if c in record else (getattr(report, c) if report else "")
                for c in ("narrative_nl", "narrative_fr", "next_steps", "risks")
            },
            budget_committed=values["budget_committed"]
            if "budget_committed" in record
            else (report.budget_committed if report else None),
            budget_spent=values["budget_spent"]
            if "budget_spent" in record
            else (report.budget_spent if report else None),
        )
        if "progress" not in record and report is not None:
            data.progress = report.progress
        row = ImportRow(
            line=line,
            measure=measure,
            period=period,
            data=data,
            version=values["version"],
            existing=report,
        )
        if report is not None and not row.unchanged:
            if report.state not in services.EDITABLE_STATES:
                problem(
                    "status",
                    _(
                        "the report of %(code)s for %(period)s is %(state)s and can no longer be changed."
                    )
                    % {
                        "code": code,
                        "period": period_key,
                        "state": report.get_state_display().lower(),
                    },
                )
                continue
            if row.version is None:
                problem(
                    "version",
                    _(
                        "the report of %(code)s for %(period)s exists (version %(now)s): a row that changes it needs the version exported; export again."
                    )
                    % {"code": code, "period": period_key, "now": report.version},
                )
                continue
            if row.version != report.version:
                problem(
                    "version",
                    _(
                        "the report was changed after the export (version %(theirs)s, now %(now)s); export again."
                    )
                    % {"theirs": row.version, "now": report.version},
                )
                continue
        if report is None and row.version:
            problem(
                "version",
                _(
                    "there is no report of %(code)s for %(period)s to update (version %(theirs)s); leave the version empty to create it."
                )
                % {"code": code, "period": period_key, "theirs": row.version},
            )
            continue
        if (
            not data.narrative_nl
            and not data.narrative_fr
            and not (report is not None and row.unchanged)
        ):
            problem("narrative_nl", _("write the narrative in Dutch and/or French."))
            continue
        parsed.append(row)
    if problems:
        raise ImportFileError(problems)
    return parsed, skipped


def _service_messages(error: Exception) -> list[tuple[str, str]]:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        return [
            (column, " ".join(str(m) for m in messages))
            for column, messages in error.message_dict.items()
        ]
    if isinstance(error, ValidationError):
        return [("status", " ".join(error.messages))]
    return [("measure_code", str(error))]


def reports_import(
    *, name: str, content: bytes, user, submit: bool = False, progress=None
) -> ImportResult:
    """Validate the whole file, then write every row in one transaction; ImportFileError changes nothing."""
    rows, skipped = reports_file_validate(name=name, content=content, user=user)
    result = ImportResult(skipped=skipped)
    problems: list[str] = []
    with transaction.atomic():
        for row in rows:
            label = f"{row.measure.code}/{row.period.key}"
            try:
                with transaction.atomic():
                    if row.unchanged:
                        report = row.existing
                        result.unchanged.append(label)
                    else:
                        report = services.report_save(
                            user=user,
                            measure=row.measure,
                            period=row.period,
                            data=row.data,
                            # A new row expects no report: one created since is a conflict.
                            expected_version=row.version
                            if row.existing is not None
                            else services.NEW,
                        )
                        (result.updated if row.existing is not None else result.created).append(
                            label
                        )
                    if submit and report.state in Report.SUBMITTABLE_STATES:
                        services.report_submit(
                            user=user, report=report, expected_version=report.version
                        )
                        result.submitted.append(label)
            except services.ConcurrentEditError:
                problems.append(
                    _(
                        "%(file)s: row %(row)s, column version: the report was changed during the import; nothing was changed."
                    )
                    % {"file": name, "row": row.line}
                    if row.existing is not None
                    else _(
                        "%(file)s: row %(row)s, column version: someone else created the report during the import; nothing was changed."
                    )
                    % {"file": name, "row": row.line}
                )
            except (ValidationError, PermissionDenied) as exc:
                for column, message in _service_messages(exc):
                    problems.append(
                        _("%(file)s: row %(row)s, column %(column)s: %(message)s")
                        % {"file": name, "row": row.line, "column": column, "message": message}
                    )
            if progress:
                progress(row)
        if problems:
            transaction.set_rollback(True)
    if problems:
        raise ImportFileError(problems)
    return result
