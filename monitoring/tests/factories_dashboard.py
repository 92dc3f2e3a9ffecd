"""Reports and milestones for the tests of the dashboards and the timeline (users: accounts.tests.factories)."""

from __future__ import annotations

from datetime import date

from monitoring.models import ImplementationStatus, Milestone, Report, ReportingPeriod
from plan.models import Measure


def status(key: str) -> ImplementationStatus:
    return ImplementationStatus.objects.get(key=key)


def period(key: str) -> ReportingPeriod:
    return ReportingPeriod.objects.get(key=key)


def report(
    code: str,
    period_key: str,
    *,
    state: str = Report.State.VALIDATED,
    status_key: str = "in_progress",
    progress: int | None = None,
    **fields,
) -> Report:
    """A report written straight to the database: a test's starting state, not a workflow step."""
    return Report.objects.create(
        measure=Measure.objects.get(code=code),
        period=period(period_key),
        state=state,
        status=status(status_key),
        progress=progress,
        **fields,
    )


def milestone(
    code: str,
    due: date,
    *,
    report: Report | None = None,
    done: date | None = None,
    title: str = "Mijlpaal",
) -> Milestone:
    return Milestone.objects.create(
        measure=Measure.objects.get(code=code),
        report=report,
        title_nl=title,
        title_fr=title,
        due_date=due,
        done_date=done,
    )
