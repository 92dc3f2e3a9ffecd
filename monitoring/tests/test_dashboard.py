"""Request tests of the public and internal dashboards: real figures from the selectors, exports."""

import json
from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.tests.factories import user_for
from monitoring import selectors
from monitoring.models import ImplementationStatus, MeasurePlanning, Report, ReportingPeriod
from monitoring.presenters import ROLLUP_GROUPINGS
from monitoring.reference import monitoring_reference_load

from .factories_dashboard import milestone, period, report

PUBLIC_TABLES = (
    "status",
    *ROLLUP_GROUPINGS,
    "evolution",
    "overdue",
    "stale",
    "quick_wins",
    "weights",
)


@pytest.fixture
def reference(db):
    monitoring_reference_load()


@pytest.fixture
def reports(reference):
    """A small validated history: C.1 completed, C.2 under way (default progress), 1.1.1 advanced."""
    report("C.1", "2023-h1", status_key="in_progress", progress=50)
    report("C.1", "2024-h1", status_key="completed", progress=100)
    report("C.2", "2024-h1", status_key="in_progress")
    report("1.1.1", "2023-h2", status_key="advanced", progress=80)


def get_json(client, url, **params):
    response = client.get(url, {**params, "format": "json"})
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_public_dashboard_renders_in_every_language(client, reports, lang):
    response = client.get(f"/{lang}/monitoring/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    for anchor in (
        "by-status",
        "by-challenge",
        "by-sector",
        "by-dimension",
        "by-priority",
        "by-coordinator",
        "evolution",
        "overdue",
        "stale",
        "quick-wins",
        "method",
    ):
        assert f'id="{anchor}"' in html
    assert 'id="compliance"' not in html  # internal only


def test_reversed_urls():
    with translation.override("nl"):
        assert reverse("monitoring:dashboard") == "/nl/monitoring/"
        assert reverse("monitoring:dashboard_internal") == "/nl/monitoring/internal/"
        assert reverse("monitoring:timeline") == "/nl/monitoring/timeline/"


def test_every_chart_is_an_accessible_svg_with_a_captioned_table(client, reports):
    html = client.get("/nl/monitoring/").content.decode()
    svgs = html.count(' chart-wide"')  # each chart also has a narrower drawing for phones
    assert svgs == 1 + len(ROLLUP_GROUPINGS) + 1  # status, each grouping, evolution
    assert html.count('role="img"') >= svgs
    assert html.count("<caption") >= svgs
    assert "<script" not in html.split("<main", 1)[1]  # no JavaScript needed


def test_headline_figures_come_from_the_selectors(client, reports):
    states = selectors.measure_states()
    overall = selectors.overall_progress(states)
    response = client.get("/en/monitoring/")
    html = response.content.decode()
    assert f"{overall}\u00a0%" in html.replace("&nbsp;", "\u00a0")
    data = response.context["data"]
    assert data.overall == overall
    assert data.reported == 3
    assert len(data.states) == 175


def test_rollup_exports_match_the_selectors(client, reports):
    states = selectors.measure_states()
    for grouping in ROLLUP_GROUPINGS:
        expected = {g.key: g for g in selectors.rollup(states, grouping)}
        rows = get_json(client, "/nl/monitoring/", table=grouping)
        assert {r["group"] for r in rows} == set(expected)
        for row in rows:
            group = expected[row["group"]]
            assert row["measures"] == group.count
            assert row["reported"] == group.reported
            assert row["weighted_progress"] == group.progress
    sectors = {r["group"]: r for r in get_json(client, "/nl/monitoring/", table="sector")}
    # construction: C.1 at 100 %, C.2 at the default 40 % of "in_progress", 17 more at 0 %.
    construction = selectors.rollup(
        [s for s in states if s.measure.sector and s.measure.sector.slug == "construction"],
        "sector",
    )[0]
    assert (
        sectors["construction"]["weighted_progress"]
        == construction.progress
        == round(140 / construction.count, 1)
    )
    assert sectors["construction"]["status_completed"] == 1


def test_status_table_counts_measures_by_latest_validated_status(client, reports):
    rows = {r["status"]: r for r in get_json(client, "/nl/monitoring/", table="status")}
    assert rows["completed"]["measures"] == 1
    assert rows["in_progress"]["measures"] == 1
    assert rows["advanced"]["measures"] == 1
    assert rows["none"]["measures"] == 172
    assert rows["completed"]["label_fr"] == "Réalisé"


def test_every_public_table_exports_as_json(client, reports):
    for table in PUBLIC_TABLES:
        response = client.get("/nl/monitoring/", {"table": table, "format": "json"})
        assert response.status_code == 200, table
        name = table.replace("_", "-")
        assert response["Content-Disposition"] == f'attachment; filename="monitoring-{name}.json"'
        assert isinstance(json.loads(response.content), list)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_tables_export_as_csv_and_xlsx_with_the_same_columns(client, reports, fmt):
    for table in ("sector", "weights", "overdue"):
        response = client.get("/nl/monitoring/", {"table": table, "format": fmt})
        assert response.status_code == 200
        columns = (
            list(get_json(client, "/nl/monitoring/", table=table)[0])
            if table != "overdue"
            else None
        )
        if fmt == "xlsx":
            sheet = load_workbook(BytesIO(response.content)).active
            header = [c.value for c in sheet[1]]
        else:
            assert response.content.startswith("\ufeff".encode())
            header = response.content.decode("utf-8-sig").splitlines()[0].split(",")
        if columns:
            assert header == columns
        assert header[0] in ("group", "measure")


def test_unknown_or_internal_table_is_not_found_publicly(client, reports):
    assert client.get("/nl/monitoring/", {"table": "nope", "format": "csv"}).status_code == 404
    assert (
        client.get("/nl/monitoring/", {"table": "compliance", "format": "csv"}).status_code == 404
    )


def test_evolution_follows_the_finished_periods(client, reports):
    today = timezone.localdate()
    rows = get_json(client, "/nl/monitoring/", table="evolution")
    expected = selectors.evolution(today=today)
    assert [r["period"] for r in rows] == [p.key for p, _progress, _n in expected]
    by_key = {r["period"]: r for r in rows}
    assert by_key["2022-h2"]["measures_reported"] == 0
    assert by_key["2023-h1"]["measures_reported"] == 1
    assert by_key["2024-h1"]["measures_reported"] == 3
    assert by_key["2024-h1"]["overall_progress"] == round((100 + 40 + 80) / 175, 1)


def test_rule_and_weights_are_published(client, reports):
    MeasurePlanning.objects.filter(measure__code="C.1").update(weight="2.5")
    html = client.get("/fr/monitoring/").content.decode()
    assert "THE ROLL-UP RULE" in html
    assert "Σ wᵢ·pᵢ / Σ wᵢ" in html
    assert 'lang="en"' in html  # the rule is quoted in its original language
    rows = {r["measure"]: r for r in get_json(client, "/fr/monitoring/", table="weights")}
    assert len(rows) == 175
    assert rows["C.1"]["weight"] == 2.5
    assert rows["C.2"]["weight"] == 1.0
    assert (
        rows["C.1"]["planned_start_year"]
        == MeasurePlanning.objects.get(measure__code="C.1").planned_start_year
    )


def test_overdue_milestones_publicly_only_from_validated_reports(client, reports):
    today = timezone.localdate()
    validated = Report.objects.get(measure__code="C.1", period__key="2024-h1")
    draft = report("C.2", "2025-h1", state=Report.State.DRAFT)
    milestone("C.1", today - timedelta(days=40), report=validated, title="Published late milestone")
    milestone(
        "C.1",
        today - timedelta(days=40),
        report=validated,
        done=today - timedelta(days=50),
        title="Done milestone",
    )
    milestone("C.2", today - timedelta(days=10), report=draft, title="Draft late milestone")
    milestone("C.2", today + timedelta(days=10), report=validated, title="Future milestone")
    public = get_json(client, "/nl/monitoring/", table="overdue")
    assert [r["milestone_nl"] for r in public] == ["Published late milestone"]
    assert public[0]["days_overdue"] == 40
    assert "report_state" not in public[0]
    html = client.get("/nl/monitoring/").content.decode()
    assert "Published late milestone" in html
    assert "Draft late milestone" not in html
    client.force_login(user_for("taskforce"))
    internal = get_json(client, "/nl/monitoring/internal/", table="overdue")
    assert {r["milestone_nl"]: r["report_state"] for r in internal} == {
        "Published late milestone": "validated",
        "Draft late milestone": "draft",
    }


def test_stale_measures_and_quick_wins(client, reference):
    today = timezone.localdate()
    finished = list(selectors.periods_past(today=today).order_by("-start")[:2])
    report("C.1", finished[0].key, status_key="in_progress")
    stale = {r["measure"] for r in get_json(client, "/nl/monitoring/", table="stale")}
    assert "C.1" not in stale
    assert "C.2" in stale
    assert len(stale) == 174
    quick_win = selectors.quick_wins_not_started(selectors.measure_states())[0].measure
    report(quick_win.code, finished[1].key, status_key="in_progress")
    quick = {r["measure"] for r in get_json(client, "/nl/monitoring/", table="quick_wins")}
    assert quick_win.code not in quick
    assert quick == {
        s.measure.code for s in selectors.quick_wins_not_started(selectors.measure_states())
    }
    assert quick


def test_internal_dashboard_shows_compliance_for_the_chosen_period(client, reference):
    today = timezone.localdate()
    p = period("2024-h1")
    on_time = timezone.make_aware(
        timezone.datetime.combine(p.due_date, timezone.datetime.min.time())
    )
    late = on_time + timedelta(days=p.grace_days + 5)
    report("MET.4.1", "2024-h1", state=Report.State.SUBMITTED, submitted_at=on_time)
    report("1.1.1", "2024-h1", state=Report.State.VALIDATED, submitted_at=late)
    client.force_login(user_for("steering"))
    response = client.get("/nl/monitoring/internal/", {"period": "2024-h1"})
    assert response.status_code == 200
    assert response.context["period"] == p
    html = response.content.decode()
    assert 'id="compliance"' in html
    assert html.count(' chart-wide"') == 1 + len(ROLLUP_GROUPINGS) + 1 + 1  # + compliance
    rows = {
        r["organisation"]: r
        for r in get_json(client, "/nl/monitoring/internal/", table="compliance", period="2024-h1")
    }
    expected = {c.organisation.slug: c for c in selectors.reporting_compliance(period=p)}
    assert set(rows) == set(expected)
    for slug, row in rows.items():
        c = expected[slug]
        assert (
            row["expected"],
            row["on_time"],
            row["late"],
            row["missing"],
            row["on_time_rate"],
        ) == (c.expected, c.submitted_on_time, c.submitted_late, c.missing, c.rate)
        assert row["period"] == "2024-h1"
    assert rows["actiris"]["on_time"] >= 1
    assert sum(r["late"] for r in rows.values()) >= 1
    # Without a period the dashboard takes the current one; an unknown period falls back to it too.
    current = selectors.current_period(today=today)
    for params in ({}, {"period": "1999-h1"}):
        rows = get_json(client, "/nl/monitoring/internal/", table="compliance", **params)
        assert {r["period"] for r in rows} == {current.key}


def test_compliance_export_is_named_after_the_period(client, reference):
    client.force_login(user_for("taskforce"))
    response = client.get(
        "/nl/monitoring/internal/", {"table": "compliance", "format": "csv", "period": "2024-h1"}
    )
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="monitoring-internal-compliance-2024-h1.csv"'
    )


def test_dashboard_without_any_data_still_renders(client, db):
    """Before the monitoring reference data exists: no periods, no statuses, no planning, no reports."""
    ReportingPeriod.objects.all().delete()
    MeasurePlanning.objects.all().delete()
    ImplementationStatus.objects.all().delete()
    response = client.get("/nl/monitoring/")
    assert response.status_code == 200
    assert response.context["data"].overall == 0.0
    client.force_login(user_for("admin"))
    response = client.get("/nl/monitoring/internal/")
    assert response.status_code == 200
    assert response.context["period"] is None


def test_measure_links_point_to_the_plan(client, reports):
    html = client.get("/nl/monitoring/").content.decode()
    assert reverse("plan:measures") + "?sector=construction" in html
    assert reverse("plan:measures") + "?coordinator=actiris" in html
