"""The execution-plan timeline: planned years as bars, milestones, grouping, table view, exports."""

import json
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import user_for
from monitoring import selectors
from monitoring.models import MeasurePlanning, Report
from monitoring.presenters import timeline_data
from monitoring.reference import monitoring_reference_load
from plan.models import Measure
from reference.models import Sector

from .factories_dashboard import milestone, report


@pytest.fixture
def reference(db):
    monitoring_reference_load()


def export(client, **params):
    response = client.get("/nl/monitoring/timeline/", {**params, "format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def row_of(data, code):
    return next(r for r in data["rows"] if r.measure.code == code)


def test_bars_are_placed_on_the_year_axis(reference):
    MeasurePlanning.objects.filter(measure__code="C.1").update(
        planned_start_year=2021, planned_end_year=2022
    )
    data = timeline_data(grouping="sector", internal=False, today=date(2024, 6, 1))
    first, last = data["years"][0], data["years"][-1]
    assert (first, last) == (2020, 2025)  # the first multi-year plan, nothing outside it
    row = row_of(data, "C.1")
    days = (date(2026, 1, 1) - date(2020, 1, 1)).days
    assert row.left == round(100 * (date(2021, 1, 1) - date(2020, 1, 1)).days / days, 2)
    assert row.left + row.width == pytest.approx(
        100 * (date(2023, 1, 1) - date(2020, 1, 1)).days / days, abs=0.02
    )
    assert data["today_at"] == round(100 * (date(2024, 6, 1) - date(2020, 1, 1)).days / days, 2)


def test_axis_grows_with_planned_years_and_milestones(reference):
    MeasurePlanning.objects.filter(measure__code="C.1").update(
        planned_start_year=2019, planned_end_year=2027
    )
    validated = report("C.2", "2024-h1")
    milestone("C.2", date(2029, 3, 1), report=validated)
    data = timeline_data(grouping="sector", internal=False, today=date(2024, 6, 1))
    assert data["years"] == list(range(2019, 2030))
    assert row_of(data, "C.1").left == 0
    assert row_of(data, "C.1").width == pytest.approx(100 * 9 / 11, abs=0.1)


def test_groups_follow_the_plan_and_weighted_progress(reference):
    report("C.1", "2024-h1", status_key="completed", progress=100)
    data = timeline_data(grouping="sector", internal=False, today=date(2024, 9, 1))
    keys = [g.key for g in data["groups"]]
    assert keys == [*Sector.objects.ecosystems().values_list("slug", flat=True), "none"]
    construction = data["groups"][0]
    assert [r.measure.code for r in construction.rows][:2] == ["C.1", "C.2"]
    states = selectors.measure_states(measures=Measure.objects.filter(sector__slug="construction"))
    assert construction.progress == selectors.overall_progress(states)
    assert data["groups"][-1].rows  # transversal measures are not lost
    assert sum(len(g.rows) for g in data["groups"]) == 175


def test_coordinator_grouping_lists_a_measure_under_each_body(reference):
    data = timeline_data(grouping="coordinator", internal=False, today=date(2024, 9, 1))
    shared = next(
        m for m in Measure.objects.prefetch_related("coordinations") if m.coordinations.count() > 1
    )
    holding = [g.key for g in data["groups"] if any(r.measure.pk == shared.pk for r in g.rows)]
    assert sorted(holding) == sorted(c.organisation.slug for c in shared.coordinations.all())


def test_schedule_health_comes_from_the_selector(reference):
    MeasurePlanning.objects.filter(measure__code="C.1").update(
        planned_start_year=2020, planned_end_year=2021
    )
    report("C.1", "2021-h1", status_key="in_progress", progress=20)
    today = date(2024, 1, 1)
    row = row_of(timeline_data(grouping="sector", internal=False, today=today), "C.1")
    assert (
        row.health
        == selectors.schedule_health(progress=20, start_year=2020, end_year=2021, today=today)
        == "at_risk"
    )


def test_milestones_of_unvalidated_reports_are_internal(reference):
    today = timezone.localdate()
    validated = report("C.1", "2024-h1")
    draft = report("C.1", "2025-h1", state=Report.State.DRAFT)
    milestone("C.1", today - timedelta(days=5), report=validated, title="Published milestone")
    milestone("C.1", today + timedelta(days=5), report=draft, title="Secret draft milestone")
    milestone(
        "C.1",
        today - timedelta(days=90),
        report=validated,
        done=today - timedelta(days=100),
        title="Done milestone",
    )
    public = {
        m.title: m.state
        for m in row_of(
            timeline_data(grouping="sector", internal=False, today=today), "C.1"
        ).milestones
    }
    assert public == {"Done milestone": "done", "Published milestone": "overdue"}
    internal = {
        m.title: m.state
        for m in row_of(
            timeline_data(grouping="sector", internal=True, today=today), "C.1"
        ).milestones
    }
    assert internal["Secret draft milestone"] == "upcoming"


@pytest.mark.parametrize("grouping", ["challenge", "sector", "coordinator"])
def test_timeline_page_for_each_grouping(client, reference, grouping):
    response = client.get("/fr/monitoring/timeline/", {"group": grouping})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<option value="{grouping}" selected>' in html
    assert 'class="gantt"' in html
    assert html.count('class="gantt-row"') >= 175
    assert "/fr/measures/C.1/" in html


def test_bars_are_positioned_with_plain_css_numbers(client, reference):
    html = client.get("/nl/monitoring/timeline/", {"group": "sector"}).content.decode()
    positions = re.findall(r"--from: ([^;]+)%; --span: ([^\"]+)%", html)
    assert positions
    for left, width in positions:
        float(left), float(width)  # "12.5", never the localised "12,5"


def test_unknown_grouping_falls_back_to_challenge(client, reference):
    response = client.get("/nl/monitoring/timeline/", {"group": "nonsense"})
    assert response.status_code == 200
    assert response.context["grouping"] == "challenge"


def test_table_view_is_a_data_table(client, reference):
    MeasurePlanning.objects.filter(measure__code="C.1").update(
        planned_start_year=2021, planned_end_year=2024
    )
    response = client.get("/nl/monitoring/timeline/", {"group": "sector", "view": "table"})
    html = response.content.decode()
    assert 'class="gantt"' not in html
    assert html.count("<table") == len(response.context["groups"])
    assert html.count("<caption") == html.count("<table")
    c1 = html[html.index("/nl/measures/C.1/") :]
    assert re.search(r'<td class="num">2021</td>\s*<td class="num">2024</td>', c1[:2000])


def test_bars_view_tells_screen_readers_what_the_bar_shows(client, reference):
    MeasurePlanning.objects.filter(measure__code="C.1").update(
        planned_start_year=2021, planned_end_year=2024
    )
    html = client.get("/en/monitoring/timeline/", {"group": "sector"}).content.decode()
    assert "Planned 2021–2024." in html
    assert "No validated report yet." in html


def test_timeline_exports(client, reference):
    report("C.1", "2024-h1", status_key="advanced", progress=70)
    rows = export(client, group="sector")
    assert len(rows) == 175
    c1 = next(r for r in rows if r["measure"] == "C.1")
    planning = MeasurePlanning.objects.get(measure__code="C.1")
    assert (
        c1["group"],
        c1["planned_start_year"],
        c1["planned_end_year"],
        c1["status"],
        c1["progress"],
    ) == (
        "construction",
        planning.planned_start_year,
        planning.planned_end_year,
        "advanced",
        70,
    )
    coordinator_rows = export(client, group="coordinator")
    assert len(coordinator_rows) >= 175
    for fmt in ("csv", "xlsx"):
        response = client.get("/nl/monitoring/timeline/", {"group": "challenge", "format": fmt})
        assert (
            response["Content-Disposition"]
            == f'attachment; filename="execution-plan-challenge.{fmt}"'
        )


def test_timeline_without_planning_or_reports(client, reference):
    MeasurePlanning.objects.all().delete()
    response = client.get("/nl/monitoring/timeline/")
    assert response.status_code == 200
    assert "--from:" not in response.content.decode()
    assert response.context["years"] == list(range(2020, 2026))


def test_internal_users_see_every_milestone_on_the_page(client, reference):
    draft = report("C.1", "2025-h1", state=Report.State.DRAFT)
    milestone("C.1", date(2025, 9, 30), report=draft, title="Secret draft milestone")
    assert (
        "Secret draft milestone"
        not in client.get("/nl/monitoring/timeline/?group=sector").content.decode()
    )
    client.force_login(user_for("commission"))
    assert (
        "Secret draft milestone"
        in client.get("/nl/monitoring/timeline/?group=sector").content.decode()
    )
