"""bruprod load-indicators, import-observations and export-indicators."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from indicators.models import Observation

pytestmark = pytest.mark.django_db


def test_load_indicators_is_idempotent():
    out = io.StringIO()
    call_command("load_indicators", stdout=out)
    assert "observations: 0 new, 0 changed, 49 unchanged" in out.getvalue()


def test_import_observations_reports_bad_rows_and_changes_nothing(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("indicator,period,value,vintage\nT1-JOBS,2016,many,2020\n", encoding="utf-8")
    before = Observation.objects.count()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_observations", str(path))
    assert "bad.csv:2: value:" in capsys.readouterr().err
    assert Observation.objects.count() == before


def test_import_observations_then_again(tmp_path):
    path = tmp_path / "good.csv"
    path.write_text("indicator,period,sector,value\nT1-JOBS,2016,digital,15000\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_observations", str(path), "--vintage", "2020", stdout=out)
    assert "1 new" in out.getvalue()
    out = io.StringIO()
    call_command("import_observations", str(path), "--vintage", "2020", stdout=out)
    assert "0 new, 0 changed, 1 unchanged" in out.getvalue()


def test_export_json_has_the_issue_shape(tmp_path):
    target = tmp_path / "indicators.json"
    call_command("export_indicators", "--format", "json", "-o", str(target))
    data = json.loads(target.read_text(encoding="utf-8"))
    jobs = next(i for i in data if i["code"] == "T1-JOBS")
    for key in (
        "code",
        "name_nl",
        "name_fr",
        "name_en",
        "unit",
        "kind",
        "direction",
        "baseline",
        "targets",
        "status",
        "observations",
    ):
        assert key in jobs
    construction = next(o for o in jobs["observations"] if o.get("sector") == "construction")
    assert construction["period"] == "2014" and construction["value"] == 33013
    assert construction["disaggregation"] == {"sector": "construction"}
    assert "Tabel 1" in construction["source"]
    ghg = next(i for i in data if i["code"] == "CTX-GHG")
    assert ghg["targets"][0]["value"] == -40


def test_export_csv_one_row_per_observation(tmp_path):
    target = tmp_path / "indicators.csv"
    call_command("export_indicators", "--format", "csv", "-o", str(target))
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    jobs = [r for r in rows if r["indicator"] == "T1-JOBS"]
    assert len(jobs) == 6
    assert {r["sector"]: r["value"] for r in jobs}[""] == "667889"
    # Indicators without observations still get one row.
    assert any(r["indicator"] == "CTX-RD-INTENSITY" and r["value"] == "" for r in rows)
