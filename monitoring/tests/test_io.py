"""Period snapshot export and the report import that reads it back."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from monitoring.importing import IMPORT_COLUMNS, ImportFileError, reports_import
from monitoring.models import Report, ReportingPeriod
from monitoring.tests.factories_io import (  # noqa: F401
    MEASURE_A,
    MEASURE_B,
    ReportFactory,
    _english,
    _reference,
    _users,
)
from plan.models import Measure

pytestmark = pytest.mark.django_db


def csv_bytes(
    *rows: str,
    header: str = "measure_code,period,status,progress,narrative_nl,narrative_fr,budget_committed,budget_spent",
) -> bytes:
    return ("\n".join((header, *rows)) + "\n").encode()


# A row that changes an existing report carries the version it was exported with.
VERSIONED_HEADER = "measure_code,period,status,progress,narrative_nl,narrative_fr,budget_committed,budget_spent,version"


def snapshot(client, fmt="xlsx", period="2025-h1"):
    response = client.get(reverse("monitoring:export_period", args=[period]), {"format": fmt})
    assert response.status_code == 200
    return response


def test_snapshot_has_one_row_per_measure_with_import_columns_first(client, users):
    ReportFactory(progress=42, budget_committed=Decimal("1000.50"), state=Report.State.VALIDATED)
    client.force_login(users["taskforce"])
    response = snapshot(client)
    assert response["Content-Disposition"] == 'attachment; filename="reports-2025-h1.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert tuple(header[: len(IMPORT_COLUMNS)]) == IMPORT_COLUMNS
    assert all(h.startswith("readonly_") for h in header[len(IMPORT_COLUMNS) :])
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == Measure.objects.count()
    row = dict(zip(header, next(r for r in rows if r[0] == MEASURE_A), strict=True))
    assert (
        row["status"] == "in_progress"
        and row["progress"] == 42
        and row["budget_committed"] == "1000.50"
    )
    assert row["readonly_state"] == "validated" and row["readonly_coordinators"] == "Actiris"
    assert "README" in workbook.sheetnames
    assert "completed" in [c.value for c in workbook["README"]["A"]]
    csv_text = snapshot(client, "csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith(",".join(IMPORT_COLUMNS))
    assert snapshot(client, "json").json()[0]["period"] == "2025-h1"
    assert (
        client.get(
            reverse("monitoring:export_period", args=["2025-h1"]), {"format": "pdf"}
        ).status_code
        == 404
    )


def test_unchanged_snapshot_reimports_without_any_change(client, users):
    ReportFactory(state=Report.State.VALIDATED)
    ReportFactory(measure=Measure.objects.get(code=MEASURE_B), state=Report.State.SUBMITTED)
    client.force_login(users["taskforce"])
    content = snapshot(client).content
    before = list(Report.objects.values_list("pk", "version", "state"))
    result = reports_import(name="reports-2025-h1.xlsx", content=content, user=users["taskforce"])
    assert len(result.unchanged) == 2 and not result.created and not result.updated
    assert result.skipped == Measure.objects.count() - 2
    assert list(Report.objects.values_list("pk", "version", "state")) == before


def test_import_upserts_on_measure_and_period_and_can_submit(users):
    existing = ReportFactory(progress=10)
    content = csv_bytes(
        f'{MEASURE_A},2025-h1,advanced,80,Bijna klaar,,"1.234,50",1000,1',
        f"{MEASURE_B},2025-h1,preparation,,,En préparation,,,",
        header=VERSIONED_HEADER,
    )
    result = reports_import(name="in.csv", content=content, user=users["taskforce"], submit=True)
    assert result.updated == [f"{MEASURE_A}/2025-h1"] and result.created == [f"{MEASURE_B}/2025-h1"]
    assert sorted(result.submitted) == sorted([f"{MEASURE_A}/2025-h1", f"{MEASURE_B}/2025-h1"])
    assert Report.objects.filter(measure__code=MEASURE_A).count() == 1
    existing.refresh_from_db()
    assert (existing.status.key, existing.progress, existing.narrative_nl) == (
        "advanced",
        80,
        "Bijna klaar",
    )
    assert existing.budget_committed == Decimal("1234.50") and existing.budget_spent == Decimal(
        "1000.00"
    )
    assert existing.state == Report.State.SUBMITTED
    created = Report.objects.get(measure__code=MEASURE_B)
    assert created.narrative_fr == "En préparation" and created.progress is None
    assert (
        existing.history.first().history_user is None
        or existing.history.first().history_change_reason == "submit"
    )


def test_imported_rows_are_drafts_by_default_and_missing_columns_keep_values(users):
    existing = ReportFactory(progress=10, risks="Keep me")
    reports_import(
        name="in.csv",
        content=csv_bytes(
            f"{MEASURE_A},2025-h1,in_progress,20,Nieuw,,,,1", header=VERSIONED_HEADER
        ),
        user=users["taskforce"],
    )
    existing.refresh_from_db()
    assert (
        existing.state == Report.State.DRAFT
        and existing.progress == 20
        and existing.risks == "Keep me"
    )


def test_any_bad_row_changes_nothing_and_every_problem_names_file_row_and_column(users):
    existing = ReportFactory(progress=10)
    content = csv_bytes(
        f"{MEASURE_A},2025-h1,in_progress,20,Goed,,,",
        "Z.99,2025-h1,in_progress,20,x,,,",
        f"{MEASURE_B},2031-h1,in_progress,20,x,,,",
        f"{MEASURE_B},2025-h1,unknown,120,x,,-5,abc",
        "1.1.3,2025-h1,in_progress,,,,,",
        f"{MEASURE_A},2025-h1,in_progress,20,Goed,,,",
    )
    with pytest.raises(ImportFileError) as caught:
        reports_import(name="bad.csv", content=content, user=users["taskforce"])
    problems = caught.value.problems
    assert "bad.csv: row 3, column measure_code: no measure with code “Z.99”." in problems
    assert "bad.csv: row 4, column period: no reporting period “2031-h1”." in problems
    assert any(
        p.startswith("bad.csv: row 5, column status: unknown status “unknown”") for p in problems
    )
    assert "bad.csv: row 5, column progress: must be a whole number from 0 to 100." in problems
    assert "bad.csv: row 5, column budget_committed: an amount cannot be negative." in problems
    assert (
        "bad.csv: row 5, column budget_spent: must be an amount in euro with at most 2 decimals."
        in problems
    )
    assert (
        "bad.csv: row 6, column narrative_nl: write the narrative in Dutch and/or French."
        in problems
    )
    assert any(
        p.startswith("bad.csv: row 7, column measure_code:") and "row 2" in p for p in problems
    )
    existing.refresh_from_db()
    assert existing.progress == 10 and existing.version == 1
    assert Report.objects.count() == 1


def test_service_refusals_during_the_write_roll_back_the_whole_file(users):
    existing = ReportFactory(progress=10)
    # Budget spent above committed is refused by services.report_save, after the first row was written.
    content = csv_bytes(
        f"{MEASURE_A},2025-h1,in_progress,20,Goed,,,,1",
        f"{MEASURE_B},2025-h1,in_progress,20,Goed,,100,200,",
        header=VERSIONED_HEADER,
    )
    with pytest.raises(ImportFileError) as caught:
        reports_import(name="f.csv", content=content, user=users["taskforce"])
    assert caught.value.problems == [
        "f.csv: row 3, column budget_spent: The budget spent cannot exceed the budget committed."
    ]
    existing.refresh_from_db()
    assert existing.progress == 10 and not Report.objects.filter(measure__code=MEASURE_B).exists()


def test_validated_reports_closed_periods_and_stale_versions_are_refused(users):
    ReportFactory(state=Report.State.VALIDATED)
    stale = ReportFactory(measure=Measure.objects.get(code=MEASURE_B), progress=10)
    stale.narrative_nl = "changed by the coordinator"
    stale.save()  # version 2
    ReportingPeriod.objects.filter(key="2024-h2").update(is_closed=True)
    content = csv_bytes(
        f"{MEASURE_A},2025-h1,advanced,90,Anders,,,,",
        f"{MEASURE_B},2025-h1,advanced,90,Anders,,,,1",
        f"{MEASURE_A},2024-h2,advanced,90,Anders,,,,",
        header="measure_code,period,status,progress,narrative_nl,narrative_fr,budget_committed,budget_spent,version",
    )
    with pytest.raises(ImportFileError) as caught:
        reports_import(name="f.csv", content=content, user=users["taskforce"])
    problems = caught.value.problems
    assert any(p.startswith("f.csv: row 2, column status:") and "validated" in p for p in problems)
    assert any(p.startswith("f.csv: row 3, column version:") for p in problems)
    assert "f.csv: row 4, column period: the period 2024-h2 is closed." in problems


def test_file_level_problems(users):
    tf = users["taskforce"]
    with pytest.raises(ImportFileError, match="unknown column “progres”"):
        reports_import(name="f.csv", content=b"measure_code,period,status,progres\n", user=tf)
    with pytest.raises(ImportFileError, match="the column “status” is missing"):
        reports_import(name="f.csv", content=b"measure_code,period\n", user=tf)
    with pytest.raises(ImportFileError, match="only .xlsx and .csv"):
        reports_import(name="f.pdf", content=b"%PDF", user=tf)
    with pytest.raises(ImportFileError, match="not a readable XLSX"):
        reports_import(name="f.xlsx", content=b"not a zip", user=tf)
    with pytest.raises(ImportFileError, match="not UTF-8"):
        reports_import(name="f.csv", content="measure_code;période\n".encode("latin-1"), user=tf)


def test_semicolon_csv_and_xlsx_with_numbers_are_read(users):
    content = f"measure_code;period;status;progress;narrative_nl;budget_committed\n{MEASURE_A};2025-h1;in_progress;35;Puntkomma;2500,5\n".encode()
    reports_import(name="f.csv", content=content, user=users["taskforce"])
    report = Report.objects.get(measure__code=MEASURE_A)
    assert report.progress == 35 and report.budget_committed == Decimal("2500.50")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["measure_code", "period", "status", "progress", "narrative_fr", "readonly_note"])
    sheet.append([MEASURE_B, "2025-h1", "advanced", 75.0, "Excel", "ignored"])
    out = io.BytesIO()
    workbook.save(out)
    reports_import(name="f.xlsx", content=out.getvalue(), user=users["taskforce"])
    assert Report.objects.get(measure__code=MEASURE_B).progress == 75


def test_coordinators_cannot_import_even_through_the_service(users):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        reports_import(
            name="f.csv",
            content=csv_bytes(f"{MEASURE_A},2025-h1,in_progress,20,x,,,"),
            user=users["coordinator_a"],
        )
    assert not Report.objects.exists()


def test_import_page_shows_problems_and_result(client, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(users["taskforce"])
    bad = client.post(
        reverse("monitoring:import_reports"),
        {"file": SimpleUploadedFile("bad.csv", csv_bytes("Z.99,2025-h1,in_progress,20,x,,,"))},
    )
    assert bad.status_code == 400
    assert "bad.csv: row 2, column measure_code" in bad.content.decode()
    check = client.post(
        reverse("monitoring:import_reports"),
        {
            "file": SimpleUploadedFile(
                "ok.csv", csv_bytes(f"{MEASURE_A},2025-h1,in_progress,20,x,,,")
            ),
            "check_only": "on",
        },
    )
    assert check.status_code == 200 and not Report.objects.exists()
    done = client.post(
        reverse("monitoring:import_reports"),
        {
            "file": SimpleUploadedFile(
                "ok.csv", csv_bytes(f"{MEASURE_A},2025-h1,in_progress,20,x,,,")
            ),
            "submit": "on",
        },
    )
    assert done.status_code == 200 and f"{MEASURE_A}/2025-h1" in done.content.decode()
    assert Report.objects.get().state == Report.State.SUBMITTED


def test_import_reports_command(tmp_path, users, capsys):
    good = tmp_path / "reports.csv"
    good.write_bytes(csv_bytes(f"{MEASURE_A},2025-h1,in_progress,20,Via de commando,,,"))
    call_command("import_reports", str(good), "--user", "tf", "--check")
    assert not Report.objects.exists()
    call_command("import_reports", str(good), "--user", "tf")
    assert Report.objects.get().narrative_nl == "Via de commando"
    assert "1 updated" not in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes("Z.99,2025-h1,in_progress,20,x,,,"))
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_reports", str(bad), "--user", "tf")
    with pytest.raises(CommandError, match="Only the task force"):
        call_command("import_reports", str(good), "--user", "coord-a")
