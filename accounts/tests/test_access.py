"""The queryset forms of the access rules agree with their predicates; the report action flags."""

from __future__ import annotations

import pytest

from accounts import access
from accounts.models import Role
from accounts.tests.factories import ROLES, coordinator, user_for, user_with_role
from monitoring.models import ImplementationStatus, Report, ReportingPeriod
from monitoring.reference import monitoring_reference_load
from plan.models import Measure

pytestmark = pytest.mark.django_db
ACTIRIS_MEASURE, OTHER_MEASURE = "MET.4.1", "1.2.1"  # Actiris only / Innoviris only


@pytest.fixture(autouse=True)
def reference(db):
    monitoring_reference_load()


def a_report(code: str, state: str, period: str = "2025-h1") -> Report:
    return Report.objects.create(
        measure=Measure.objects.get(code=code),
        period=ReportingPeriod.objects.get(key=period),
        state=state,
        status=ImplementationStatus.objects.get(key="in_progress"),
    )


@pytest.fixture
def reports() -> list[Report]:
    """A validated and a submitted report on a measure of Actiris and on one of another body."""
    return [
        a_report(code, state, period)
        for code in (ACTIRIS_MEASURE, OTHER_MEASURE)
        for state, period in (
            (Report.State.VALIDATED, "2025-h1"),
            (Report.State.SUBMITTED, "2025-h2"),
        )
    ]


@pytest.mark.parametrize("role", [*ROLES, "coordinator_without_organisation"])
def test_measures_reportable_by_is_can_report_on_as_a_queryset(role):
    if role == "coordinator_without_organisation":
        user = user_with_role(Role.COORDINATOR)
    else:
        user = user_for(role)
    expected = {m.pk for m in Measure.objects.all() if access.can_report_on(user, m)}
    assert (
        set(access.measures_reportable_by(user, Measure.objects.all()).values_list("pk", flat=True))
        == expected
    )
    if role == "coordinator":
        assert expected and len(expected) < Measure.objects.count()


@pytest.mark.parametrize("role", ROLES)
def test_reports_visible_to_is_can_see_report_as_a_queryset(role, reports):
    user = user_for(role)
    expected = {r.pk for r in reports if access.can_see_report(user, r)}
    assert (
        set(access.reports_visible_to(user, Report.objects.all()).values_list("pk", flat=True))
        == expected
    )
    assert len(access.reports_visible_to(user, Report.objects.all())) == len(
        expected
    )  # no duplicate rows


def test_report_flags_follow_state_role_and_period():
    actiris, other_body = coordinator("actiris"), coordinator("innoviris")
    tf, steering = user_for("taskforce"), user_for("steering")
    draft = a_report(ACTIRIS_MEASURE, Report.State.DRAFT)
    submitted = a_report(ACTIRIS_MEASURE, Report.State.SUBMITTED, period="2025-h2")
    validated = a_report(OTHER_MEASURE, Report.State.VALIDATED)

    assert access.can_edit_report(actiris, draft) and access.can_submit_report(actiris, draft)
    assert not access.can_edit_report(other_body, draft)
    assert not access.can_submit_report(steering, draft)
    assert not access.can_validate_report(tf, draft) and not access.can_return_report(tf, draft)

    assert not access.can_edit_report(actiris, submitted)
    assert not access.can_submit_report(actiris, submitted)
    assert access.can_validate_report(tf, submitted) and access.can_return_report(tf, submitted)
    assert not access.can_validate_report(actiris, submitted)
    assert not access.can_return_report(steering, submitted)

    for user in (actiris, tf):
        assert not access.can_edit_report(user, validated)
        assert not access.can_validate_report(user, validated)

    # A closed period locks every action, as the services do.
    ReportingPeriod.objects.filter(key__in=["2025-h1", "2025-h2"]).update(is_closed=True)
    draft.refresh_from_db()
    submitted.refresh_from_db()
    assert not access.can_edit_report(actiris, draft)
    assert not access.can_submit_report(actiris, draft)
    assert not access.can_validate_report(tf, submitted)
    assert not access.can_return_report(tf, submitted)


def test_report_history_is_for_internal_roles_and_the_reporters():
    draft = a_report(ACTIRIS_MEASURE, Report.State.DRAFT)
    assert access.can_see_report_history(coordinator("actiris"), draft)
    assert access.can_see_report_history(user_for("steering"), draft)
    assert not access.can_see_report_history(coordinator("innoviris"), draft)
    assert not access.can_see_report_history(None, draft)
