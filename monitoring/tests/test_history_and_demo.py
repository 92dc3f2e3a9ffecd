"""Report history in words (item 5) and demo data labelled everywhere (item 1)."""

import pytest
from django.utils import translation

from accounts.tests.factories import coordinator, taskforce
from core.context_processors import demo_data_present
from monitoring import presenters, selectors, services
from monitoring.models import ImplementationStatus, Report, ReportingPeriod
from plan.models import Measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def report():
    user = coordinator()
    user.first_name, user.last_name = "Anna", "Peeters"
    user.save()
    period = ReportingPeriod.objects.get(key="2025-h2")
    status = ImplementationStatus.objects.get(key="in_progress")
    measure = Measure.objects.get(code="MET.4.1")
    report = services.report_save(
        user=user,
        measure=measure,
        period=period,
        data=services.ReportData(status=status, narrative_nl="Stand.", progress=30),
    )
    return services.report_submit(user=user, report=report, expected_version=report.version)


def test_history_rows_are_words_not_field_names(report):
    with translation.override("nl"):
        rows = presenters.report_history_rows(selectors.report_history(report=report))
    last = rows[-1]
    assert last["who"] == "Anna Peeters"
    assert last["action"] != "submit"
    fields = {label for label, _old, _new in last["changes"]}
    assert "state" not in fields and "submitted_by" not in fields
    new_values = {new for _label, _old, new in last["changes"]}
    assert "Anna Peeters" in new_values  # submitted by: a name, never "2"
    assert not any(v.isdigit() for v in new_values)
    assert any("2026" in v or "2025" in v for v in new_values)  # a date in words


def test_report_page_shows_history_in_the_users_language(client, report):
    client.force_login(taskforce())
    html = client.get(f"/fr/monitoring/reports/{report.pk}/").content.decode()
    assert "submitted_by" not in html and ">save<" not in html
    assert "Anna Peeters" in html


def test_demo_data_is_labelled_on_pages_exports_and_api(client):
    assert not demo_data_present()
    html = client.get("/nl/monitoring/").content.decode()
    assert 'id="demo-notice"' not in html
    Report.objects.filter(pk__in=Report.objects.values("pk")[:1]).update(is_demo=True)
    if not Report.objects.filter(is_demo=True).exists():
        from monitoring.models import Milestone

        Milestone.objects.create(
            measure=Measure.objects.first(),
            title_nl="[DEMO] m",
            due_date="2026-06-30",
            is_demo=True,
        )
    assert demo_data_present()
    html = client.get("/nl/monitoring/").content.decode()
    assert 'id="demo-notice"' in html and "demo-label" in html
    html = client.get("/fr/boordtabel/").content.decode()
    assert 'id="demo-notice"' in html
    rows = client.get("/nl/boordtabel/?format=json").json()
    rows = rows if isinstance(rows, list) else rows.get("rows", rows)
    assert rows and all("demo" in r for r in rows)
    progress = client.get("/api/v1/progress/").json()
    first = progress["results"][0] if "results" in progress else progress[0]
    assert first["latest"] is None or "demo" in first["latest"]
