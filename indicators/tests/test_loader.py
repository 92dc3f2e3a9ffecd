"""The default registry and figures: Table 1 exactly as printed, context figures with sources."""

import shutil
from decimal import Decimal

import pytest
from django.conf import settings

from core.yamlfiles import DataFileError
from indicators.loader import default_data_dir, indicators_load
from indicators.models import Indicator, Observation, Target

pytestmark = pytest.mark.django_db


def value(code, sector="", period="2014"):
    key = f"sector={sector}" if sector else ""
    return Observation.objects.get(indicator__code=code, period=period, disaggregation_key=key)


def test_table1_is_loaded_exactly_as_printed():
    assert value("T1-JOBS", "manufacturing").value == 22115
    assert value("T1-JOBS", "construction").value == 33013
    assert value("T1-JOBS", "circular").value == 1689
    assert value("T1-JOBS", "creative").value == 34055
    assert value("T1-JOBS", "digital").value == 14551
    assert value("T1-JOBS").value == 667889
    assert value("T1-JOBS", "manufacturing").printed == "22.115"
    assert value("T1-EMP-SHARE", "construction").value == Decimal("4.9")
    assert value("T1-VA-SHARE", "circular").value == Decimal("0.8")
    assert value("T1-JOB-DYNAMICS", "manufacturing", "2008-2014").value == -6352
    assert value("T1-JOB-DYNAMICS", "", "2008-2014").value == 10499
    assert value("T1-RESIDENTS").value == 42
    assert value("T1-HIGHER-ED", "digital").value == Decimal("87.2")
    assert value("T1-SMALL-FIRMS", "creative").value == 26
    assert value("T1-SMALL-FIRMS").value == Decimal("32.8")
    # 6 rows × 7 columns, minus the '-' of creative and digital and the unprinted whole-economy cell.
    assert Observation.objects.filter(indicator__code__startswith="T1-").count() == 39
    assert not Observation.objects.filter(
        indicator__code="T1-VA-SHARE", disaggregation_key=""
    ).exists()
    assert not Observation.objects.filter(
        indicator__code="T1-VA-SHARE", disaggregation_key="sector=creative"
    ).exists()


def test_the_six_figures_quirk_and_the_nace2_caveat_are_recorded():
    jobs = Indicator.objects.get(code="T1-JOBS")
    assert any("six figures" in q for q in jobs.quirks)
    creative = jobs.disaggregations.get(code="sector").values.get(code="creative")
    assert "NACE-2" in creative.note_nl and "NACE-2" in creative.note_fr
    assert creative.sector.slug == "creative"


@pytest.mark.parametrize(
    ("code", "period", "figure", "document", "line"),
    [
        ("CTX-MANUF-SHARE", "2019", 3, "industrial-plan-2019", 155),
        ("CTX-FREIGHT-TRANSPORTS", "2018", 800000, "industrial-plan-2019", 1261),
        ("CTX-GOODS-FLOWS", "2010-2030", 68, "industrial-plan-2019", 325),
        ("CTX-PERIPHERALISATION", "1996-2006", 7, "industrial-plan-2019", 1409),
        ("CTX-IT-VACANCIES", "2019", 16000, "industrial-plan-2019", 2208),
        ("CTX-FEDERATIONS-JOBS", "2024", 85000, "bis-memorandum", 23),
        ("CTX-ELECTRICITY-DEMAND", "2024", 5220, "bis-memorandum", 334),
        ("CTX-ELECTRICITY-GROWTH", "2024", 31, "bis-memorandum", 337),
    ],
)
def test_context_figures_cite_document_and_line(code, period, figure, document, line):
    indicator = Indicator.objects.get(code=code)
    assert indicator.kind in ("context", "result")
    obs = indicator.observations.get(period=period, disaggregation_key="")
    assert obs.value == figure
    assert {"document": document, "line": line}.items() <= indicator.sources[0].items()


def test_seed_lines_cited_really_hold_the_figures():
    seeds = settings.SEEDS_DIR
    if not seeds.is_dir():
        pytest.skip("the seed texts are not available")
    files = {
        "industrial-plan-2019": "001_60dc6f486aa2aabe.txt",
        "bis-memorandum": "004_7576a69d338d7c43.txt",
    }
    for indicator in Indicator.objects.exclude(sources=[]):
        for ref in indicator.sources:
            lines = (seeds / files[ref["document"]]).read_text(encoding="utf-8").splitlines()
            words = [
                w for w in ref["quote"].replace("…", " ").split() if any(c.isdigit() for c in w)
            ]
            cited = lines[ref["line"] - 1]
            assert any(w.rstrip(".,;:)") in cited for w in words), (
                indicator.code,
                ref,
            )


def test_freight_traffic_by_vehicle_and_targets_of_the_memorandum():
    traffic = Indicator.objects.get(code="CTX-FREIGHT-TRAFFIC-SHARE")
    assert {o.disaggregation["vehicle"]: int(o.value) for o in traffic.observations.all()} == {
        "heavy-truck": 6,
        "van": 8,
    }
    charging = {
        (t.period, int(t.value), t.counts_for_status)
        for t in Target.objects.filter(indicator__code="CTX-CHARGING-POINTS")
    }
    assert charging == {("2024", 20000, False), ("2025", 9500, True), ("2035", 22000, True)}
    assert Target.objects.get(indicator__code="CTX-FAST-CHARGING").value == 800
    assert Target.objects.get(indicator__code="CTX-GHG").value == -40
    norm = Target.objects.get(indicator__code="CTX-RD-INTENSITY")
    assert (norm.period, norm.value) == ("", 3)


def test_loading_again_changes_nothing():
    history = Indicator.history.count(), Observation.history.count(), Target.history.count()
    result = indicators_load(data_dir=default_data_dir())
    assert sum(result.created.values()) == 0 and sum(result.updated.values()) == 0
    assert result.observations.created == 0 and result.observations.updated == 0
    assert (
        Indicator.history.count(),
        Observation.history.count(),
        Target.history.count(),
    ) == history


def test_bad_registry_names_file_line_and_field_and_changes_nothing(tmp_path):
    shutil.copytree(default_data_dir(), tmp_path / "data")
    registry = tmp_path / "data" / "registry.yaml"
    text = registry.read_text(encoding="utf-8")
    text = text.replace(
        "    unit: jobs\n    kind: result\n", "    unit: bananas\n    kind: result\n", 1
    )
    text = text.replace('plan_nodes: ["3.1", "3.1.1"]', 'plan_nodes: ["9.9"]', 1)
    registry.write_text(text, encoding="utf-8")
    (tmp_path / "data" / "observations" / "table1_2014.csv").write_text(
        "indicator,period,value,vintage\nT1-JOBS,2014,lots,2019\n", encoding="utf-8"
    )
    before = Indicator.objects.get(code="T1-JOBS").unit
    with pytest.raises(DataFileError) as caught:
        indicators_load(data_dir=tmp_path / "data")
    problems = caught.value.problems
    assert any("registry.yaml:" in p and "(T1-JOBS).unit: 'bananas'" in p for p in problems)
    assert any("(T1-JOBS).plan_nodes: unknown plan node '9.9'" in p for p in problems)
    assert Indicator.objects.get(code="T1-JOBS").unit == before


def test_bad_observation_file_in_the_defaults_is_reported(tmp_path):
    shutil.copytree(default_data_dir(), tmp_path / "data")
    (tmp_path / "data" / "observations" / "table1_2014.csv").write_text(
        "indicator,period,value,vintage\nT1-JOBS,2014,lots,2019\n", encoding="utf-8"
    )
    with pytest.raises(DataFileError) as caught:
        indicators_load(data_dir=tmp_path / "data")
    assert caught.value.problems[0].startswith("table1_2014.csv:2: value: 'lots' is not a number")
