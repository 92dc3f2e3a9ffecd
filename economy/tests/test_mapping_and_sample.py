import datetime as dt
import json
import zipfile

import pytest
from django.core.management import call_command

from core.yamlfiles import DataFileError
from economy.kbo_format import COLUMNS, DATA_TABLES
from economy.models import KboSnapshot, SectorMapping
from economy.sample import REAL_ENTERPRISES, REAL_ROWS, kbo_sample_write
from economy.selectors import figure_value, kbo_stats
from economy.services import DEFAULT_MAPPING_FILE, mapping_active, mapping_load

pytestmark = pytest.mark.django_db


def test_default_mapping_loads_once_with_sources():
    mapping = mapping_active()
    assert mapping.is_active and mapping.loaded_from == DEFAULT_MAPPING_FILE.name
    assert any("Eurostat" in s["title"] and "ICT" in s["title"] for s in mapping.sources)
    assert any("culture" in s["title"] for s in mapping.sources)
    assert any("circular" in s["title"] for s in mapping.sources)
    sectors = set(mapping.rules.values_list("sector", flat=True))
    assert sectors == {
        "construction",
        "manufacturing",
        "agrofood",
        "health",
        "creative",
        "circular",
        "digital",
    }
    assert mapping.rules.filter(
        nace_version="2025", prefix="62", sector="digital", scope="core"
    ).exists()
    assert mapping_load() == mapping  # idempotent
    assert SectorMapping.objects.count() == 1


def test_bad_mapping_names_file_and_line(tmp_path):
    path = tmp_path / "mapping.yaml"
    path.write_text(
        'version: "x"\ntitle: t\nrules:\n  - sector: space\n    scope: core\n    nace2025: ["62"]\n'
        '  - sector: digital\n    scope: wide\n    nace2025: ["6a"]\n'
    )
    with pytest.raises(DataFileError) as excinfo:
        mapping_load(path=path)
    problems = excinfo.value.problems
    assert "mapping.yaml:4: rule 1: sector: 'space' is not one of" in problems[0]
    assert "mapping.yaml:8: rule 2: scope: 'wide' is not core or extended" in problems[1]
    assert "mapping.yaml:9: rule 2: nace2025: '6a' is not a NACE code prefix" in problems[2]
    assert not SectorMapping.objects.exists()


def test_sample_has_the_official_format_and_proportions(tmp_path):
    result = kbo_sample_write(
        out=tmp_path / "full", enterprises=3000, update_out=tmp_path / "update"
    )
    folder = tmp_path / "full"
    for table in ("meta", "code", *DATA_TABLES):
        header = (folder / f"{table}.csv").read_text(encoding="utf-8").splitlines()[0]
        assert header == ",".join(f'"{c}"' for c in COLUMNS[table])
    first = (folder / "enterprise.csv").read_text().splitlines()[1]
    assert (
        first.count('"') == 10 and first.split(",")[-1][2] == "-"
    )  # text quoted, date unquoted dd-mm-yyyy
    assert ",," in (folder / "address.csv").read_text()  # NULL as an empty field
    assert '""' in (folder / "address.csv").read_text()  # empty text quoted
    rows = result.rows
    for table in ("establishment", "activity", "address", "denomination", "contact"):
        expected = REAL_ROWS[table] * 3000 / REAL_ENTERPRISES
        assert abs(rows[table] - expected) / expected < 0.1, (table, rows[table], expected)
    activity = (folder / "activity.csv").read_text()
    assert '"2025"' in activity and '"2008"' in activity and '"2003"' in activity
    assert "Synthetic" in (folder / "meta.csv").read_text()
    update = tmp_path / "update"
    assert sorted(p.name for p in update.iterdir()) == sorted(
        [
            "meta.csv",
            "code.csv",
            *(f"{t}_{k}.csv" for t in DATA_TABLES for k in ("delete", "insert")),
        ]
    )
    assert '"11-10-2025"' in (update / "meta.csv").read_text()


def test_sample_zip_then_import_and_update_through_the_commands(kbo_data_dir, tmp_path, capsys):
    out = tmp_path / "KboOpenData_0146_2025_10_10_Full.zip"
    call_command("kbo_sample", str(out), "--enterprises", "600")
    update = tmp_path / "KboOpenData_0147_2025_10_11_Update.zip"
    assert zipfile.ZipFile(out).namelist()[0] == "meta.csv" and update.exists()
    call_command("import_kbo", str(out))
    call_command("import_kbo", str(update), "--update")
    snapshots = list(KboSnapshot.objects.order_by("extract_number"))
    assert [(s.extract_number, s.synthetic) for s in snapshots] == [(146, True), (147, True)]
    assert snapshots[1].snapshot_date == dt.date(2025, 10, 11)
    assert snapshots[1].ledger.source == update.name and len(snapshots[1].ledger.checksum) == 64
    assert snapshots[1].source_label == "KBO open data, snapshot 11-10-2025 (synthetic)"
    # the update's new enterprises are in the Region, by construction
    assert figure_value(snapshot=snapshots[1], measure="arrivals", key="new") >= 3
    capsys.readouterr()
    call_command("kbo_stats", "--format", "json")
    assert json.loads(capsys.readouterr().out) == kbo_stats()
