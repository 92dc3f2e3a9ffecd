"""core.validation and core.exports: values the database holds, files read within bounds,
exports that never carry a live formula or a character that breaks a workbook."""

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from core.exports import (
    Table,
    neutralise_formula,
    restore_formula_text,
    table_to_csv,
    table_to_xlsx,
)
from core.validation import (
    CSV_FIELD_LIMIT,
    DecimalFitsValidator,
    InputFileError,
    decimal_fits,
    decimal_problem,
    integer_problem,
    read_csv,
    text_problem,
    validate_text,
    xlsx_problem,
    yaml_problems,
)
from core.yamlfiles import LineDict
from indicators.models import Observation
from monitoring.models import Report

BUDGET = Report._meta.get_field("budget_committed")  # 14 digits, 2 decimals
VALUE = Observation._meta.get_field("value")  # 20 digits, 6 decimals


# ---------------------------------------------------------------- 1. numbers the column holds


@pytest.mark.parametrize(
    "value, fits",
    [
        (Decimal("123456789012.34"), True),
        (Decimal("0.01"), True),
        (0, True),
        (Decimal("1000000000000"), False),  # 13 whole digits, 12 allowed
        (Decimal("1e20"), False),
        (1e20, False),
        (Decimal("NaN"), False),
        (Decimal("Infinity"), False),
        (float("inf"), False),
        (Decimal("1.001"), False),
        (Decimal("1.000"), True),
    ],
)
def test_decimal_fits_the_budget_column(value, fits):
    assert decimal_fits(BUDGET, value) is fits


def test_decimal_fits_the_observation_column():
    assert decimal_fits(VALUE, Decimal("99999999999999.999999"))
    assert not decimal_fits(VALUE, Decimal("1e30"))
    assert "too large" in decimal_problem(VALUE, Decimal("1e30"))


def test_decimal_validator_for_forms_and_serializers():
    validator = DecimalFitsValidator(BUDGET)
    validator(Decimal("10.50"))
    validator(None)
    with pytest.raises(ValidationError):
        validator(Decimal("1e20"))


def test_integer_ranges():
    progress = Report._meta.get_field("progress")  # PositiveSmallIntegerField
    assert integer_problem(progress, 100) is None
    assert integer_problem(progress, -1)
    assert integer_problem(progress, 99999999999999999999)
    assert integer_problem(progress, [1])


# ---------------------------------------------------------------- 3. text the database holds


@pytest.mark.parametrize("bad", ["a\x0bb", "\x01", "nul\x00", "del\x7f", "lone \ud800"])
def test_control_characters_and_lone_surrogates_are_refused(bad):
    assert text_problem(bad)
    with pytest.raises(ValidationError):
        validate_text(bad)


def test_tab_newline_and_carriage_return_are_text():
    assert text_problem("line\tone\r\nline two\n") is None


def test_yaml_problems_name_file_line_and_path():
    entry = LineDict({"title": {"nl": "ok", "fr": "bad\x0b"}})
    entry.line = 12
    assert yaml_problems("x.yaml", {"measures": [entry]}) == [
        "x.yaml:12: measures[0].title.fr: " + text_problem("bad\x0b")
    ]


# ---------------------------------------------------------------- 5. files read within bounds


def test_an_unclosed_quote_is_reported_with_its_line():
    text = 'a,b\n1,2\n3,"never closed\n4,5\n'
    with pytest.raises(InputFileError) as caught:
        read_csv("r.csv", text)
    assert caught.value.problems[0].startswith("r.csv:3: ")
    assert "never closed" in caught.value.problems[0]


def test_a_long_field_is_read_and_a_too_long_one_refused():
    long_text = "x" * 200_000  # a long narrative, over csv's default 128 KiB
    assert read_csv("r.csv", f"a,b\n1,{long_text}\n")[1][1][1] == long_text
    with pytest.raises(InputFileError) as caught:
        read_csv("r.csv", f"a,b\n1,{'x' * (CSV_FIELD_LIMIT + 10)}\n")
    assert caught.value.problems[0].startswith("r.csv:2: ")


def test_multiline_fields_keep_the_line_where_the_record_starts():
    rows = read_csv("r.csv", 'a,b\n1,"two\nlines"\n3,4\n')
    assert [line for line, _cells in rows] == [1, 2, 4]


def zip_bomb(uncompressed: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * uncompressed)
    return out.getvalue()


def test_an_xlsx_that_unpacks_too_large_is_refused_before_opening():
    bomb = zip_bomb(60 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024  # small on disk
    assert "unpacks to" in xlsx_problem("bomb.xlsx", bomb)
    ratio = zip_bomb(5 * 1024 * 1024)
    assert "compressed" in xlsx_problem("ratio.xlsx", ratio)
    assert xlsx_problem("ok.xlsx", table_to_xlsx(Table(columns=["a"], rows=[{"a": 1}]))) is None


# ---------------------------------------------------------------- 2. and 3. exports


DANGEROUS = ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def test_csv_export_neutralises_formulas_and_keeps_numbers():
    rows = [{"text": t, "number": -5} for t in DANGEROUS] + [{"text": "-12.5", "number": -1.5}]
    body = table_to_csv(Table(columns=["text", "number"], rows=rows)).decode("utf-8-sig")
    read = list(csv.DictReader(io.StringIO(body)))
    for row, text in zip(read, DANGEROUS, strict=False):
        assert row["text"] == "'" + text
        assert row["number"] == "-5"
    assert read[-1]["text"] == "-12.5" and read[-1]["number"] == "-1.5"


def test_xlsx_export_writes_text_as_explicit_strings_and_numbers_as_numbers():
    rows = [{"text": t, "number": Decimal("-3.50")} for t in DANGEROUS]
    sheet = load_workbook(
        io.BytesIO(table_to_xlsx(Table(columns=["text", "number"], rows=rows)))
    ).active
    for index, text in enumerate(DANGEROUS, start=2):
        cell = sheet.cell(row=index, column=1)
        assert cell.data_type == "s" and cell.value.startswith("'" + text[0].replace("\r", "\n"))
        number = sheet.cell(row=index, column=2)
        assert number.data_type == "n" and number.value == -3.5


def test_xlsx_export_drops_control_characters_instead_of_failing():
    rows = [{"text": "vertical\x0btab, \x01 and NUL\x00", "lone": "x\ud800"}]
    body = table_to_xlsx(Table(columns=["text", "lone"], rows=rows), "bad\x0bname")
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet["A2"].value == "verticaltab,  and NUL"
    assert sheet["B2"].value == "x\ufffd"


def test_an_import_reads_back_what_the_export_neutralised():
    for text in DANGEROUS + ["plain", "'quoted"]:
        assert restore_formula_text(neutralise_formula(text)) == text
