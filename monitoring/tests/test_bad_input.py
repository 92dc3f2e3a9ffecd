"""Bad input on every way into monitoring: a message, never a traceback or a corrupt row."""

from __future__ import annotations

import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from monitoring.forms import ReportForm
from monitoring.importing import (
    ImportFileError,
    period_snapshot_table,
    period_snapshot_xlsx,
    reports_import,
)
from monitoring.models import ImplementationStatus, Report, ReportingPeriod
from monitoring.reference import monitoring_reference_load
from monitoring.tests.factories_io import (  # noqa: F401
    MEASURE_A,
    ReportFactory,
    _english,
    _reference,
    _users,
)
from plan.models import Measure

pytestmark = pytest.mark.django_db

HEADER = (
    "measure_code,period,status,progress,narrative_nl,narrative_fr,budget_committed,budget_spent"
)


def csv_bytes(*rows: str) -> bytes:
    return ("\n".join((HEADER, *rows)) + "\n").encode()


def import_problems(users, content: bytes, name: str = "in.csv") -> list[str]:
    before = (Report.objects.count(), Report.history.count())
    with pytest.raises(ImportFileError) as caught:
        reports_import(name=name, content=content, user=users["taskforce"])
    assert (Report.objects.count(), Report.history.count()) == before  # nothing changed
    return caught.value.problems


# ---------------------------------------------------------------- 1. numbers the column holds


@pytest.mark.parametrize("amount", ["1e20", "100000000000000", "1e30", "NaN", "Infinity"])
def test_import_refuses_a_budget_the_column_cannot_hold(users, amount):
    problems = import_problems(
        users, csv_bytes(f"{MEASURE_A},2025-h1,in_progress,,Loopt,,{amount},")
    )
    assert len(problems) == 1
    assert problems[0].startswith("in.csv: row 2, column budget_committed: ")


def test_form_and_api_refuse_a_budget_the_column_cannot_hold(users):
    status = ImplementationStatus.objects.first()
    form = ReportForm(data={"status": status.pk, "narrative_nl": "x", "budget_committed": "1e20"})
    assert not form.is_valid() and "budget_committed" in form.errors
    api = APIClient()
    token = Token.objects.get_or_create(user=users["coordinator_a"])[0]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.put(
        f"/api/v1/reports/{MEASURE_A}/2025-h1/",
        {"status": status.key, "narrative_nl": "x", "budget_spent": "1e20"},
        format="json",
    )
    assert response.status_code == 400 and "budget_spent" in response.json()
    assert not Report.objects.exists()


def test_a_huge_budget_in_an_xlsx_cell_is_refused(users):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(HEADER.split(","))
    workbook.active.append([MEASURE_A, "2025-h1", "in_progress", None, "Loopt", None, 1e20, None])
    out = io.BytesIO()
    workbook.save(out)
    problems = import_problems(users, out.getvalue(), name="in.xlsx")
    assert problems[0].startswith("in.xlsx: row 2, column budget_committed: ")


# ---------------------------------------------------------------- 2. formulas in the exports


def test_the_snapshot_xlsx_shows_a_formula_narrative_as_text(users):
    ReportFactory(narrative_nl='=HYPERLINK("http://evil.example","klik")', risks="-2+3")
    period = ReportingPeriod.objects.get(key="2025-h1")
    table = period_snapshot_table(period=period, measures=Measure.objects.all())
    sheet = load_workbook(io.BytesIO(period_snapshot_xlsx(table, basename="s"))).active
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == MEASURE_A)
    narrative = row[header.index("narrative_nl")]
    assert narrative.data_type == "s" and narrative.value.startswith("'=HYPERLINK")
    assert row[header.index("risks")].value == "'-2+3"
    assert row[header.index("version")].data_type == "n"


def test_a_neutralised_snapshot_reimports_without_changes(client, users):
    ReportFactory(narrative_nl="=1+1 is geen formule", next_steps="- stap een\n- stap twee")
    client.force_login(users["taskforce"])
    content = client.get(
        reverse("monitoring:export_period", args=["2025-h1"]), {"format": "xlsx"}
    ).content
    result = reports_import(name="s.xlsx", content=content, user=users["taskforce"])
    assert result.unchanged == [f"{MEASURE_A}/2025-h1"] and not result.updated
    assert Report.objects.get().narrative_nl == "=1+1 is geen formule"


# ---------------------------------------------------------------- 3. control characters


def test_import_refuses_control_characters(users):
    problems = import_problems(
        users, csv_bytes(f"{MEASURE_A},2025-h1,in_progress,,Loopt\x0bniet,,,")
    )
    assert problems[0].startswith("in.csv: row 2, column narrative_nl: ")
    assert "U+000B" in problems[0]


@pytest.mark.parametrize("bad", ["a\x0bb", "nul\x00", "\x01", "lone \ud800"])
def test_form_and_api_refuse_control_characters(users, bad):
    status = ImplementationStatus.objects.first()
    form = ReportForm(data={"status": status.pk, "narrative_nl": "ok", "risks": bad})
    assert not form.is_valid() and "risks" in form.errors
    api = APIClient()
    token = Token.objects.get_or_create(user=users["coordinator_a"])[0]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.put(
        f"/api/v1/reports/{MEASURE_A}/2025-h1/",
        json.dumps({"status": status.key, "narrative_nl": bad}),  # ASCII: \ud800 escaped
        content_type="application/json",
    )
    assert response.status_code == 400 and "narrative_nl" in response.json()


def test_exports_stay_readable_when_stored_text_has_control_characters(client, users):
    # A row stored before this check existed: the export drops the characters, never a 500.
    ReportFactory(narrative_nl="oud\x0b\x01tekst")
    client.force_login(users["taskforce"])
    response = client.get(reverse("monitoring:export_period", args=["2025-h1"]), {"format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "oudtekst" in [c.value for row in sheet.iter_rows() for c in row]


# ---------------------------------------------------------------- 5. bounded reading


def test_a_long_narrative_over_128_kib_is_imported(users):
    long_text = "Lange tekst. " * 16_000  # ~200 KB
    result = reports_import(
        name="in.csv",
        content=csv_bytes(f'{MEASURE_A},2025-h1,in_progress,,"{long_text}",,,'),
        user=users["taskforce"],
    )
    assert result.created and Report.objects.get().narrative_nl == long_text.strip()


def test_an_unclosed_quote_is_reported_with_its_row(users):
    problems = import_problems(
        users,
        csv_bytes(
            f"{MEASURE_A},2025-h1,in_progress,,Loopt,,,",
            '1.2.1,2025-h1,in_progress,,"Nooit gesloten,,,',
        ),
    )
    assert problems == [
        'in.csv:3: a quote (") is opened here and never closed.',
    ]


def test_a_lone_surrogate_code_or_rich_markup_code_is_a_message(users):
    problems = import_problems(users, csv_bytes("[/],2025-h1,in_progress,,Loopt,,,"))
    assert problems == ["in.csv: row 2, column measure_code: no measure with code “[/]”."]


# ---------------------------------------------------------------- 7. zip bombs


def test_an_xlsx_that_unpacks_too_large_is_refused_before_it_is_opened(users):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (60 * 1024 * 1024))
    content = out.getvalue()
    assert len(content) < 5 * 1024 * 1024  # under the upload cap
    problems = import_problems(users, content, name="bomb.xlsx")
    assert problems == ["bomb.xlsx: the workbook unpacks to 60 MB; at most 50 MB are accepted."]


# ---------------------------------------------------------------- 6. idempotent reference load


def test_a_second_load_monitoring_writes_nothing():
    monitoring_reference_load()
    history = (
        ImplementationStatus.history.count(),
        ReportingPeriod.history.count(),
    )
    stamps = list(ImplementationStatus.objects.values_list("pk", "label_nl"))
    monitoring_reference_load()
    assert (ImplementationStatus.history.count(), ReportingPeriod.history.count()) == history
    assert list(ImplementationStatus.objects.values_list("pk", "label_nl")) == stamps


def test_decimal_budgets_still_import(users):
    reports_import(
        name="in.csv",
        content=csv_bytes(f"{MEASURE_A},2025-h1,in_progress,,Loopt,,999999999999.99,"),
        user=users["taskforce"],
    )
    assert Report.objects.get().budget_committed == Decimal("999999999999.99")
