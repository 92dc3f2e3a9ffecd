"""Every write of the monitoring services writes its own history reason; milestones and evidence
follow the same closed-period lock as the report itself."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from accounts.tests.factories import coordinator, taskforce, user_with_role
from monitoring import services
from monitoring.models import Comment, ImplementationStatus, ReportingPeriod
from plan.models import Measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    return services.report_save(
        user=coordinator(),
        measure=Measure.objects.get(code="MET.4.1"),
        period=ReportingPeriod.objects.get(key="2025-h2"),
        data=services.ReportData(
            status=ImplementationStatus.objects.get(key="in_progress"), narrative_nl="x"
        ),
    )


def reason(obj) -> str:
    return obj.history.order_by("-history_date").first().history_change_reason


def test_every_write_has_its_history_reason(draft):
    actiris, tf = coordinator(username="anna"), taskforce()
    milestone = services.milestone_add(
        user=actiris, report=draft, title_nl="Mijlpaal", title_fr="", due_date=date(2026, 3, 1)
    )
    assert reason(milestone) == "milestone add"
    evidence = services.evidence_add(
        user=actiris, report=draft, title="Verslag", url="https://example.org/verslag"
    )
    assert reason(evidence) == "evidence add"
    period = draft.period
    assert reason(services.period_close(user=tf, period=period)) == "close"
    assert reason(services.period_reopen(user=tf, period=period)) == "reopen"
    steering = user_with_role("steering")
    comment = services.comment_add(
        user=steering, measure=draft.measure, body="Goed.", visibility=Comment.Visibility.PUBLIC
    )
    assert reason(comment) == "comment add"
    assert reason(services.comment_moderate(user=tf, comment=comment, approve=True)) == "approve"
    assert reason(services.comment_moderate(user=tf, comment=comment, approve=False)) == "reject"


def test_milestones_and_evidence_of_a_closed_period_cannot_change(draft):
    services.period_close(user=taskforce(), period=draft.period)
    draft.refresh_from_db()
    actiris = coordinator(username="anna")
    with pytest.raises(ValidationError, match="closed"):
        services.milestone_add(
            user=actiris, report=draft, title_nl="Te laat", title_fr="", due_date=date(2026, 3, 1)
        )
    with pytest.raises(ValidationError, match="closed"):
        services.evidence_add(user=actiris, report=draft, title="Te laat", url="https://e.org/")
    assert not draft.milestones.exists() and not draft.evidence.exists()


def test_no_service_marks_a_milestone_done_around_the_checks():
    # milestone_mark_done was never called and skipped the closed-period check: it is gone, and
    # a milestone's done date is written with the milestone (milestone_add) under every check.
    assert not hasattr(services, "milestone_mark_done")
