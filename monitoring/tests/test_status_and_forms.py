"""The issue "What a civil servant and a citizen hit": status that agrees with itself (item 4),
forms as GOV.UK does them (item 6), staff pages (item 12)."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from accounts.tests.factories import coordinator, user_with_role
from core.registry import providers
from monitoring import selectors, services
from monitoring.models import Report, ReportingPeriod
from monitoring.presenters import DashboardData
from monitoring.tests.factories_dashboard import report
from plan.models import Measure

pytestmark = pytest.mark.django_db


def nl(name, **kwargs):
    with translation.override("nl"):
        return reverse(name, kwargs=kwargs or None)


# ---------------------------------------------------------------- item 4: status


def test_the_measure_status_provider_gives_the_latest_validated_status():
    report("MET.4.1", "2024-h2", status_key="in_progress", progress=40)
    report("MET.4.1", "2025-h2", status_key="completed", progress=100)
    report("MET.4.1", "2026-h1", state=Report.State.DRAFT, status_key="suspended")
    measure = Measure.objects.get(code="MET.4.1")
    current = providers.call("measure.status", [measure.pk])[measure.pk]
    assert (current.key, current.progress, current.is_completed) == ("completed", 100, True)


def test_measure_card_and_page_show_the_validated_status_first_and_2019_as_history(client):
    report("MET.4.1", "2025-h2", status_key="completed", progress=100)
    html = client.get(nl("plan:measure", code="MET.4.1")).content.decode()
    status_line = html[html.index('class="measure-status"') :][:600]
    assert "Uitgevoerd" in status_line or "Completed" in status_line
    assert "100" in status_line
    assert status_line.index("badge-status") < status_line.index("2019")
    listing = client.get(nl("plan:measures") + "?q=MET.4.1").content.decode()
    assert "is-completed" in listing


def test_a_not_started_status_is_shown_without_a_percentage(client):
    report("MET.4.1", "2025-h2", status_key="not_started", progress=15)
    measure = Measure.objects.get(code="MET.4.1")
    assert providers.call("measure.status", [measure.pk])[measure.pk].is_started is False
    html = client.get(nl("plan:measure", code="MET.4.1")).content.decode()
    status_line = html[html.index('class="measure-status"') :][:400]
    assert "15" not in status_line


def test_stale_measures_leave_out_the_completed_ones():
    report("MET.4.1", "2024-h1", status_key="completed", progress=100)
    report("2.1.1", "2024-h1", status_key="in_progress")
    stale = {m.code for m in selectors.stale_measures(today=date(2026, 12, 1))}
    assert "MET.4.1" not in stale
    assert "2.1.1" in stale


def test_the_workspace_flags_the_reports_that_are_overdue(client, monkeypatch):
    period = ReportingPeriod.objects.get(key="2026-h1")  # due 30 July 2026
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 12, 1))
    client.force_login(coordinator("actiris"))
    html = client.get(nl("monitoring:workspace") + f"?period={period.key}").content.decode()
    assert "badge-overdue" in html
    assert "notice-warn" in html
    # before the deadline nothing is overdue
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 7, 20))
    html = client.get(nl("monitoring:workspace") + f"?period={period.key}").content.decode()
    assert "badge-overdue" not in html


def test_a_submitted_report_is_not_overdue():
    period = ReportingPeriod.objects.get(key="2026-h1")
    submitted = report("MET.4.1", "2026-h1", state=Report.State.SUBMITTED)
    draft = report("2.1.1", "2026-h1", state=Report.State.DRAFT)
    measures = [submitted.measure, draft.measure]
    overdue = selectors.reports_overdue(period=period, measures=measures, today=date(2026, 12, 1))
    assert overdue == {draft.measure_id}


def test_past_periods_close_after_the_configured_days_but_not_a_reopened_one():
    today = date(2026, 12, 1)
    reopened = ReportingPeriod.objects.get(key="2024-h2")
    taskforce = user_with_role(Role.TASKFORCE)
    services.period_close(user=taskforce, period=reopened)
    services.period_reopen(user=taskforce, period=reopened)
    closed = services.periods_close_past(today=today, after_days=180)
    keys = {p.key for p in closed}
    assert "2020-h1" in keys and "2025-h2" in keys
    assert "2026-h1" not in keys  # its deadline (14 August 2026) is less than 180 days ago
    assert "2024-h2" not in keys  # reopened by hand: left open
    assert services.periods_close_past(today=today, after_days=180) == []  # idempotent
    period = ReportingPeriod.objects.get(key="2020-h1")
    assert period.is_closed and period.history.first().history_change_reason.startswith("close")


def test_the_close_periods_command_reads_the_setting():
    with override_settings(BRUPROD_CLOSE_PAST_PERIODS_AFTER_DAYS=""):
        out = StringIO()
        call_command("close_periods", "--today", "2026-12-01", stdout=out)
        assert "none" in out.getvalue()
        assert not ReportingPeriod.objects.filter(is_closed=True).exists()
    with override_settings(BRUPROD_CLOSE_PAST_PERIODS_AFTER_DAYS="30"):
        out = StringIO()
        call_command("close_periods", "--today", "2026-12-01", stdout=out)
    assert ReportingPeriod.objects.get(key="2026-h1").is_closed
    assert not ReportingPeriod.objects.get(key="2026-h2").is_closed


# ---------------------------------------------------------------- item 6: forms


def test_the_report_form_links_its_help_text_and_summarises_errors(client):
    client.force_login(coordinator("actiris"))
    edit = nl("monitoring:report_edit", code="MET.4.1", period="2025-h2")
    html = client.get(edit).content.decode()
    assert 'aria-describedby="id_progress_helptext"' in html
    assert 'id="id_progress_helptext"' in html
    response = client.post(edit, {"status": "", "progress": "500", "version": "0"})
    html = response.content.decode()
    assert "<title>Error:" in html or "<title>Fout:" in html
    assert "data-error-summary" in html
    assert 'href="#id_progress"' in html
    assert 'aria-invalid="true"' in html


def test_validating_a_report_asks_for_a_confirmation_first(client):
    submitted = report("MET.4.1", "2025-h2", state=Report.State.SUBMITTED)
    client.force_login(user_with_role(Role.TASKFORCE))
    validate = nl("monitoring:report_validate", pk=submitted.pk)
    response = client.post(validate, {"version": submitted.version})
    assert response.status_code == 400
    html = response.content.decode()
    assert "data-error-summary" in html and 'href="#id_confirm"' in html
    assert "<title>Error:" in html or "<title>Fout:" in html
    submitted.refresh_from_db()
    assert submitted.state == Report.State.SUBMITTED
    client.post(validate, {"version": submitted.version, "confirm": "on"})
    submitted.refresh_from_db()
    assert submitted.state == Report.State.VALIDATED


# ---------------------------------------------------------------- item 12: staff pages


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        (Role.COORDINATOR, "monitoring:workspace"),
        (Role.TASKFORCE, "monitoring:workspace"),
        (Role.STEERING, "monitoring:dashboard_internal"),
        (Role.COMMISSION, "monitoring:dashboard_internal"),
    ],
)
def test_each_role_lands_where_its_work_is(client, role, landing):
    user = (
        coordinator("actiris", username="lander")
        if role == Role.COORDINATOR
        else user_with_role(role, username="lander")
    )
    user.set_password("a-long-test-password")
    user.save()
    response = client.post(
        nl("accounts:login"), {"username": "lander", "password": "a-long-test-password"}
    )
    assert response.status_code == 302
    assert response["Location"] == nl(landing)


def test_the_workspace_sends_the_steering_committee_to_the_internal_dashboard(client):
    client.force_login(user_with_role(Role.STEERING))
    response = client.get(nl("monitoring:workspace"))
    assert response.status_code == 302
    assert response["Location"] == nl("monitoring:dashboard_internal")


def test_the_compliance_table_is_sorted_by_compliance_and_not_clipped(client):
    period = ReportingPeriod.objects.get(key="2025-h2")
    report("MET.4.1", "2025-h2", state=Report.State.SUBMITTED, submitted_at=None)
    data = DashboardData(internal=True, today=date(2026, 12, 1), period=period)
    rates = [c.rate for c in data.compliance if c.rate is not None]
    assert rates == sorted(rates)
    client.force_login(user_with_role(Role.TASKFORCE))
    html = client.get(nl("monitoring:dashboard_internal") + "?period=2025-h2").content.decode()
    assert "table-scroll-full" in html
