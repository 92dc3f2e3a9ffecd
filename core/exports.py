"""Every list a user sees exports the same way: CSV, XLSX or JSON, with the same columns."""

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

EXPORT_FORMATS = ("csv", "xlsx", "json")


@dataclass(frozen=True)
class Table:
    """Rows of plain values (str, int, float, list, None) under named columns."""

    columns: Sequence[str]
    rows: list[dict]


def _cell(value):
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return value


def table_to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(table.columns), extrasaction="ignore")
    writer.writeheader()
    for row in table.rows:
        writer.writerow({c: _cell(row.get(c)) for c in table.columns})
    # BOM so that spreadsheet programs read accents (é, ë) right.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def table_to_xlsx(table: Table, sheet_title: str = "export") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    sheet.append(list(table.columns))
    for row in table.rows:
        sheet.append([_cell(row.get(c)) for c in table.columns])
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(10, len(column) + 2))
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def table_to_json(table: Table) -> bytes:
    data = [{c: row.get(c) for c in table.columns} for row in table.rows]
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


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


def rows_from(objects: Iterable, columns: Sequence[str], row_of) -> Table:
    return Table(columns=columns, rows=[row_of(o) for o in objects])


def json_attachment(data, basename: str) -> HttpResponse:
    """Structured (nested) JSON as a download, for lists whose rows are richer than a table."""
    body = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    response = HttpResponse(body, content_type=CONTENT_TYPES["json"])
    response["Content-Disposition"] = f'attachment; filename="{basename}.json"'
    return response
