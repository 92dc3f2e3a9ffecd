"""Checks every way into the database shares: forms, API serializers, importers and loaders.

A value is checked against what its model column can hold *before* anything is written, so a
bad value is a message (``file:line: field: message`` in an import, a form or 400 error on the
web) and never a database error or a row that later fails to read back:

- text: no control characters other than tab, newline and carriage return, no lone surrogates
  (``text_problem``, ``validate_text``), at most the column's ``max_length`` (a ``TextField``:
  ``TEXT_MAX_CHARS``);
- numbers: finite, and within the column (``decimal_fits`` / ``decimal_problem`` from the model
  field's ``max_digits`` and ``decimal_places``; ``integer_problem`` from the integer ranges every
  supported database holds);
- files: ``check_size`` (bytes), ``read_csv`` (field size ``CSV_FIELD_LIMIT``, unclosed quotes,
  line numbers) and ``xlsx_problem`` (uncompressed size ``XLSX_MAX_UNCOMPRESSED``, compression
  ratio ``XLSX_MAX_RATIO``: a zip bomb is refused before openpyxl opens it);
- YAML: ``yaml_problems`` walks a parsed file and names the line of every bad text.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

# A TextField has no max_length; longer texts than this are refused (a long narrative is ~200 KB).
TEXT_MAX_CHARS = 1_000_000
# csv.field_size_limit (characters): a cell may hold a long narrative, not an unbounded one.
CSV_FIELD_LIMIT = 1024 * 1024
# A YAML data file: five times the largest plan file (~200 KB). PyYAML reads ~1 MB in seconds;
# a larger file (a 50 MB title) is refused before it is parsed.
YAML_MAX_BYTES = 1024 * 1024
# An XLSX is a zip: its members may unpack to at most this many bytes, at most this ratio.
XLSX_MAX_UNCOMPRESSED = 50 * 1024 * 1024
XLSX_MAX_RATIO = 100

# C0 controls except tab (\t), newline (\n) and carriage return (\r); DEL; C1 controls.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
SURROGATE_RE = re.compile(r"[\ud800-\udfff]")

# What every supported database (SQLite, PostgreSQL) holds in each integer column.
INTEGER_RANGES = {
    "SmallIntegerField": (-32768, 32767),
    "IntegerField": (-2147483648, 2147483647),
    "BigIntegerField": (-9223372036854775808, 9223372036854775807),
    "PositiveSmallIntegerField": (0, 32767),
    "PositiveIntegerField": (0, 2147483647),
    "PositiveBigIntegerField": (0, 9223372036854775807),
}

csv.field_size_limit(CSV_FIELD_LIMIT)


# ---------------------------------------------------------------- text


def text_problem(value: str, *, max_length: int | None = None) -> str | None:
    """Why `value` cannot be stored as text, or None."""
    match = CONTROL_RE.search(value)
    if match:
        return _(
            "contains a control character (U+%(code)04X) at position %(position)s; only tab and line breaks are allowed."
        ) % {"code": ord(match.group()), "position": match.start() + 1}
    match = SURROGATE_RE.search(value)
    if match:
        return _("contains an invalid character (a lone surrogate U+%(code)04X).") % {
            "code": ord(match.group())
        }
    limit = max_length if max_length is not None else TEXT_MAX_CHARS
    if len(value) > limit:
        return _("is %(length)s characters long; at most %(max)s are allowed.") % {
            "length": len(value),
            "max": limit,
        }
    return None


def validate_text(value) -> None:
    """A Django/DRF validator: control characters and lone surrogates are refused."""
    if isinstance(value, str):
        problem = text_problem(value, max_length=len(value))
        if problem:
            raise ValidationError(_("The text %(problem)s") % {"problem": problem}, code="invalid")


def validate_long_text(value) -> None:
    """validate_text, plus the length limit of a TextField (TEXT_MAX_CHARS)."""
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            raise ValidationError(_("The text %(problem)s") % {"problem": problem}, code="invalid")


def clean_cell(value: str) -> str:
    """Text made safe for a spreadsheet cell: control characters and lone surrogates removed."""
    return SURROGATE_RE.sub("\ufffd", CONTROL_RE.sub("", value))


# ---------------------------------------------------------------- numbers


def _as_decimal(value) -> Decimal | None:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | str):
        try:
            return Decimal(str(value).strip())
        except InvalidOperation:
            return None
    return None


def decimal_problem(field: models.DecimalField, value) -> str | None:
    """Why `value` does not fit `field` (max_digits, decimal_places), or None."""
    number = _as_decimal(value)
    if number is None:
        return _("is not a number.")
    if not number.is_finite():
        return _("must be a finite number (not NaN or Infinity).")
    whole_allowed = field.max_digits - field.decimal_places
    sign, digits, exponent = number.as_tuple()
    decimals = max(0, -exponent)
    whole = max(0, len(digits) + exponent) if digits != (0,) else 0
    if whole > whole_allowed:
        return _(
            "is too large: at most %(digits)s digits before the decimal point (below %(limit)s)."
        ) % {"digits": whole_allowed, "limit": f"1e{whole_allowed}"}
    if decimals > field.decimal_places and number != number.quantize(
        Decimal(1).scaleb(-field.decimal_places)
    ):
        return _("has more than %(places)s decimals.") % {"places": field.decimal_places}
    return None


def decimal_fits(field: models.DecimalField, value) -> bool:
    """True when the database column of `field` holds `value` exactly."""
    return decimal_problem(field, value) is None


def integer_problem(field: models.Field, value) -> str | None:
    """Why `value` does not fit the integer column of `field`, or None."""
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value = int(value)
        else:
            return _("must be a whole number.")
    low, high = INTEGER_RANGES.get(field.get_internal_type(), INTEGER_RANGES["BigIntegerField"])
    if not low <= value <= high:
        return _("must be a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}
    return None


class DecimalFitsValidator:
    """A form/serializer validator for a model's DecimalField: finite and within the column."""

    def __init__(self, field: models.DecimalField):
        self.field = field

    def __call__(self, value):
        if value is None:
            return
        problem = decimal_problem(self.field, value)
        if problem:
            raise ValidationError(
                _("The number %(problem)s") % {"problem": problem}, code="invalid"
            )

    def __eq__(self, other):
        return isinstance(other, DecimalFitsValidator) and other.field is self.field


# ---------------------------------------------------------------- model values


def field_value_problem(field: models.Field, value) -> str | None:
    """Why `value` cannot be stored in `field` as it is, or None (None/'' are left to the field)."""
    if value is None:
        return None
    if isinstance(field, models.CharField | models.TextField):
        if not isinstance(value, str):
            return _("must be text, not %(type)s.") % {"type": _type_name(value)}
        limit = field.max_length if isinstance(field, models.CharField) else None
        return text_problem(value, max_length=limit)
    if isinstance(field, models.DecimalField):
        return decimal_problem(field, value)
    if isinstance(field, models.IntegerField):
        return integer_problem(field, value)
    if isinstance(field, models.FloatField):
        if isinstance(value, float | int) and not math.isfinite(value):
            return _("must be a finite number (not NaN or Infinity).")
    if isinstance(field, models.JSONField):
        return _json_problem(value)
    return None


def _json_problem(value) -> str | None:
    if isinstance(value, str):
        return text_problem(value)
    if isinstance(value, dict):
        for key, item in value.items():
            problem = _json_problem(key) or _json_problem(item)
            if problem:
                return problem
    if isinstance(value, list | tuple):
        for item in value:
            problem = _json_problem(item)
            if problem:
                return problem
    if isinstance(value, float) and not math.isfinite(value):
        return _("must be a finite number (not NaN or Infinity).")
    return None


def model_value_problems(model, values: dict) -> list[tuple[str, str]]:
    """(field name, message) for each value that the model's columns cannot hold."""
    problems = []
    for name, value in values.items():
        try:
            field = model._meta.get_field(name)
        except Exception:  # noqa: BLE001 - not a concrete field (a relation object, a property)
            continue
        if field.is_relation:
            continue
        problem = field_value_problem(field, value)
        if problem:
            problems.append((name, problem))
    return problems


def _type_name(value) -> str:
    if isinstance(value, list | tuple):
        return _("a list")
    if isinstance(value, dict):
        return _("a mapping")
    if isinstance(value, bool):
        return _("true/false")
    if isinstance(value, int | float):
        return _("a number")
    return type(value).__name__


def type_name(value) -> str:
    """'a list', 'a mapping', 'a number'… for messages such as 'must be text, not a list'."""
    return _type_name(value)


# ---------------------------------------------------------------- files


def check_size(name: str, size: int, limit: int) -> None:
    """DataFileError-style problem when a file is larger than `limit` bytes."""
    if size > limit:
        raise InputFileError(
            [
                _("%(file)s: the file is %(size)s bytes; at most %(limit)s are accepted.")
                % {"file": name, "size": size, "limit": limit}
            ]
        )


class InputFileError(ValueError):
    """Problems of an input file, each 'file:line: field: message'."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def read_file_limited(path: Path, limit: int) -> bytes:
    """The bytes of `path`, refusing a file larger than `limit` before reading it."""
    check_size(path.name, path.stat().st_size, limit)
    return path.read_bytes()


def xlsx_problem(name: str, content: bytes) -> str | None:
    """Why an XLSX would unpack too large (a zip bomb), or None. Checked before openpyxl opens it."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None  # not a zip: the XLSX reader reports an unreadable file
    total = sum(info.file_size for info in infos)
    compressed = sum(info.compress_size for info in infos) or 1
    if total > XLSX_MAX_UNCOMPRESSED:
        return _(
            "%(file)s: the workbook unpacks to %(size)s MB; at most %(max)s MB are accepted."
        ) % {
            "file": name,
            "size": total // (1024 * 1024),
            "max": XLSX_MAX_UNCOMPRESSED // (1024 * 1024),
        }
    if total > 1024 * 1024 and total / compressed > XLSX_MAX_RATIO:
        return _(
            "%(file)s: the workbook is compressed %(ratio)s times; at most %(max)s times is accepted."
        ) % {"file": name, "ratio": int(total / compressed), "max": XLSX_MAX_RATIO}
    return None


def sniff_delimiter(text: str) -> str:
    first_line = text[:65536].split("\n", 1)[0]
    return ";" if first_line.count(";") > first_line.count(",") else ","


def read_csv(name: str, text: str, *, delimiter: str | None = None) -> list[tuple[int, list[str]]]:
    """(line where the record starts, cells) for every record of a CSV text.

    Refuses with a message naming the line: a field larger than CSV_FIELD_LIMIT, a quote that
    is never closed (which would swallow the rest of the file), a stray quote inside a quoted
    field.
    """
    delimiter = delimiter or sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            message = str(exc)
            if "field larger than field limit" in message:
                detail = _("a field is longer than %(max)s characters.") % {"max": CSV_FIELD_LIMIT}
            elif "unexpected end of data" in message or "EOF" in message:
                detail = _('a quote (") is opened here and never closed.')
            else:
                detail = _('malformed CSV (%(error)s); check the quotes (") on this line.') % {
                    "error": message
                }
            raise InputFileError(
                [
                    _("%(file)s:%(line)s: %(message)s")
                    % {"file": name, "line": start, "message": detail}
                ]
            ) from exc
        rows.append((start, cells))
        start = reader.line_num + 1
    return rows


# ---------------------------------------------------------------- YAML


def yaml_problems(file: str, content, path: str = "") -> list[str]:
    """'file:line: path: message' for every text in a parsed YAML file that cannot be stored."""
    problems: list[str] = []

    def walk(node, where: str, line: int) -> None:
        line = getattr(node, "line", 0) or line
        if isinstance(node, str):
            problem = text_problem(node)
            if problem:
                problems.append(f"{file}:{line}: {where or '(top)'}: {problem}")
        elif isinstance(node, dict):
            for key, value in node.items():
                if isinstance(key, str) and text_problem(key, max_length=1000):
                    problems.append(f"{file}:{line}: {where}: a key {text_problem(key)}")
                    continue
                walk(value, f"{where}.{key}" if where else str(key), line)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}[{index}]", line)
        elif isinstance(node, float) and not math.isfinite(node):
            problems.append(f"{file}:{line}: {where}: {_('must be a finite number.')}")

    walk(content, path, 0)
    return problems


def scalar_problems(file: str, entry, where: str, keys, *, line: int = 0) -> list[str]:
    """Each of `keys` in the mapping `entry` that holds a list or a mapping where text is expected.

    The bad values are removed from `entry` (set to None) so that later checks see no value;
    the problems make sure nothing is written.
    """
    problems = []
    if not isinstance(entry, dict):
        return problems
    line = getattr(entry, "line", 0) or line
    for key in keys:
        value = entry.get(key)
        if isinstance(value, list | dict | set):
            location = f"{file}:{line}" if line else file
            problems.append(
                f"{location}: {where}.{key}: "
                + _("must be text or a number, not %(type)s.") % {"type": _type_name(value)}
            )
            entry[key] = None
    return problems
