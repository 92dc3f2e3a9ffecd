"""One rule, one place: the reporting deadline, the report filters and the latest validated report.

The deadline is counted on the date in Brussels: a report submitted at 00:30 Brussels time on the
day after the deadline is late (in UTC it is still the deadline day), one submitted at 23:30
Brussels time on the deadline day is on time (in UTC it is the same day, 21:30 or 22:30). The
compliance dashboard and the R-REPORTING indicator must agree on both.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.tests.factories import user_for
from indicators.realisation import realisation_series
from monitoring import selectors
from monitoring.models import Report, ReportingPeriod
from monitoring.reference import monitoring_reference_load
from plan.models import Measure

from .factories_dashboard import report

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
ON_TIME, LATE = "MET.4.1", "1.1.3"  # two measures Actiris coordinates


@pytest.fixture(autouse=True)
def reference(db):
    monitoring_reference_load()


def brussels(day, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BRUSSELS)


def test_the_site_runs_on_brussels_time():
    assert settings.TIME_ZONE == "Europe/Brussels"


def test_deadline_is_due_date_plus_grace():
    period = ReportingPeriod.objects.get(key="2024-h1")
    assert period.deadline == period.due_date + timedelta(days=period.grace_days)


@pytest.mark.parametrize("key", ["2024-h1", "2024-h2"])  # summer time (UTC+2), winter time (UTC+1)
def test_on_time_is_counted_on_the_brussels_date(key):
    period = ReportingPeriod.objects.get(key=key)
    last_evening = brussels(period.deadline, 23, 30)
    just_after_midnight = brussels(period.deadline + timedelta(days=1), 0, 30)
    # The cases that a UTC date gets wrong: both fall on the deadline day in UTC.
    assert last_evening.astimezone(UTC).date() == period.deadline
    assert just_after_midnight.astimezone(UTC).date() == period.deadline
    assert period.is_on_time(last_evening)
    assert period.is_on_time(last_evening.astimezone(UTC))
    assert not period.is_on_time(just_after_midnight)
    assert not period.is_on_time(just_after_midnight.astimezone(UTC))
    assert not period.is_on_time(None)


def test_a_users_time_zone_does_not_move_the_deadline():
    period = ReportingPeriod.objects.get(key="2024-h1")
    late = brussels(period.deadline + timedelta(days=1), 0, 30)
    with timezone.override(ZoneInfo("America/New_York")):
        assert not period.is_on_time(late)
        assert period.is_on_time(brussels(period.deadline, 23, 30))


@pytest.mark.parametrize("key", ["2024-h1", "2024-h2"])
def test_compliance_dashboard_and_reporting_indicator_agree_just_around_midnight(key, client):
    period = ReportingPeriod.objects.get(key=key)
    on_time_at = brussels(period.deadline, 23, 30).astimezone(UTC)
    late_at = brussels(period.deadline + timedelta(days=1), 0, 30).astimezone(UTC)
    report(ON_TIME, key, state=Report.State.VALIDATED, submitted_at=on_time_at)
    report(LATE, key, state=Report.State.SUBMITTED, submitted_at=late_at)

    # The compliance dashboard (selector and the internal page's export).
    assert selectors.report_submissions_on_time(periods=[period])[period.pk] == {
        Measure.objects.get(code=ON_TIME).pk: True,
        Measure.objects.get(code=LATE).pk: False,
    }
    actiris = next(
        c for c in selectors.reporting_compliance(period=period) if c.organisation.slug == "actiris"
    )
    assert (actiris.submitted_on_time, actiris.submitted_late) == (1, 1)
    client.force_login(user_for("taskforce"))
    response = client.get(
        "/en/monitoring/internal/", {"table": "compliance", "format": "json", "period": key}
    )
    rows = {r["organisation"]: r for r in response.json()}
    assert (rows["actiris"]["on_time"], rows["actiris"]["late"]) == (1, 1)

    # The R-REPORTING indicator: one of the plan's measures reported on time.
    (reporting,) = [
        r
        for r in realisation_series()
        if r["indicator"] == "R-REPORTING" and r["period"] == f"{period.end:%Y-%m}"
    ]
    assert reporting["value"] == round(100 / Measure.objects.count(), 1)


def test_report_queryset_spells_each_state_filter_once():
    validated = report("C.1", "2024-h1", state=Report.State.VALIDATED)
    submitted = report("C.2", "2024-h1", state=Report.State.SUBMITTED)
    returned = report("C.3", "2024-h1", state=Report.State.RETURNED)
    draft = report("C.4", "2024-h2", state=Report.State.DRAFT)
    assert set(Report.objects.validated()) == {validated}
    assert set(Report.objects.submitted_or_later()) == {validated, submitted, returned}
    assert set(Report.objects.awaiting_review()) == {submitted}
    assert set(Report.objects.returned()) == {returned}
    h1 = ReportingPeriod.objects.get(key="2024-h1")
    assert draft not in Report.objects.as_of(h1) and validated in Report.objects.as_of(h1)
    assert validated.is_validated and not submitted.is_validated


def test_latest_validated_report_as_of_a_period():
    h1, h2, next_h1 = (
        ReportingPeriod.objects.get(key=k) for k in ("2024-h1", "2024-h2", "2025-h1")
    )
    first = report("C.1", "2024-h1", status_key="in_progress", progress=10)
    second = report("C.1", "2025-h1", status_key="in_progress", progress=50)
    report("C.2", "2024-h2", state=Report.State.SUBMITTED)  # not validated: never counts
    c1 = Measure.objects.get(code="C.1").pk
    assert selectors.report_latest_validated(as_of_period=h1) == {c1: first}
    assert selectors.report_latest_validated(as_of_period=h2) == {c1: first}
    assert selectors.report_latest_validated(as_of_period=next_h1) == {c1: second}
    assert selectors.report_latest_validated() == {c1: second}
    assert selectors.report_latest_validated(measures=Measure.objects.filter(code="C.2")) == {}
    # The one-pass form gives the same answer for every period.
    periods = [h1, h2, next_h1]
    assert [
        latest for _p, latest in selectors.report_latest_validated_per_period(periods=periods)
    ] == [selectors.report_latest_validated(as_of_period=p) for p in periods]
