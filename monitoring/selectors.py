"""Reads of implementation monitoring: where each measure stands and the roll-ups of dashboards.

THE ROLL-UP RULE (published on the dashboard, used everywhere):
- A measure's progress is that of its latest *validated* report: the reported percentage, or the
  default progress of the reported status when the report gives none.
- A measure with no validated report counts as 0 % (not started) and keeps its weight: a plan
  whose bodies do not report cannot look further advanced than it is.
- A group's progress is the weighted mean Σ wᵢ·pᵢ / Σ wᵢ over its measures, with each measure's
  weight from the execution plan (1 unless the task force sets another). Weights need not add up
  to anything. A group whose weights are all zero, or that has no measure, has no progress (None).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet

from plan.models import Measure, Organisation

from .models import (
    Comment,
    ImplementationStatus,
    MeasurePlanning,
    Milestone,
    Report,
    ReportingPeriod,
)

STALE_AFTER_PERIODS = 2


@dataclass(frozen=True)
class MeasureState:
    """Where one measure stands, from validated data only."""

    measure: Measure
    report: Report | None
    progress: int
    weight: Decimal

    @property
    def status(self) -> ImplementationStatus | None:
        return self.report.status if self.report else None

    @property
    def reported(self) -> bool:
        return self.report is not None


def weighted_progress(
    items: Iterable[tuple[Decimal | float | int, float | int | None]],
) -> float | None:
    """Σw·p/Σw over (weight, progress) pairs; a missing progress counts as 0; None if Σw = 0."""
    total_weight = Decimal(0)
    total = Decimal(0)
    for weight, progress in items:
        w = Decimal(str(weight))
        if w < 0:
            raise ValueError("weights cannot be negative")
        total_weight += w
        total += w * Decimal(str(progress if progress is not None else 0))
    if total_weight == 0:
        return None
    return float(round(total / total_weight, 1))


def latest_validated_reports(*, up_to: ReportingPeriod | None = None) -> dict[int, Report]:
    """measure id → its latest validated report (optionally as of a period)."""
    reports = Report.objects.filter(state=Report.State.VALIDATED).select_related("status", "period")
    if up_to is not None:
        reports = reports.filter(period__start__lte=up_to.start)
    latest: dict[int, Report] = {}
    for report in reports.order_by("period__start"):
        latest[report.measure_id] = report
    return latest


def measure_states(
    *, measures: QuerySet | None = None, up_to: ReportingPeriod | None = None
) -> list[MeasureState]:
    measures = (
        (measures if measures is not None else Measure.objects.all())
        .select_related("sector", "dimension", "challenge", "status")
        .prefetch_related("coordinations__organisation", "remark_tags")
    )
    latest = latest_validated_reports(up_to=up_to)
    weights = dict(MeasurePlanning.objects.values_list("measure_id", "weight"))
    states = []
    for measure in measures.order_by("order"):
        report = latest.get(measure.pk)
        states.append(
            MeasureState(
                measure=measure,
                report=report,
                progress=report.effective_progress if report else 0,
                weight=weights.get(measure.pk, Decimal(1)),
            )
        )
    return states


@dataclass
class Group:
    key: str
    label: str
    count: int
    reported: int
    progress: float | None
    by_status: dict[str, int]


GROUPINGS = ("status", "challenge", "sector", "dimension", "priority", "coordinator")


def group_keys(state: MeasureState, grouping: str) -> list[tuple[str, str]]:
    """(key, label) of the groups a measure belongs to (a measure can have several coordinators)."""
    m = state.measure
    if grouping == "status":
        return [(state.status.key, state.status.tr("label"))] if state.status else [("none", "")]
    if grouping == "challenge":
        return (
            [(m.challenge.key, f"{m.challenge.key} {m.challenge.tr('title')}")]
            if m.challenge
            else []
        )
    if grouping == "sector":
        return [(m.sector.slug, m.sector.tr("name"))] if m.sector else []
    if grouping == "dimension":
        return (
            [(str(m.dimension.number), f"{m.dimension.number}. {m.dimension.tr('title')}")]
            if m.dimension
            else []
        )
    if grouping == "priority":
        return [(m.priority or "none", m.priority or "")]
    if grouping == "coordinator":
        return [(c.organisation.slug, c.organisation.tr("name")) for c in m.coordinations.all()]
    raise KeyError(grouping)


def rollup(states: list[MeasureState], grouping: str) -> list[Group]:
    """Count, reported count, weighted progress and status mix of each group."""
    buckets: dict[str, list[MeasureState]] = defaultdict(list)
    labels: dict[str, str] = {}
    for state in states:
        for key, label in group_keys(state, grouping):
            buckets[key].append(state)
            labels[key] = label
    groups = []
    for key, members in buckets.items():
        by_status: dict[str, int] = defaultdict(int)
        for s in members:
            by_status[s.status.key if s.status else "none"] += 1
        groups.append(
            Group(
                key=key,
                label=labels[key],
                count=len(members),
                reported=sum(1 for s in members if s.reported),
                progress=weighted_progress((s.weight, s.progress) for s in members),
                by_status=dict(by_status),
            )
        )
    return groups


def overall_progress(states: list[MeasureState]) -> float | None:
    return weighted_progress((s.weight, s.progress) for s in states)


def overdue_milestones(*, today: date, validated_only: bool) -> QuerySet:
    milestones = Milestone.objects.filter(
        due_date__lt=today, done_date__isnull=True
    ).select_related("measure", "report")
    if validated_only:
        milestones = milestones.filter(report__state=Report.State.VALIDATED)
    return milestones.order_by("due_date")


def periods_past(*, today: date) -> QuerySet:
    return ReportingPeriod.objects.filter(end__lt=today).order_by("start")


def stale_measures(*, today: date, periods: int = STALE_AFTER_PERIODS) -> list[Measure]:
    """Measures without a validated report in the last `periods` finished periods."""
    recent = list(periods_past(today=today).order_by("-start")[:periods])
    if len(recent) < periods:
        return []
    fresh = set(
        Report.objects.filter(state=Report.State.VALIDATED, period__in=recent).values_list(
            "measure_id", flat=True
        )
    )
    return list(Measure.objects.exclude(pk__in=fresh).order_by("order"))


def quick_wins_not_started(states: list[MeasureState]) -> list[MeasureState]:
    return [
        s
        for s in states
        if any(t.key == "QW" for t in s.measure.remark_tags.all())
        and (s.status is None or not s.status.is_started)
    ]


@dataclass
class Compliance:
    organisation: Organisation
    expected: int
    submitted_on_time: int
    submitted_late: int
    missing: int

    @property
    def rate(self) -> float | None:
        return round(100 * self.submitted_on_time / self.expected, 1) if self.expected else None


def reporting_compliance(*, period: ReportingPeriod) -> list[Compliance]:
    """Per coordinating body: reports expected for the period, on time (by due date + grace), late, missing."""
    from datetime import timedelta

    deadline = period.due_date + timedelta(days=period.grace_days)
    reports = {
        r.measure_id: r
        for r in Report.objects.filter(period=period)
        .exclude(state=Report.State.DRAFT)
        .only("measure_id", "submitted_at", "state")
    }
    rows = []
    organisations = (
        Organisation.objects.filter(coordinations__isnull=False).distinct().order_by("name_nl")
    )
    measure_ids_by_org: dict[int, set[int]] = defaultdict(set)
    for org_id, measure_id in Measure.objects.values_list("coordinations__organisation_id", "pk"):
        if org_id:
            measure_ids_by_org[org_id].add(measure_id)
    for org in organisations:
        expected = measure_ids_by_org.get(org.pk, set())
        on_time = late = 0
        for measure_id in expected:
            report = reports.get(measure_id)
            if report is None or report.submitted_at is None:
                continue
            if report.submitted_at.date() <= deadline:
                on_time += 1
            else:
                late += 1
        rows.append(Compliance(org, len(expected), on_time, late, len(expected) - on_time - late))
    return rows


def evolution(*, today: date) -> list[tuple[ReportingPeriod, float | None, int]]:
    """Overall progress as of each finished period, and the number of measures reported by then.

    One pass over the validated reports in period order (not one query per period).
    """
    measure_ids = list(Measure.objects.values_list("pk", flat=True))
    weights = dict(MeasurePlanning.objects.values_list("measure_id", "weight"))
    reports = list(
        Report.objects.filter(state=Report.State.VALIDATED)
        .select_related("status", "period")
        .order_by("period__start")
    )
    latest: dict[int, int] = {}
    rows = []
    index = 0
    for period in periods_past(today=today):
        while index < len(reports) and reports[index].period.start <= period.start:
            latest[reports[index].measure_id] = reports[index].effective_progress
            index += 1
        progress = weighted_progress(
            (weights.get(pk, Decimal(1)), latest.get(pk, 0)) for pk in measure_ids
        )
        rows.append((period, progress, len(latest)))
    return rows


def schedule_health(
    *, progress: int, start_year: int | None, end_year: int | None, today: date
) -> str | None:
    """Actual vs expected progress at today's date: on track ≥ 95 %, behind 85–94 %, at risk below.

    Expected progress grows linearly from 1 January of the start year to 31 December of the end
    year; before the start nothing is expected (None).
    """
    if not start_year or not end_year:
        return None
    start, end = date(start_year, 1, 1), date(end_year, 12, 31)
    if today < start:
        return None
    expected = 100.0 if today >= end else 100.0 * (today - start).days / (end - start).days
    if expected <= 0:
        return None
    ratio = progress / expected
    if ratio >= 0.95:
        return "on_track"
    if ratio >= 0.85:
        return "behind"
    return "at_risk"


def measure_timeline(*, measure: Measure) -> QuerySet:
    """The validated reports of a measure, oldest first (the public timeline)."""
    return (
        Report.objects.filter(measure=measure, state=Report.State.VALIDATED)
        .select_related("period", "status")
        .prefetch_related("evidence", "milestones")
        .order_by("period__start")
    )


def measure_comments(*, measure: Measure, internal: bool, user=None) -> QuerySet:
    """Approved comments (public ones for everybody, internal ones for internal roles)."""
    comments = Comment.objects.filter(measure=measure).select_related("author")
    visible = Q(moderation=Comment.Moderation.APPROVED)
    if not internal:
        visible &= Q(visibility=Comment.Visibility.PUBLIC)
    if user is not None and getattr(user, "is_authenticated", False):
        visible |= Q(author=user)  # authors see their own comments awaiting moderation
    return comments.filter(visible).order_by("created_at")


def current_period(*, today: date) -> ReportingPeriod | None:
    """The period reports are due for now: the latest finished, still open period."""
    return (
        ReportingPeriod.objects.filter(end__lt=today, is_closed=False).order_by("-start").first()
        or ReportingPeriod.objects.filter(start__lte=today).order_by("-start").first()
    )


def workspace_measures(*, user) -> QuerySet:
    from accounts import access

    if access.is_taskforce(user):
        return Measure.objects.all().order_by("order")
    organisation_id = access.user_organisation_id(user)
    if access.user_role(user) == "coordinator" and organisation_id:
        return (
            Measure.objects.filter(coordinations__organisation_id=organisation_id)
            .distinct()
            .order_by("order")
        )
    return Measure.objects.none()


def measure_milestones(*, validated_only: bool) -> QuerySet:
    """Milestones for the execution-plan timeline: the public sees those of validated reports only."""
    milestones = Milestone.objects.select_related("report")
    if validated_only:
        milestones = milestones.filter(report__state=Report.State.VALIDATED)
    return milestones.order_by("due_date")
