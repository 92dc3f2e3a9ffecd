"""Bad plan files and bad query strings: a message naming file and line (or a 400), never a
traceback, and nothing changed."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from core.api import MAX_LIMIT
from core.validation import YAML_MAX_BYTES
from core.yamlfiles import DataFileError
from monitoring.models import ImplementationStatus, Report, ReportingPeriod
from plan.loader import plan_load
from plan.models import Measure

pytestmark = pytest.mark.django_db

PART = "03_1_skilled_labour.yaml"
MEASURE_START = '  - code: "1.1.1"\n    printed_code: "1.1.1."\n'


@pytest.fixture
def data_copy(tmp_path, plan_data_dir) -> Path:
    target = tmp_path / "plan"
    shutil.copytree(plan_data_dir, target)
    return target


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def load_problems(data_dir: Path) -> list[str]:
    before = (Measure.objects.count(), Measure.history.count())
    with pytest.raises(DataFileError) as caught:
        plan_load(data_dir=data_dir)
    assert (Measure.objects.count(), Measure.history.count()) == before
    return caught.value.problems


# ---------------------------------------------------------------- 5. load-plan


@pytest.mark.parametrize(
    "old, new, expected",
    [
        (
            '    section: "3.1.4.P1"\n    challenge: "3.1"\n',
            '    section: ["3.1.4.P1"]\n    challenge: "3.1"\n',
            "measures[",
        ),
        (
            '    cost: "€€"\n',
            "    cost: {a: 1}\n",
            ".cost: must be text or a number, not a mapping",
        ),
        (
            '    sector: null\n    dimension: null\n    priority: "MT"',
            '    sector: null\n    dimension: [1]\n    priority: "MT"',
            ".dimension: must be text or a number, not a list",
        ),
    ],
)
def test_a_list_where_text_is_expected_is_a_message(data_copy, old, new, expected):
    replace_in(data_copy / PART, old, new)
    problems = load_problems(data_copy)
    assert any(p.startswith(f"{PART}:353: ") and expected in p for p in problems), problems


def test_a_list_as_an_organisation_description_is_a_message(data_copy):
    replace_in(
        data_copy / "organisations.yaml",
        '    description: {nl: "De Brusselse gewestelijke dienst voor arbeidsbemiddeling."',
        '    description: ["De Brusselse"]\n    x: {nl: "De Brusselse gewestelijke dienst voor arbeidsbemiddeling."',
    )
    problems = load_problems(data_copy)
    assert any("organisations.yaml:157: " in p and "description" in p for p in problems), problems


def test_a_lone_surrogate_and_a_control_character_are_messages(data_copy):
    replace_in(
        data_copy / PART,
        '      nl: "de ontwikkeling, voor elke',
        '      nl: "\\ud800 de\\x0b ontwikkeling, voor elke',
    )
    problems = load_problems(data_copy)
    assert any(p.startswith(f"{PART}:357: ") and "title.nl" in p for p in problems), problems


def test_a_huge_title_is_refused_by_the_file_size_before_parsing(data_copy):
    replace_in(
        data_copy / PART,
        '      nl: "de ontwikkeling, voor elke',
        f'      nl: "{"x" * YAML_MAX_BYTES}',
    )
    problems = load_problems(data_copy)
    assert len(problems) == 1
    assert problems[0].startswith(f"{PART}: the file is ") and problems[0].endswith(
        f"at most {YAML_MAX_BYTES} are read"
    )


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(data_copy):
    (data_copy / "99_huge.yaml").write_bytes(b"# " + b"x" * YAML_MAX_BYTES + b"\n")
    problems = load_problems(data_copy)
    assert problems == [
        f"99_huge.yaml: the file is {YAML_MAX_BYTES + 3} bytes; at most {YAML_MAX_BYTES} are read"
    ]


def test_a_code_longer_than_its_column_is_a_message(data_copy):
    replace_in(
        data_copy / PART, MEASURE_START, MEASURE_START.replace('"1.1.1."', '"' + "1" * 40 + '"')
    )
    problems = load_problems(data_copy)
    assert problems == [
        f"{PART}:353: measure 1.1.1.printed_code: is 40 characters long; at most 30 are allowed."
    ]


def test_a_renamed_measure_code_with_reports_is_a_message(data_copy):
    Report.objects.create(
        measure=Measure.objects.get(code="1.1.1"),
        period=ReportingPeriod.objects.get(key="2025-h1"),
        status=ImplementationStatus.objects.first(),
        narrative_nl="Loopt.",
    )
    replace_in(data_copy / PART, MEASURE_START, MEASURE_START.replace('"1.1.1"', '"1.1.1-bis"'))
    problems = load_problems(data_copy)
    assert len(problems) == 1
    assert problems[0].startswith(f"{PART}: measure 1.1.1: is no longer in the data files")
    assert Measure.objects.filter(code="1.1.1").exists()
    assert not Measure.objects.filter(code="1.1.1-bis").exists()


def test_a_code_with_rich_markup_is_printed_as_text(data_copy, capsys):
    replace_in(data_copy / PART, MEASURE_START, MEASURE_START.replace('"1.1.1"', '"[/]"'))
    replace_in(data_copy / PART, '    cost: "€€"\n', "    cost: [1]\n")
    with pytest.raises(CommandError, match="problem"):
        call_command("load_plan", data_dir=str(data_copy))
    assert "[/]" in capsys.readouterr().err


# ---------------------------------------------------------------- 4. query strings


LIST_ENDPOINTS = [
    "/api/v1/measures/",
    "/api/v1/organisations/",
    "/api/v1/sections/",
    "/api/v1/strategies/",
    "/api/v1/progress/",
    "/api/v1/indicators/",
    "/api/v1/observations/",
]


@pytest.mark.parametrize("url", LIST_ENDPOINTS)
@pytest.mark.parametrize(
    "query", ["limit=99999999999999999999", "offset=99999999999999999999", "limit=-1", "limit=abc"]
)
def test_pagination_parameters_are_checked(client, url, query):
    response = client.get(f"{url}?{query}")
    assert response.status_code == 400
    assert set(response.json()) <= {"limit", "offset"}


def test_pagination_within_bounds_still_works(client):
    data = client.get("/api/v1/measures/", {"limit": MAX_LIMIT, "offset": 5}).json()
    assert data["count"] == Measure.objects.count() and len(data["results"]) == data["count"] - 5


def test_a_dimension_that_is_no_number_is_a_400_in_the_api(client):
    response = client.get("/api/v1/measures/?dimension=abc")
    assert response.status_code == 400 and "dimension" in response.json()
    assert client.get("/api/v1/measures/?dimension=99999999999999999999").status_code == 400
    assert client.get("/api/v1/measures/?dimension=1").status_code == 200


@pytest.mark.parametrize(
    "query", ["dimension=abc", "dimension=99999999999999999999", "sector=%00", "q=%00"]
)
def test_the_measure_page_ignores_a_bad_filter_value(client, query):
    response = client.get(f"/en/measures/?{query}")
    assert response.status_code == 200
    assert response.context["total"] == Measure.objects.count()


def test_a_nul_in_a_query_is_a_400_in_the_api(client):
    response = client.get("/api/v1/measures/?q=a%00b")
    assert response.status_code == 400


# ---------------------------------------------------------------- 2. the public measures XLSX


def test_a_title_starting_with_a_formula_is_text_in_the_measures_xlsx(client):
    Measure.objects.filter(code="1.1.1").update(title_en='=HYPERLINK("http://evil","x")')
    response = client.get("/en/measures/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(c.value.startswith("=") for c in cells)
    bad = [c for c in cells if "HYPERLINK" in c.value]
    assert bad and all(c.data_type == "s" and c.value.startswith("'=") for c in bad)
