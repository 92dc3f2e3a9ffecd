"""Importing observations: validate every row first, one transaction, idempotent, vintages kept."""

from pathlib import Path

import pytest
from openpyxl import Workbook

from core.yamlfiles import DataFileError
from indicators.models import Observation, ObservationImport
from indicators.observations import disaggregation_key, observations_import

pytestmark = pytest.mark.django_db

HEADER = "indicator,period,sector,value,unit,status,vintage,source_note\n"


def write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def test_disaggregation_key_is_canonical():
    assert disaggregation_key({}) == ""
    assert disaggregation_key({"sex": "f", "sector": "construction", "age_band": ""}) == (
        "sector=construction;sex=f"
    )


def test_a_file_with_errors_changes_nothing_and_lists_every_bad_row(tmp_path):
    before = Observation.objects.count()
    path = write(
        tmp_path,
        "errors.csv",
        HEADER
        + "T1-JOBS,2016,construction,34000,jobs,final,2020,ok row\n"
        + "NOPE,2016,,1,,final,2020,\n"
        + "T1-JOBS,2016/17,construction,1,jobs,final,2020,\n"
        + "T1-JOBS,2016,creative,12.000,jobs,final,2020,\n"
        + 'T1-JOBS,2016,construction,"34,5",jobs,final,2020,\n'
        + "T1-JOBS,2016,mars,1,jobs,final,2020,\n"
        + "T1-JOBS,2016,manufacturing,1,percent,final,2020,\n"
        + "T1-JOBS,2016,digital,1,jobs,maybe,20-20,\n"
        + "CTX-IT-VACANCIES,2016,construction,1,jobs,final,2020,\n",
    )
    with pytest.raises(DataFileError) as caught:
        observations_import(paths=[path])
    problems = caught.value.problems
    assert "errors.csv:3: indicator: unknown indicator code 'NOPE'" in problems
    assert any(p.startswith("errors.csv:4: period: bad period '2016/17'") for p in problems)
    assert any(p.startswith("errors.csv:6: value: '34,5' is not a number") for p in problems)
    assert any(p.startswith("errors.csv:7: sector: unknown sector code 'mars'") for p in problems)
    assert any(p.startswith("errors.csv:8: unit: unit mismatch: 'percent'") for p in problems)
    assert any(p.startswith("errors.csv:9: status:") for p in problems)
    assert any(p.startswith("errors.csv:9: vintage: bad vintage '20-20'") for p in problems)
    assert any(
        p.startswith("errors.csv:10: sector: indicator CTX-IT-VACANCIES has no 'sector'")
        for p in problems
    )
    assert not any(p.startswith("errors.csv:2:") for p in problems)
    # 12.000 is a valid number (twelve) in the tidy layout: no problem for line 5.
    assert not any(p.startswith("errors.csv:5:") for p in problems)
    assert Observation.objects.count() == before
    assert not ObservationImport.objects.exists()


def test_unknown_disaggregation_column_is_named_with_the_header_line(tmp_path):
    path = write(tmp_path, "cols.csv", "indicator,period,value,planet\nT1-JOBS,2016,1,mars\n")
    with pytest.raises(DataFileError) as caught:
        observations_import(paths=[path], default_vintage="2020")
    assert caught.value.problems[0].startswith("cols.csv:1: planet: unknown disaggregation code")


def test_missing_required_column_and_duplicate_rows(tmp_path):
    with pytest.raises(DataFileError) as caught:
        observations_import(paths=[write(tmp_path, "a.csv", "indicator,value\nT1-JOBS,1\n")])
    assert caught.value.problems == ["a.csv:1: header: required column 'period' missing"]
    dup = write(
        tmp_path,
        "dup.csv",
        HEADER + "T1-JOBS,2016,,1,,,2020,\nT1-JOBS,2016,,2,,,2020,\n",
    )
    with pytest.raises(DataFileError) as caught:
        observations_import(paths=[dup])
    assert caught.value.problems[0].startswith("dup.csv:3: row: the same indicator")


def test_missing_vintage_needs_the_option(tmp_path):
    path = write(tmp_path, "v.csv", "indicator,period,value\nT1-JOBS,2016,670000\n")
    with pytest.raises(DataFileError) as caught:
        observations_import(paths=[path])
    assert "v.csv:2: vintage: missing" in caught.value.problems[0]
    result = observations_import(paths=[path], default_vintage="2020-06")
    assert result.created == 1
    assert Observation.objects.get(indicator__code="T1-JOBS", period="2016").vintage == "2020-06"


def test_import_is_idempotent_and_writes_a_ledger_only_when_something_changed(tmp_path):
    path = write(
        tmp_path,
        "new.csv",
        HEADER
        + "T1-JOBS,2016,construction,34000,jobs,provisional,2020,BISA\n"
        + "T1-JOBS,2016,,670000,jobs,final,2020,BISA\n",
    )
    first = observations_import(paths=[path], imported_by="tester")
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    history = Observation.history.count()
    second = observations_import(paths=[path])
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert Observation.history.count() == history
    assert ObservationImport.objects.count() == 1
    ledger = ObservationImport.objects.get()
    assert ledger.imported_by == "tester" and len(ledger.checksum) == 64
    obs = Observation.objects.get(
        indicator__code="T1-JOBS", period="2016", disaggregation_key="sector=construction"
    )
    assert obs.status == "provisional" and obs.disaggregation == {"sector": "construction"}


def test_a_revision_adds_a_vintage_and_keeps_the_old_one(tmp_path):
    original = write(
        tmp_path, "r1.csv", HEADER + "T1-JOBS,2016,construction,34000,jobs,provisional,2020,first\n"
    )
    revised = write(
        tmp_path, "r2.csv", HEADER + "T1-JOBS,2016,construction,34500,jobs,final,2021,revised\n"
    )
    observations_import(paths=[original])
    observations_import(paths=[revised])
    rows = Observation.objects.filter(
        indicator__code="T1-JOBS", period="2016", disaggregation_key="sector=construction"
    ).order_by("vintage")
    assert [(o.vintage, int(o.value)) for o in rows] == [("2020", 34000), ("2021", 34500)]


def test_a_correction_within_the_same_vintage_updates_the_row(tmp_path):
    observations_import(paths=[write(tmp_path, "c1.csv", HEADER + "T1-JOBS,2016,,1,,,2020,\n")])
    result = observations_import(
        paths=[write(tmp_path, "c2.csv", HEADER + "T1-JOBS,2016,,2,,,2020,\n")]
    )
    assert result.updated == 1
    assert Observation.objects.get(indicator__code="T1-JOBS", period="2016").value == 2


def test_xlsx_import_with_line_numbers(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["indicator", "period", "vehicle", "value", "vintage"])
    sheet.append(["CTX-FREIGHT-TRAFFIC-SHARE", "2018", "van", 9.5, "2020"])
    sheet.append(["CTX-FREIGHT-TRAFFIC-SHARE", 2019, "bike", 1, "2020"])
    path = tmp_path / "traffic.xlsx"
    book.save(path)
    with pytest.raises(DataFileError) as caught:
        observations_import(paths=[path])
    assert caught.value.problems == [
        "traffic.xlsx:3: vehicle: unknown vehicle code 'bike'; known: ['heavy-truck', 'van']"
    ]
    sheet.delete_rows(3)
    book.save(path)
    assert observations_import(paths=[path]).created == 1
    obs = Observation.objects.get(indicator__code="CTX-FREIGHT-TRAFFIC-SHARE", period="2018")
    assert float(obs.value) == 9.5 and obs.disaggregation == {"vehicle": "van"}


def test_several_files_are_one_transaction(tmp_path):
    good = write(tmp_path, "good.csv", HEADER + "T1-JOBS,2017,,1,,,2020,\n")
    bad = write(tmp_path, "bad.csv", HEADER + "T1-JOBS,2017,,x,,,2020,\n")
    with pytest.raises(DataFileError):
        observations_import(paths=[good, bad])
    assert not Observation.objects.filter(period="2017").exists()


def test_unsupported_or_missing_files(tmp_path):
    with pytest.raises(DataFileError, match="unsupported file type"):
        observations_import(paths=[write(tmp_path, "x.txt", "hello")])
    with pytest.raises(DataFileError, match="file not found"):
        observations_import(paths=[tmp_path / "none.csv"])
