"""Every list a user sees exports the same way: CSV, XLSX or JSON, with the same columns."""

import csv
import io
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from core.validation import SURROGATE_RE

EXPORT_FORMATS = ("csv", "xlsx", "json")


@dataclass(frozen=True)
class Table:
    """Rows of plain values (str, int, float, list, None) under named columns."""

    columns: Sequence[str]
    rows: list[dict]


# OWASP CSV injection: a cell starting with one of these is a formula in a spreadsheet program.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER_RE = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def neutralise_formula(text: str) -> str:
    """Text a spreadsheet shows as text: a leading = + - @ tab or CR gets a single quote before it.

    A plain number written as text ("-12.5") is left alone: it is no formula.
    """
    if text.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER_RE.match(text):
        return "'" + text
    return text


def restore_formula_text(text: str) -> str:
    """The text before neutralise_formula: what an import reads back from an export."""
    if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


def _safe_text(text: str) -> str:
    """Text without the characters that make an XLSX unreadable (controls, lone surrogates)."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return SURROGATE_RE.sub("\ufffd", text)


def _cell(value):
    """A value as a spreadsheet cell: lists joined, text cleaned and never a formula.

    Numbers (int, float, Decimal, negative ones too) stay numbers.
    """
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, str):
        return neutralise_formula(_safe_text(value))
    return value


def table_to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(table.columns), extrasaction="ignore")
    writer.writerow({c: _cell(c) for c in table.columns})
    for row in table.rows:
        writer.writerow({c: _cell(row.get(c)) for c in table.columns})
    # BOM so that spreadsheet programs read accents (é, ë) right.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8", errors="replace")


def _sheet_title(title: str) -> str:
    title = re.sub(r"[\\/*?:\[\]]", "-", _safe_text(title))[:31].strip("'")
    return title or "export"


def table_to_xlsx(table: Table, sheet_title: str = "export") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(sheet_title)
    sheet.append([_cell(c) for c in table.columns])
    for row in table.rows:
        sheet.append([_cell(row.get(c)) for c in table.columns])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # an explicit string, never read as a formula
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(10, len(column) + 2))
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def table_to_json(table: Table) -> bytes:
    data = [{c: row.get(c) for c in table.columns} for row in table.rows]
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8", errors="replace")


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}


def export_response(table: Table, fmt: str, basename: str) -> HttpResponse:
    """An attachment response in the asked format; ValueError on an unknown format."""
    if fmt == "csv":
        body = table_to_csv(table)
    elif fmt == "xlsx":
        body = table_to_xlsx(table, basename)
    elif fmt == "json":
        body = table_to_json(table)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{basename}.{fmt}"'
    return response


def export_format(request) -> str | None:
    """The export format a request asks for (?format=csv|xlsx|json), or None for the page."""
    fmt = request.GET.get("format")
    return fmt if fmt in EXPORT_FORMATS else None


def export_if_requested(
    request, tables, basename: str, *, json_data: Callable[[], object] | None = None
) -> HttpResponse | None:
    """The download a page's export links ask for, or None to render the page.

    `tables` is one Table (or a callable giving it) for a page with one list, or a mapping
    key → Table/callable for a page with several (the links carry ?table=key); a key the page
    does not have is a 404. `json_data`, when given, makes the JSON download nested rather than
    one object per table row. `basename` may be a callable of the table key.
    """
    fmt = export_format(request)
    if fmt is None:
        return None
    if isinstance(tables, Mapping):
        key = request.GET.get("table", "")
        table = tables.get(key)
        name = basename(key) if callable(basename) else f"{basename}-{key}"
    else:
        table, name = tables, basename
    if callable(table):
        table = table()
    if table is None:
        raise Http404(_("No such table on this page."))
    if fmt == "json" and json_data is not None:
        return json_attachment(json_data(), name)
    return export_response(table, fmt, name)


def json_attachment(data, basename: str) -> HttpResponse:
    """Structured (nested) JSON as a download, for lists whose rows are richer than a table."""
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str).encode(
        "utf-8", errors="replace"
    )
    response = HttpResponse(body, content_type=CONTENT_TYPES["json"])
    response["Content-Disposition"] = f'attachment; filename="{basename}.json"'
    return response
