"""Page- and export-shaped monitoring data: dashboard sections and export tables, the timeline's
rows, the reminder and moderation exports, a report's history. Pure shaping of what
monitoring.selectors reads (the roll-up rule lives there and only there); views only do HTTP.

Export tables have language-neutral columns (keys, nl/fr texts), the same in CSV, XLSX and JSON.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.urls import reverse
from django.utils.translation import gettext as _

from core import charts, formats
from core.exports import Table
from core.text import fold, translated
from plan.models import Measure

from . import selectors
from .models import Comment, ImplementationStatus, MeasurePlanning, Milestone, ReportingPeriod
from .reference import DEFAULT_YEARS

ROLLUP_GROUPINGS = ("challenge", "sector", "dimension", "priority", "coordinator")
TIMELINE_GROUPINGS = ("challenge", "sector", "coordinator")
PRIORITY_ORDER = ("KT", "MT", "LT", "")
ROLLUP_RULE_MARKER = "THE ROLL-UP RULE"


def grouping_labels() -> dict[str, str]:
    return {
        "status": _("Implementation status"),
        "challenge": _("Transversal challenge"),
        "sector": _("Sector"),
        "dimension": _("Dimension"),
        "priority": _("Priority"),
        "coordinator": _("Coordinating body"),
    }


def rollup_titles() -> dict[str, tuple[str, str]]:
    """Heading and table caption of each roll-up (whole sentences, so that they translate well)."""
    return {
        "challenge": (
            _("Progress by transversal challenge"),
            _("Weighted progress by transversal challenge"),
        ),
        "sector": (_("Progress by sector"), _("Weighted progress by sector")),
        "dimension": (_("Progress by dimension"), _("Weighted progress by dimension")),
        "priority": (_("Progress by priority"), _("Weighted progress by priority")),
        "coordinator": (
            _("Progress by coordinating body"),
            _("Weighted progress by coordinating body"),
        ),
    }


def no_group_labels() -> dict[str, str]:
    """The label of the measures that belong to no group of a grouping."""
    return {
        "status": _("No validated report yet"),
        "challenge": _("Not under a transversal challenge"),
        "sector": _("Not specific to a sector"),
        "dimension": _("Without a dimension"),
        "priority": _("Priority not given"),
        "coordinator": _("No coordinating body printed"),
    }


def health_labels() -> dict[str | None, str]:
    return {
        "on_track": _("On track"),
        "behind": _("Behind schedule"),
        "at_risk": _("At risk"),
        None: _("Nothing expected yet"),
    }


def rollup_rule() -> list[str]:
    """The roll-up rule exactly as monitoring/selectors.py documents it (published verbatim):
    its heading, then one item per bullet, each re-flowed onto one line."""
    doc = selectors.__doc__ or ""
    start = doc.find(ROLLUP_RULE_MARKER)
    text = (doc[start:] if start >= 0 else doc).strip()
    return [" ".join(part.split()) for part in text.split("\n- ") if part.strip()]


def rollup_rule_words() -> list[str]:
    """The roll-up rule of monitoring/selectors.py in the reader's language (heading, bullets)."""
    return [
        _("The roll-up rule (published on the dashboard, used everywhere):"),
        _(
            "A measure's progress is that of its latest validated report: the reported percentage, or the default progress of the reported status when the report gives none."
        ),
        _(
            "A measure with no validated report counts as 0 % (not started) and keeps its weight: a plan whose bodies do not report cannot look further advanced than it is."
        ),
        _(
            "A group's progress is the weighted mean Σ wᵢ·pᵢ / Σ wᵢ over its measures, with each measure's weight from the execution plan (1 unless the task force sets another). Weights need not add up to anything. A group whose weights are all zero, or that has no measure, has no progress."
        ),
    ]


def health_rule_words() -> list[str]:
    """The schedule-health rule of monitoring.selectors.schedule_health in the reader's language."""
    return [
        _(
            "Actual against expected progress at today's date: on schedule from 95 %, behind from 85 to 94 %, at risk below."
        ),
        _(
            "Expected progress grows evenly from 1 January of the start year to 31 December of the end year; before the start nothing is expected."
        ),
    ]


def _planning(measure: Measure) -> MeasurePlanning | None:
    try:
        return measure.planning
    except MeasurePlanning.DoesNotExist:
        return None


def _coordinator_names(measure: Measure) -> list[str]:
    return [c.organisation.name_nl for c in measure.coordinations.all()]


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


# ---------------------------------------------------------------------------------------------
# Dashboard data: lazily computed, so an export computes only the table it needs.


@dataclass
class GroupRow:
    """One group of a roll-up as the page shows it."""

    key: str
    label: str
    count: int
    reported: int
    progress: float | None
    by_status: dict[str, int]
    link: str = ""


@dataclass
class Section:
    """A table of a dashboard: its anchor, heading, chart and export table."""

    key: str
    title: str
    caption: str
    column: str = ""
    rows: list = field(default_factory=list)
    chart: str = ""
    note: str = ""


class DashboardData:
    """Every figure of a dashboard, computed on first use from the selectors."""

    def __init__(
        self,
        *,
        internal: bool,
        today: date,
        period: ReportingPeriod | None = None,
        states: list[selectors.MeasureState] | None = None,
    ):
        self.internal = internal
        self.today = today
        self.period = period
        if states is not None:  # already read by the caller
            self.__dict__["states"] = states

    @cached_property
    def states(self) -> list[selectors.MeasureState]:
        return selectors.measure_states()

    @cached_property
    def statuses(self) -> list[ImplementationStatus]:
        return selectors.implementation_statuses()

    @cached_property
    def overall(self) -> float | None:
        return selectors.overall_progress(self.states)

    @cached_property
    def reported(self) -> int:
        return sum(1 for s in self.states if s.reported)

    def _sort_key(self, grouping: str):
        """Groups in the plan's order (statuses in their managed order, bodies by name)."""
        order: dict[str, object] = {}
        for state in self.states:
            m = state.measure
            if grouping == "challenge" and m.challenge:
                order[m.challenge.key] = m.challenge.order
            elif grouping == "sector" and m.sector:
                order[m.sector.slug] = m.sector.order
            elif grouping == "dimension" and m.dimension:
                order[str(m.dimension.number)] = m.dimension.number
        if grouping == "status":
            order = {s.key: s.order for s in self.statuses}
        if grouping == "priority":
            order = {(p or "none"): i for i, p in enumerate(PRIORITY_ORDER)}

        def key(group) -> tuple:
            if group.key == "none":
                return (2, 0, "")
            if grouping == "coordinator":
                return (0, 0, fold(group.label))
            return (0, order.get(group.key, 0), group.key)

        return key

    def group_label(self, grouping: str, key: str, label: str) -> str:
        if key == "none":
            return no_group_labels()[grouping]
        if grouping == "priority":
            return f"{key} – {Measure.Priority(key).label}"
        return label

    def groups(self, grouping: str) -> list[GroupRow]:
        cache = self.__dict__.setdefault("_groups", {})
        if grouping not in cache:
            groups = sorted(selectors.rollup(self.states, grouping), key=self._sort_key(grouping))
            cache[grouping] = [
                GroupRow(
                    key=g.key,
                    label=self.group_label(grouping, g.key, g.label),
                    count=g.count,
                    reported=g.reported,
                    progress=_percent(g.progress),
                    by_status=g.by_status,
                    link=_group_link(grouping, g.key),
                )
                for g in groups
            ]
        return cache[grouping]

    @cached_property
    def evolution(self) -> list[tuple[ReportingPeriod, float | None, int]]:
        return selectors.evolution(today=self.today)

    @cached_property
    def overdue(self) -> list[Milestone]:
        return list(
            selectors.overdue_milestones(
                today=self.today, validated_only=not self.internal
            ).select_related("report__period")
        )

    @cached_property
    def stale(self) -> list[selectors.MeasureState]:
        stale_ids = {m.pk for m in selectors.stale_measures(today=self.today)}
        return [s for s in self.states if s.measure.pk in stale_ids]

    @cached_property
    def quick_wins(self) -> list[selectors.MeasureState]:
        return selectors.quick_wins_not_started(self.states)

    @cached_property
    def compliance(self) -> list[selectors.Compliance]:
        if not self.internal or self.period is None:
            return []
        # Worst first: the bodies the task force has to chase lead (no report expected: last).
        return sorted(
            selectors.reporting_compliance(period=self.period),
            key=lambda c: (c.rate is None, c.rate if c.rate is not None else 0, -c.missing),
        )

    @cached_property
    def weights(self) -> list[selectors.MeasureState]:
        return self.states

    @cached_property
    def weights_not_one(self) -> int:
        return sum(1 for s in self.states if s.weight != 1)


def _group_link(grouping: str, key: str) -> str:
    """The plan's measure list filtered on the group, where the plan has such a filter."""
    if grouping == "status" or (key == "none" and grouping != "priority"):
        return ""
    return f"{reverse('plan:measures')}?{grouping}={key}"


# ---------------------------------------------------------------------------------------------
# Export tables: language-neutral columns (keys, nl/fr texts), the same in CSV, XLSX and JSON.


def _status_columns(data: DashboardData) -> list[str]:
    return [f"status_{s.key}" for s in data.statuses] + ["status_none"]


def dashboard_export_table(data: DashboardData, key: str) -> Table | None:
    """The export of one table of a dashboard (None for a table the dashboard does not have)."""
    if key == "status":
        total = len(data.states) or 1
        return Table(
            columns=("status", "label_nl", "label_fr", "measures", "share_percent"),
            rows=[
                {
                    "status": g.key,
                    "label_nl": _status_label(data, g.key, "nl"),
                    "label_fr": _status_label(data, g.key, "fr"),
                    "measures": g.count,
                    "share_percent": round(100 * g.count / total, 1),
                }
                for g in data.groups("status")
            ],
        )
    if key in ROLLUP_GROUPINGS:
        columns = [
            "group",
            "label",
            "measures",
            "reported",
            "weighted_progress",
            *_status_columns(data),
        ]
        return Table(
            columns=columns,
            rows=[
                {
                    "group": g.key,
                    "label": g.label,
                    "measures": g.count,
                    "reported": g.reported,
                    "weighted_progress": g.progress,
                    **{f"status_{k}": n for k, n in g.by_status.items()},
                }
                for g in data.groups(key)
            ],
        )
    if key == "evolution":
        return Table(
            columns=("period", "start", "end", "overall_progress", "measures_reported"),
            rows=[
                {
                    "period": p.key,
                    "start": p.start.isoformat(),
                    "end": p.end.isoformat(),
                    "overall_progress": _percent(progress),
                    "measures_reported": reported,
                }
                for p, progress, reported in data.evolution
            ],
        )
    if key == "overdue":
        columns = [
            "measure",
            "milestone_nl",
            "milestone_fr",
            "due_date",
            "days_overdue",
            "report_period",
        ]
        if data.internal:
            columns.append("report_state")
        return Table(
            columns=columns,
            rows=[
                {
                    "measure": m.measure.code,
                    "milestone_nl": m.title_nl,
                    "milestone_fr": m.title_fr,
                    "due_date": m.due_date.isoformat(),
                    "days_overdue": (data.today - m.due_date).days,
                    "report_period": m.report.period.key if m.report else None,
                    "report_state": m.report.state if m.report else None,
                }
                for m in data.overdue
            ],
        )
    if key in ("stale", "quick_wins"):
        states = data.stale if key == "stale" else data.quick_wins
        return Table(
            columns=(
                "measure",
                "title_nl",
                "title_fr",
                "coordinators",
                "status",
                "progress",
                "last_validated_period",
            ),
            rows=[
                {
                    "measure": s.measure.code,
                    "title_nl": s.measure.title_nl,
                    "title_fr": s.measure.title_fr,
                    "coordinators": _coordinator_names(s.measure),
                    "status": s.status.key if s.status else None,
                    "progress": s.progress,
                    "last_validated_period": s.report.period.key if s.report else None,
                }
                for s in states
            ],
        )
    if key == "compliance" and data.internal:
        return Table(
            columns=(
                "period",
                "organisation",
                "name_nl",
                "name_fr",
                "expected",
                "on_time",
                "late",
                "missing",
                "on_time_rate",
            ),
            rows=[
                {
                    "period": data.period.key if data.period else None,
                    "organisation": c.organisation.slug,
                    "name_nl": c.organisation.name_nl,
                    "name_fr": c.organisation.name_fr,
                    "expected": c.expected,
                    "on_time": c.submitted_on_time,
                    "late": c.submitted_late,
                    "missing": c.missing,
                    "on_time_rate": c.rate,
                }
                for c in data.compliance
            ],
        )
    if key == "weights":
        return Table(
            columns=(
                "measure",
                "title_nl",
                "title_fr",
                "weight",
                "planned_start_year",
                "planned_end_year",
            ),
            rows=[
                {
                    "measure": s.measure.code,
                    "title_nl": s.measure.title_nl,
                    "title_fr": s.measure.title_fr,
                    "weight": float(s.weight),
                    "planned_start_year": getattr(_planning(s.measure), "planned_start_year", None),
                    "planned_end_year": getattr(_planning(s.measure), "planned_end_year", None),
                }
                for s in data.weights
            ],
        )
    return None


def _status_label(data: DashboardData, key: str, lang: str) -> str:
    for status in data.statuses:
        if status.key == key:
            return translated(status, "label", lang)
    return ""


# ---------------------------------------------------------------------------------------------
# Pages


def _sections(data: DashboardData) -> list[Section]:
    """The roll-up sections (status first, then each grouping), each with its chart."""
    labels = grouping_labels()
    sections = []
    status_groups = data.groups("status")
    sections.append(
        Section(
            key="status",
            title=_("Measures by implementation status"),
            caption=_("Measures by implementation status (latest validated report)"),
            rows=status_groups,
            chart=charts.bar_chart(
                bars=[charts.Bar(g.label, g.count) for g in status_groups],
                label=_(
                    "Bar chart: number of measures by implementation status. The table beside gives the figures."
                ),
                max_value=None,
                unit="",
            ),
        )
    )
    titles = rollup_titles()
    for grouping in ROLLUP_GROUPINGS:
        groups = data.groups(grouping)
        note = ""
        if grouping == "coordinator":
            note = _("A measure with several coordinating bodies counts in each of their groups.")
        else:
            outside = sum(1 for s in data.states if not _in_a_group(s, grouping))
            if outside:
                note = _(
                    "%(count)s measures belong to no group here: they count in the overall figure only."
                ) % {"count": outside}
        title, caption = titles[grouping]
        sections.append(
            Section(
                key=grouping,
                title=title,
                caption=caption,
                column=labels[grouping],
                rows=groups,
                chart=charts.bar_chart(
                    bars=[charts.Bar(g.label, g.progress) for g in groups],
                    label=_("Bar chart: %(caption)s (%%). The table beside gives the figures.")
                    % {"caption": caption},
                ),
                note=note,
            )
        )
    return sections


def _in_a_group(state: selectors.MeasureState, grouping: str) -> bool:
    m = state.measure
    return {
        "challenge": m.challenge_id is not None,
        "sector": m.sector_id is not None,
        "dimension": m.dimension_id is not None,
        "priority": True,
    }.get(grouping, True)


def dashboard_export_name(data: DashboardData, basename: str, key: str) -> str:
    """The export's file name: the dashboard, the table and (compliance) the period."""
    suffix = f"-{data.period.key}" if key == "compliance" and data.period else ""
    return f"{basename}-{key.replace('_', '-')}{suffix}"


def dashboard_context(data: DashboardData) -> dict:
    """What the public and internal dashboard pages show."""
    evolution = data.evolution
    return {
        "data": data,
        "internal": data.internal,
        "total": len(data.states),
        "sections": _sections(data),
        "evolution_chart": charts.line_chart(
            points=[charts.Bar(p.key, progress) for p, progress, _n in evolution],
            label=_(
                "Line chart: overall weighted progress (%) at the end of each reporting period. The table beside gives the figures."
            ),
        ),
        "rule": rollup_rule(),
        "rule_words": rollup_rule_words(),
        "demo": selectors.demo_reports_exist(),
        "stale_periods": selectors.STALE_AFTER_PERIODS,
        "status_labels": {s.key: s.tr("label") for s in data.statuses},
    }


# ---------------------------------------------------------------------------------------------
# The execution-plan timeline (Gantt-like)


@dataclass
class TimelineMilestone:
    title: str
    due_date: date
    done_date: date | None
    at: float
    state: str  # done, overdue, upcoming


@dataclass
class TimelineRow:
    state: selectors.MeasureState
    start: int | None
    end: int | None
    left: float
    width: float
    health: str | None
    health_label: str
    milestones: list[TimelineMilestone]

    @property
    def measure(self) -> Measure:
        return self.state.measure


@dataclass
class TimelineGroup:
    key: str
    label: str
    rows: list[TimelineRow]
    progress: float | None


def _year_span(states, milestones) -> tuple[int, int]:
    """The years the axis shows: the first multi-year plan (2020–2025) and whatever the data adds."""
    years = [2020, 2025]
    for state in states:
        planning = _planning(state.measure)
        if planning:
            years += [y for y in (planning.planned_start_year, planning.planned_end_year) if y]
    years += [m.due_date.year for m in milestones]
    return min(years), max(years)


def timeline_data(*, grouping: str, internal: bool, today: date) -> dict:
    """Rows of the timeline grouped as asked, with their bars positioned in % of the axis."""
    states = selectors.measure_states()
    milestones = list(selectors.measure_milestones(validated_only=not internal))
    first, last = _year_span(states, milestones)
    origin, finish = date(first, 1, 1), date(last + 1, 1, 1)
    span = (finish - origin).days

    def at(day: date) -> float:
        return round(100 * min(max((day - origin).days, 0), span) / span, 2)

    health_text = health_labels()
    by_measure: dict[int, list[TimelineMilestone]] = {}
    for m in milestones:
        state = "done" if m.done_date else ("overdue" if m.due_date < today else "upcoming")
        title = m.tr("title") or m.title_fr or m.title_nl
        by_measure.setdefault(m.measure_id, []).append(
            TimelineMilestone(title, m.due_date, m.done_date, at(m.due_date), state)
        )

    rows: dict[int, TimelineRow] = {}
    for state in states:
        planning = _planning(state.measure)
        start = planning.planned_start_year if planning else None
        end = planning.planned_end_year if planning else None
        left = width = 0.0
        if start and end:
            left = at(date(start, 1, 1))
            width = round(at(date(end + 1, 1, 1)) - left, 2)
        health = selectors.schedule_health(
            progress=state.progress, start_year=start, end_year=end, today=today
        )
        rows[state.measure.pk] = TimelineRow(
            state=state,
            start=start,
            end=end,
            left=left,
            width=width,
            health=health,
            health_label=health_text[health] if start and end else _("No planned years"),
            milestones=by_measure.get(state.measure.pk, []),
        )

    members: dict[str, list[selectors.MeasureState]] = {}
    labels: dict[str, str] = {}
    for state in states:
        keys = selectors.group_keys(state, grouping) or [("none", "")]
        for key, label in keys:
            members.setdefault(key, []).append(state)
            labels[key] = label
    helper = DashboardData(internal=internal, today=today, states=states)
    order = helper._sort_key(grouping)
    groups = []
    for key in members:
        groups.append(
            TimelineGroup(
                key=key,
                label=helper.group_label(grouping, key, labels[key]),
                rows=[rows[s.measure.pk] for s in members[key]],
                progress=_percent(
                    selectors.weighted_progress((s.weight, s.progress) for s in members[key])
                ),
            )
        )
    groups.sort(key=order)
    years = list(range(first, last + 1))
    return {
        "groups": groups,
        "years": years,
        "year_width": round(100 / len(years), 4),
        "today_at": at(today) if origin <= today < finish else None,
        "rows": list(rows.values()),
    }


def timeline_export_table(groups: list[TimelineGroup]) -> Table:
    return Table(
        columns=(
            "group",
            "group_label",
            "measure",
            "title_nl",
            "title_fr",
            "planned_start_year",
            "planned_end_year",
            "weight",
            "status",
            "progress",
            "schedule",
            "milestones",
        ),
        rows=[
            {
                "group": g.key,
                "group_label": g.label,
                "measure": r.measure.code,
                "title_nl": r.measure.title_nl,
                "title_fr": r.measure.title_fr,
                "planned_start_year": r.start,
                "planned_end_year": r.end,
                "weight": float(r.state.weight),
                "status": r.state.status.key if r.state.status else None,
                "progress": r.state.progress,
                "schedule": r.health,
                "milestones": [
                    f"{m.due_date.isoformat()} {m.title} ({m.state})" for m in r.milestones
                ],
            }
            for g in groups
            for r in g.rows
        ],
    )


def timeline_context(*, grouping: str, display: str, internal: bool, today: date) -> dict:
    """What the timeline page shows (timeline_data plus the labels and rules around it)."""
    labels = grouping_labels()
    return {
        **timeline_data(grouping=grouping, internal=internal, today=today),
        "grouping": grouping,
        "grouping_label": labels[grouping],
        "groupings": [(g, labels[g]) for g in TIMELINE_GROUPINGS],
        "display": display,
        "internal": internal,
        "default_years": [
            (
                f"{key} – {Measure.Priority(key).label}" if key else Measure.Priority(key).label,
                start,
                end,
            )
            for key, (start, end) in DEFAULT_YEARS.items()
        ],
        "health_rule_words": health_rule_words(),
        "health_rule": [
            " ".join(p.split()) for p in (selectors.schedule_health.__doc__ or "").split("\n\n")
        ],
        "today": today,
    }


def internal_dashboard_context(data: DashboardData, *, periods) -> dict:
    """The internal dashboard: the public one plus the period choice and the compliance chart."""
    context = dashboard_context(data)
    context.update(
        {
            "periods": periods,
            "period": data.period,
            "compliance_chart": charts.bar_chart(
                bars=[charts.Bar(c.organisation.tr("name"), c.rate) for c in data.compliance],
                label=_(
                    "Bar chart: share of expected reports submitted on time, by coordinating body. The table beside gives the figures."
                ),
            ),
        }
    )
    return context


# ---------------------------------------------------------------------------------------------
# Reminders, moderation and the report page


def reminders_export_table(reminder_messages) -> Table:
    """One row per reminder item of the previewed messages."""
    return Table(
        columns=("to", "username", "language", "subject", "kind", "measure", "period", "deadline"),
        rows=[
            {
                "to": m.to,
                "username": m.user.username,
                "language": m.language,
                "subject": m.subject,
                "kind": item.kind,
                "measure": item.measure.code,
                "period": item.period.key,
                "deadline": item.deadline.isoformat(),
            }
            for m in reminder_messages
            for item in m.items
        ],
    )


def comments_export_table(comments: list[Comment]) -> Table:
    return Table(
        columns=("id", "measure", "author", "visibility", "reply_to", "created_at", "body"),
        rows=[
            {
                "id": c.pk,
                "measure": c.measure.code,
                "author": c.author.username,
                "visibility": c.visibility,
                "reply_to": c.parent_id,
                "created_at": c.created_at.isoformat(),
                "body": c.body,
            }
            for c in comments
        ],
    )


HIDDEN_HISTORY_FIELDS = ("version", "updated_at", "created_at")


def history_action_labels() -> dict[str, str]:
    """The services' change reasons (monitoring/services.py) as words in the active language."""
    return {
        "save": _("saved"),
        "submit": _("submitted"),
        "return": _("returned for correction"),
        "validate": _("validated"),
        "milestone add": _("milestone added"),
        "evidence add": _("evidence added"),
        "close": _("period closed"),
        "reopen": _("period reopened"),
        "close (past deadline)": _("period closed (past the deadline)"),
        "comment add": _("comment added"),
        "approve": _("comment approved"),
        "reject": _("comment rejected"),
        "demo data": _("demo data created"),
        "+": _("created"),
        "~": _("changed"),
        "-": _("deleted"),
    }


def person_name(user) -> str:
    """A person as people call them: full name, else user name; '' for none."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _history_value(model, field_name: str, value) -> str:
    """A history value in words: choices by their label, people by name, dates and amounts in
    the reader's format, related objects by their name, yes/no for booleans."""
    if value is None or value == "":
        return ""
    try:
        model_field = model._meta.get_field(field_name)
    except Exception:  # noqa: BLE001 — a field since removed: show the stored value
        return str(value)
    if getattr(model_field, "choices", None):
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation and model_field.related_model is not None:
        related = model_field.related_model._default_manager.filter(pk=value).first()
        if related is None:
            return str(value)
        if hasattr(related, "get_username"):
            return person_name(related)
        if hasattr(related, "tr"):
            for name in ("label", "name", "title"):
                if hasattr(related, f"{name}_nl"):
                    return related.tr(name)
        return str(related)
    internal = model_field.get_internal_type()
    if internal == "BooleanField":
        return str(_("yes") if value else _("no"))
    if internal == "DateTimeField":
        return formats.moment(value)
    if internal == "DateField":
        return formats.day(value)
    if internal == "DecimalField" and "budget" in field_name:
        return formats.amount(value)
    if internal in ("IntegerField", "PositiveSmallIntegerField", "PositiveIntegerField"):
        return formats.percent(value, 0) if field_name == "progress" else formats.number(value)
    return str(value)


def report_history_rows(records: list) -> list[dict]:
    """Each history record of a report, in words (oldest first): when, who, what was done, and
    the fields it changed by their labels, values as the reader reads them."""
    actions = history_action_labels()
    history = []
    for previous, record in zip([None, *records[:-1]], records, strict=True):
        model = record.instance_type
        changes = []
        if previous is not None:
            for c in record.diff_against(previous).changes:
                if c.field in HIDDEN_HISTORY_FIELDS:
                    continue
                try:
                    label = str(model._meta.get_field(c.field).verbose_name)
                except Exception:  # noqa: BLE001
                    label = c.field
                changes.append(
                    (
                        label[:1].upper() + label[1:],
                        _history_value(model, c.field, c.old),
                        _history_value(model, c.field, c.new),
                    )
                )
        reason = record.history_change_reason or record.history_type
        # Services run outside a request (no history_user): the report itself says who acted.
        actor = record.history_user or (
            getattr(record, "validated_by", None)
            if reason == "validate"
            else getattr(record, "submitted_by", None)
            if reason == "submit"
            else getattr(record, "created_by", None)
            if reason == "save"
            else None
        )
        history.append(
            {
                "record": record,
                "when": formats.moment(record.history_date),
                "who": person_name(actor) or _("the system"),
                "action": actions.get(reason, reason),
                "changes": changes,
            }
        )
    return history


# ---------------------------------------------------------------- the plan's pages (core.registry)


@dataclass(frozen=True)
class CurrentStatus:
    """Where a measure stands now: its latest validated report's status, progress and period."""

    label: str
    key: str
    progress: int
    period_label: str
    is_started: bool
    is_completed: bool


def measure_status_current(measure_ids: Iterable[int]) -> dict[int, CurrentStatus]:
    """measure id → its current validated status (measures without a validated report are left
    out). Registered as the "measure.status" provider (core.registry) for the plan's pages."""
    ids = list(measure_ids)
    out = {}
    for measure_id, report in selectors.report_latest_validated(
        measures=Measure.objects.filter(pk__in=ids)
    ).items():
        out[measure_id] = CurrentStatus(
            label=translated(report.status, "label"),
            key=report.status.key,
            progress=report.effective_progress,
            period_label=translated(report.period, "label"),
            is_started=report.status.is_started,
            is_completed=report.status.is_completed,
        )
    return out


def home_status_data() -> dict:
    """The home page's "where the plan stands": overall weighted progress and how many measures
    are completed, under way, not started or without a validated report (validated data only)."""
    states = selectors.measure_states()
    completed = sum(1 for s in states if s.status and s.status.is_completed)
    started = sum(
        1 for s in states if s.status and s.status.is_started and not s.status.is_completed
    )
    not_started = sum(1 for s in states if s.status and not s.status.is_started)
    unreported = sum(1 for s in states if s.status is None)
    periods = [s.report.period for s in states if s.report]
    latest = max(periods, key=lambda p: p.start) if periods else None
    return {
        "overall": selectors.overall_progress(states),
        "total": len(states),
        "rows": [
            ("completed", _("completed"), completed),
            ("started", _("under way"), started),
            ("not-started", _("not started"), not_started),
            ("unreported", _("no validated report yet"), unreported),
        ],
        "latest_period": translated(latest, "label") if latest else "",
    }
