"""Users per role, reports and milestones for the tests of the dashboards and the timeline."""

from __future__ import annotations

from datetime import date

import factory
from django.contrib.auth import get_user_model

from accounts.models import Profile, Role
from monitoring.models import ImplementationStatus, Milestone, Report, ReportingPeriod
from plan.models import Measure, Organisation

ROLES = ("anonymous", "coordinator", "taskforce", "steering", "commission", "admin")
INTERNAL_ROLES = ("taskforce", "steering", "commission", "admin")


class DashboardUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"dash-user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")


def user_for(role: str):
    """A user with the role (None for the anonymous public); coordinators belong to Actiris."""
    if role == "anonymous":
        return None
    user = DashboardUserFactory(
        is_superuser=role == Role.ADMIN, is_staff=role in (Role.ADMIN, Role.TASKFORCE)
    )
    organisation = Organisation.objects.get(slug="actiris") if role == Role.COORDINATOR else None
    Profile.objects.create(user=user, role=role, organisation=organisation)
    return user


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
