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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet

from accounts import access
from plan.models import Measure
from reference.models import Organisation

from .models import (
    Comment,
    Evidence,
    ImplementationStatus,
    MeasurePlanning,
    Milestone,
    Report,
    ReportingPeriod,
    ReportQuerySet,
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


def _validated_reports(measures: QuerySet | Iterable[Measure] | None = None) -> ReportQuerySet:
    reports = (
        Report.objects.validated().select_related("status", "period").order_by("period__start")
    )
    if measures is not None:
        reports = reports.filter(measure__in=measures)
    return reports


def report_latest_validated(
    *,
    as_of_period: ReportingPeriod | None = None,
    measures: QuerySet | Iterable[Measure] | None = None,
) -> dict[int, Report]:
    """measure id → its latest validated report as of a period (that period's or an earlier
    one's), or of all periods when none is given. THE rule of where a measure stands; dashboards,
    the report form and the realisation indicators all read it here."""
    reports = _validated_reports(measures)
    if as_of_period is not None:
        reports = reports.as_of(as_of_period)
    latest: dict[int, Report] = {}
    for report in reports:
        latest[report.measure_id] = report
    return latest


def report_latest_validated_per_period(
    *, periods: Iterable[ReportingPeriod]
) -> Iterator[tuple[ReportingPeriod, dict[int, Report]]]:
    """`report_latest_validated(as_of_period=p)` for each period p (given in start order), read
    in one pass over the validated reports instead of one query per period."""
    reports = list(_validated_reports())
    latest: dict[int, Report] = {}
    index = 0
    for period in periods:
        while index < len(reports) and reports[index].period.start <= period.start:
            latest[reports[index].measure_id] = reports[index]
            index += 1
        yield period, dict(latest)


def report_submissions_on_time(*, periods: Iterable[ReportingPeriod]) -> dict[int, dict[int, bool]]:
    """period id → {measure id → submitted on time?} for the reports submitted for the period
    (submitted, returned or validated). On time is ReportingPeriod.is_on_time: the date in
    Brussels of the submission is at the latest the due date plus the grace period."""
    by_id = {p.pk: p for p in periods}
    out: dict[int, dict[int, bool]] = {pk: {} for pk in by_id}
    reports = (
        Report.objects.submitted_or_later()
        .filter(period__in=list(by_id), submitted_at__isnull=False)
        .values_list("period_id", "measure_id", "submitted_at")
    )
    for period_id, measure_id, submitted_at in reports:
        out[period_id][measure_id] = by_id[period_id].is_on_time(submitted_at)
    return out


def measure_states(
    *, measures: QuerySet | None = None, as_of_period: ReportingPeriod | None = None
) -> list[MeasureState]:
    measures = (
        (measures if measures is not None else Measure.objects.all())
        .select_related("sector", "dimension", "challenge", "status", "planning")
        .prefetch_related("coordinations__organisation", "remark_tags")
    )
    latest = report_latest_validated(as_of_period=as_of_period)
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
        return [(m.sector.slug, m.sector.label())] if m.sector else []
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
        milestones = milestones.of_validated_reports()
    return milestones.order_by("due_date")


def periods_past(*, today: date) -> QuerySet:
    return ReportingPeriod.objects.filter(end__lt=today).order_by("start")


def stale_measures(*, today: date, periods: int = STALE_AFTER_PERIODS) -> list[Measure]:
    """Measures without a validated report in the last `periods` finished periods — except the
    completed ones: a measure whose latest validated status is a completed one has nothing left
    to report."""
    recent = list(periods_past(today=today).order_by("-start")[:periods])
    if len(recent) < periods:
        return []
    fresh = set(
        Report.objects.validated().filter(period__in=recent).values_list("measure_id", flat=True)
    )
    completed = {
        measure_id
        for measure_id, report in report_latest_validated().items()
        if report.status.is_completed
    }
    return list(Measure.objects.exclude(pk__in=fresh | completed).order_by("order"))


def reports_overdue(*, period: ReportingPeriod | None, measures, today: date) -> set[int]:
    """Ids of the measures whose report for the period is overdue: the reporting deadline has
    passed and the report was never submitted (none, a draft, or returned and not resubmitted)."""
    if period is None or today <= period.deadline:
        return set()
    done = set(
        Report.objects.filter(period=period, measure__in=measures)
        .exclude(state__in=(Report.State.DRAFT, Report.State.RETURNED))
        .values_list("measure_id", flat=True)
    )
    return {m.pk for m in measures} - done


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
    on_time_by_measure = report_submissions_on_time(periods=[period])[period.pk]
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
            if measure_id not in on_time_by_measure:
                continue
            if on_time_by_measure[measure_id]:
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
    rows = []
    for period, latest in report_latest_validated_per_period(periods=periods_past(today=today)):
        progress = weighted_progress(
            (weights.get(pk, Decimal(1)), latest[pk].effective_progress if pk in latest else 0)
            for pk in measure_ids
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
        Report.objects.validated()
        .filter(measure=measure)
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
    """The measures the user reports on (accounts.access decides which)."""
    return access.measures_reportable_by(user, Measure.objects.order_by("order"))


def measure_milestones(*, validated_only: bool) -> QuerySet:
    """Milestones for the execution-plan timeline: the public sees those of validated reports only."""
    milestones = Milestone.objects.select_related("report")
    if validated_only:
        milestones = milestones.of_validated_reports()
    return milestones.order_by("due_date")


def periods_started(*, today: date) -> QuerySet:
    """The periods that have begun, latest first (the periods a page lets the user choose from)."""
    return ReportingPeriod.objects.filter(start__lte=today).order_by("-start")


def period_chosen(*, key: str | None, today: date) -> ReportingPeriod | None:
    """The begun period with this key, else the current period."""
    chosen = periods_started(today=today).filter(key=key).first() if key else None
    return chosen or current_period(today=today)


def period_by_key(*, key: str | None) -> ReportingPeriod | None:
    return ReportingPeriod.objects.filter(key=key).first() if key else None


def periods_all() -> QuerySet:
    return ReportingPeriod.objects.order_by("-start")


def implementation_statuses() -> list[ImplementationStatus]:
    return list(ImplementationStatus.objects.order_by("order"))


def report_of(*, measure: Measure, period: ReportingPeriod) -> Report | None:
    """The report of a measure for a period, if any (whatever its state)."""
    return Report.objects.filter(measure=measure, period=period).first()


def reports_of_period(*, period: ReportingPeriod | None, measures) -> dict[int, Report]:
    """measure id → its report for the period (any state)."""
    if period is None:
        return {}
    return {
        r.measure_id: r
        for r in Report.objects.filter(period=period, measure__in=measures).select_related("status")
    }


def reports_awaiting_review() -> QuerySet:
    """Submitted reports, oldest submission first (the task force's review queue)."""
    return (
        Report.objects.awaiting_review()
        .select_related("measure", "period", "status", "organisation")
        .order_by("submitted_at")
    )


def report_visible(*, user, pk: int) -> Report | None:
    """The report if the user may see it (accounts.access.reports_visible_to), else None."""
    return (
        access.reports_visible_to(user, Report.objects.all())
        .select_related("measure", "period", "status", "organisation")
        .filter(pk=pk)
        .first()
    )


def report_history(*, report: Report) -> list:
    """The report's history records, oldest first, with their authors."""
    return list(report.history.select_related("history_user").order_by("history_date"))


def evidence_file(*, pk: int) -> Evidence | None:
    """A file evidence with its report (None if there is no such file)."""
    return (
        Evidence.objects.select_related("report__measure", "report__period", "report__status")
        .filter(pk=pk, kind=Evidence.Kind.FILE)
        .first()
    )


def comments_pending() -> QuerySet:
    """Comments awaiting moderation, oldest first."""
    return (
        Comment.objects.filter(moderation=Comment.Moderation.PENDING)
        .select_related("measure", "author", "parent")
        .order_by("created_at")
    )


def demo_reports_exist() -> bool:
    """Demo reports or milestones (monitoring/demo.py) are in the database: figures computed
    from them are labelled demo wherever shown."""
    return Report.objects.filter(is_demo=True).exists() or (
        Milestone.objects.filter(is_demo=True).exists()
    )
