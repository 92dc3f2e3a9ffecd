"""Realisation indicators are computed live from validated monitoring reports."""

import pytest
from django.utils import timezone

from accounts.tests.factories import coordinator, taskforce
from indicators.realisation import realisation_series
from monitoring import services
from monitoring.models import ImplementationStatus, ReportingPeriod
from plan.models import Measure

pytestmark = pytest.mark.django_db


def publish(measure_code: str, status_key: str, period_key: str = "2025-h2", by=None):
    period = ReportingPeriod.objects.get(key=period_key)
    status = ImplementationStatus.objects.get(key=status_key)
    author = by or coordinator("actiris")
    report = services.report_save(
        user=author,
        measure=Measure.objects.get(code=measure_code),
        period=period,
        data=services.ReportData(
            status=status, narrative_nl="x", progress=100 if status.is_completed else None
        ),
    )
    report = services.report_submit(user=author, report=report, expected_version=report.version)
    return services.report_validate(
        user=taskforce(), report=report, expected_version=report.version
    )


def value(rows, code, period="2025-12", **disaggregation):
    (row,) = [
        r
        for r in rows
        if r["indicator"] == code
        and r["period"] == period
        and r["disaggregation"] == disaggregation
    ]
    return row["value"]


def test_no_validated_report_no_figures():
    assert realisation_series() == []


def test_shares_counts_and_compliance_from_validated_reports_only():
    total = Measure.objects.count()
    publish("MET.4.1", "in_progress")
    publish("1.1.3", "completed")  # an Actiris measure of challenge 3.1
    publish("A.13", "not_started")  # an Actiris agro-food measure: reported, not started
    # A report that is only submitted counts nowhere in the public figures.
    author = coordinator("actiris")
    draft = services.report_save(
        user=author,
        measure=Measure.objects.get(code="C.10"),
        period=ReportingPeriod.objects.get(key="2025-h2"),
        data=services.ReportData(
            status=ImplementationStatus.objects.get(key="completed"), narrative_nl="x", progress=100
        ),
    )
    services.report_submit(user=author, report=draft, expected_version=draft.version)
    rows = realisation_series()
    assert value(rows, "R-MEASURES-STARTED") == round(100 * 2 / total, 1)
    assert value(rows, "R-MEASURES-COMPLETED") == round(100 * 1 / total, 1)
    challenge_31 = Measure.objects.filter(challenge__key="3.1").count()
    assert value(rows, "R-MEASURES-COMPLETED", challenge="3.1") == round(100 / challenge_31, 1)
    assert value(rows, "R-MEASURES-STARTED", sector="agrofood") == 0.0
    assert value(rows, "R-QUICK-WINS") == 0
    # All four reports were submitted today; whether that is on time depends on the due date.
    period = ReportingPeriod.objects.get(key="2025-h2")
    on_time = timezone.localdate() <= period.due_date + timezone.timedelta(days=period.grace_days)
    assert value(rows, "R-REPORTING") == (round(100 * 4 / total, 1) if on_time else 0.0)
    assert all(r["source"].startswith("Bruprod monitoring") for r in rows)


def test_quick_win_delivered():
    qw = Measure.objects.filter(
        remark_tags__key="QW", coordinations__organisation__slug="actiris"
    ).first()
    if qw is None:
        qw = Measure.objects.filter(remark_tags__key="QW").first()
        publish(qw.code, "completed", by=taskforce())
    else:
        publish(qw.code, "completed")
    assert value(realisation_series(), "R-QUICK-WINS") == 1
