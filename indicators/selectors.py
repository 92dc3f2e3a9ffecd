"""Reads of the boordtabel: series, latest values, statuses, groups, exports, chart specs."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from urllib.parse import urlencode

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from core.exports import Table
from core.text import fold
from plan.models import PlanNode
from reference.models import Sector

from . import realisation
from .models import (
    Disaggregation,
    DisaggregationValue,
    Indicator,
    Observation,
    SourceDocument,
    Target,
)
from .observations import FIXED_COLUMNS, disaggregation_key
from .progress import (
    Point,
    ProgressResult,
    ProgressStatus,
    TargetPoint,
    Thresholds,
    choose_target,
    period_time,
    progress_status,
    trend,
)

STATUS_LABELS = {
    ProgressStatus.TARGET_ACHIEVED: _("Target achieved"),
    ProgressStatus.ON_TRACK: _("On track"),
    ProgressStatus.NEEDS_ACCELERATION: _("Needs acceleration"),
    ProgressStatus.LIMITED_PROGRESS: _("Limited progress"),
    ProgressStatus.DETERIORATION: _("Deterioration"),
    ProgressStatus.NOT_ENOUGH_DATA: _("Not enough data"),
    ProgressStatus.NOT_ASSESSED: _("Not assessed (context figure)"),
}
TREND_LABELS = {"up": _("rising"), "down": _("falling"), "flat": _("stable"), "": _("no trend yet")}
INDICATOR_FILTERS = ("kind", "challenge", "sector", "status", "q")
EXPORT_COLUMNS = (
    "code",
    "name_nl",
    "name_fr",
    "name_en",
    "kind",
    "unit",
    "direction",
    "latest_period",
    "latest_value",
    "series",
    "status",
    "target_period",
    "target_value",
    "baseline_period",
    "baseline_value",
    "challenges",
    "sectors",
    "source_organisation",
    # true when the latest figures are demo or synthetic data (never mixed up with real figures)
    "demo",
)
TABLE1_COLUMNS = (
    "T1-JOBS",
    "T1-EMP-SHARE",
    "T1-VA-SHARE",
    "T1-JOB-DYNAMICS",
    "T1-RESIDENTS",
    "T1-HIGHER-ED",
    "T1-SMALL-FIRMS",
)
TABLE1_ROWS = ("manufacturing", "construction", "circular", "creative", "digital", "")


def number(value) -> float | int | None:
    """A Decimal as a plain JSON number (int when whole)."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


# ---------------------------------------------------------------- observations and series


def indicator_queryset() -> QuerySet:
    return Indicator.objects.select_related("owner").prefetch_related(
        "disaggregations",
        "plan_nodes",
        "sectors",
        "measures",
        Prefetch("targets", queryset=Target.objects.order_by("order")),
        Prefetch("observations", queryset=Observation.objects.order_by("period_time", "vintage")),
    )


class LiveRows:
    """realisation_series() computed at most once per page, export or API response."""

    def __init__(self):
        self._rows: list[dict] | None = None

    def get(self) -> list[dict]:
        if self._rows is None:
            self._rows = realisation.live_series()
        return self._rows


def _live_observations(indicator: Indicator, live: LiveRows | None = None) -> list[Observation]:
    source = live.get() if live is not None else realisation.live_series()
    rows = [r for r in source if r.get("indicator") == indicator.code]
    out = []
    for row in rows:
        values = {k: str(v) for k, v in (row.get("disaggregation") or {}).items() if v}
        out.append(
            Observation(
                indicator=indicator,
                period=str(row["period"]),
                period_time=period_time(str(row["period"])),
                value=Decimal(str(row["value"])),
                disaggregation=values,
                disaggregation_key=disaggregation_key(values),
                status=Observation.Status.PROVISIONAL,
                source_note=row.get("source") or "",
                vintage="live",
            )
        )
    return out


def indicator_observations(indicator: Indicator, live: LiveRows | None = None) -> list[Observation]:
    """Every stored observation (every vintage) plus the live ones, in time order."""
    stored = list(indicator.observations.all())
    if indicator.frequency == Indicator.Frequency.LIVE:
        stored += _live_observations(indicator, live)
    return sorted(stored, key=lambda o: (o.disaggregation_key, o.period_time, o.vintage))


def current_observations(observations: list[Observation]) -> list[Observation]:
    """The latest vintage of each indicator × period × disaggregation."""
    latest: dict[tuple, Observation] = {}
    for obs in observations:
        key = (obs.period, obs.disaggregation_key)
        if key not in latest or obs.vintage > latest[key].vintage:
            latest[key] = obs
    return sorted(latest.values(), key=lambda o: (o.disaggregation_key, o.period_time))


def superseded_observations(observations: list[Observation]) -> list[Observation]:
    current = {id(o) for o in current_observations(observations)}
    return [o for o in observations if id(o) not in current]


def series_of(observations: list[Observation], selection: dict[str, str]) -> list[Observation]:
    key = disaggregation_key(selection)
    return [o for o in current_observations(observations) if o.disaggregation_key == key]


@dataclass
class Summary:
    """What a tile and the status panel show for one series of an indicator."""

    indicator: Indicator
    selection: dict[str, str]
    series: list[Observation]
    latest: Observation | None
    trend: str
    result: ProgressResult
    target: Target | None
    observations: list[Observation] = field(default_factory=list)

    @property
    def status(self) -> str:
        return str(self.result.status)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.result.status])

    @property
    def trend_label(self) -> str:
        return str(TREND_LABELS[self.trend])

    @property
    def selection_label(self) -> str:
        return selection_label(self.selection)

    @cached_property
    def demo(self) -> bool:
        """The series holds demo or synthetic figures (labelled as such wherever shown)."""
        return any(observation_is_demo(o) for o in self.series)

    @property
    def query(self) -> str:
        """The query string that selects this series on the indicator page ('' = the headline)."""
        headline = self.indicator.headline or {}
        if self.selection == headline:
            return ""
        params = {code: self.selection.get(code, "") for code in {*headline, *self.selection}}
        return "?" + urlencode(sorted(params.items()))


def selection_label(selection: dict[str, str]) -> str:
    if not selection:
        return str(_("Total"))
    labels = []
    for code, value in sorted(selection.items()):
        item = (
            DisaggregationValue.objects.filter(disaggregation__code=code, code=value)
            .select_related("sector")
            .first()
        )
        labels.append(item.display_label() if item else value)
    return ", ".join(labels)


def _targets_for_status(indicator: Indicator) -> list[tuple[Target, TargetPoint]]:
    out = []
    for target in indicator.targets.all():
        if not target.counts_for_status:
            continue
        time = period_time(target.period) if target.period else None
        out.append((target, TargetPoint(time, float(target.value))))
    return out


def indicator_summary(
    indicator: Indicator, selection: dict[str, str] | None = None, observations=None
) -> Summary:
    """Latest value, trend and progress status of one series (the headline by default)."""
    selection = dict(indicator.headline or {}) if selection is None else selection
    observations = indicator_observations(indicator) if observations is None else observations
    series = series_of(observations, selection)
    points = [Point(o.period_time, float(o.value)) for o in series]
    base = None
    if (
        indicator.baseline_period
        and indicator.baseline_value is not None
        and selection == (indicator.headline or {})
    ):
        base = Point(period_time(indicator.baseline_period), float(indicator.baseline_value))
    targets = _targets_for_status(indicator) if selection == (indicator.headline or {}) else []
    try:
        thresholds = Thresholds.with_overrides(indicator.progress_thresholds)
    except ValueError:
        thresholds = Thresholds()
    result = progress_status(
        points=points,
        direction=indicator.direction,
        targets=[t for _t, t in targets],
        base=base,
        thresholds=thresholds,
    )
    chosen = None
    if result.target is not None:
        chosen = next((t for t, p in targets if p == result.target), None)
    elif targets:
        # No status computed yet: show the next milestone from the latest figure (or today).
        now = points[-1].time if points else float(date.today().year)
        shown = choose_target([p for _t, p in targets], base_time=-math.inf, current_time=now)
        chosen = next((t for t, p in targets if p == shown), None)
    return Summary(
        indicator=indicator,
        selection=selection,
        series=series,
        latest=series[-1] if series else None,
        trend=trend(points),
        result=result,
        target=chosen,
        observations=observations,
    )


# ---------------------------------------------------------------- the overview


def _under(node_key: str, challenge_key: str) -> bool:
    return node_key == challenge_key or node_key.startswith(challenge_key + ".")


def indicator_list(*, filters: dict[str, str] | None = None) -> list[Summary]:
    """Headline summaries of the indicators matching every filter, in registry order."""
    filters = {k: v for k, v in (filters or {}).items() if v}
    summaries = []
    live = LiveRows()
    for indicator in indicator_queryset():
        if filters.get("kind") and indicator.kind != filters["kind"]:
            continue
        keys = [n.key for n in indicator.plan_nodes.all()]
        if filters.get("challenge") and not any(_under(k, filters["challenge"]) for k in keys):
            continue
        if filters.get("sector") and filters["sector"] not in {
            s.slug for s in indicator.sectors.all()
        }:
            continue
        if filters.get("q"):
            haystack = fold(
                " ".join(
                    [indicator.code, indicator.name_nl, indicator.name_fr, indicator.name_en]
                    + [indicator.definition_nl, indicator.definition_fr, indicator.definition_en]
                )
            )
            if not all(word in haystack for word in fold(filters["q"]).split()):
                continue
        summary = indicator_summary(indicator, observations=indicator_observations(indicator, live))
        if filters.get("status") and summary.status != filters["status"]:
            continue
        summaries.append(summary)
    return summaries


@dataclass
class Group:
    key: str
    title: str
    summaries: list[Summary]


def indicator_groups(summaries: list[Summary], *, group_by: str = "challenge") -> list[Group]:
    """Tiles grouped by transversal challenge, or by plan sector (with that sector's series)."""
    groups: list[Group] = []
    placed: set[int] = set()
    if group_by == "sector":
        for sector in Sector.objects.all():
            items = []
            for summary in summaries:
                indicator = summary.indicator
                if sector not in indicator.sectors.all():
                    continue
                selection = _sector_selection(indicator, sector)
                items.append(
                    indicator_summary(indicator, selection, summary.observations)
                    if selection is not None
                    else summary
                )
                placed.add(indicator.pk)
            if items:
                groups.append(Group(sector.slug, sector.label(), items))
        rest = [s for s in summaries if s.indicator.pk not in placed]
        if rest:
            groups.append(Group("other", str(_("Whole economy and other figures")), rest))
        return groups
    for challenge in PlanNode.objects.filter(kind=PlanNode.Kind.CHALLENGE).order_by("order"):
        items = [
            s
            for s in summaries
            if any(_under(n.key, challenge.key) for n in s.indicator.plan_nodes.all())
        ]
        placed.update(s.indicator.pk for s in items)
        if items:
            groups.append(Group(challenge.key, f"{challenge.key} {challenge.tr('title')}", items))
    rest = [s for s in summaries if s.indicator.pk not in placed]
    if rest:
        groups.append(Group("other", str(_("Other parts of the plan and monitoring")), rest))
    return groups


def _sector_selection(indicator: Indicator, sector: Sector) -> dict[str, str] | None:
    """The disaggregation values of the indicator that stand for a plan sector, if any."""
    codes = {d.code for d in indicator.disaggregations.all()}
    value = (
        DisaggregationValue.objects.filter(sector=sector, disaggregation__code__in=codes)
        .select_related("disaggregation")
        .first()
    )
    return {value.disaggregation.code: value.code} if value else None


def indicator_filter_options() -> dict[str, list[tuple[str, str]]]:
    return {
        "kind": [(c.value, str(c.label)) for c in Indicator.Kind],
        "challenge": [
            (n.key, f"{n.key} {n.tr('title')}")
            for n in PlanNode.objects.filter(kind=PlanNode.Kind.CHALLENGE).order_by("order")
        ],
        "sector": [(s.slug, s.label()) for s in Sector.objects.all()],
        "status": [(str(k), str(v)) for k, v in STATUS_LABELS.items()],
    }


def indicator_export_table(summaries: list[Summary]) -> Table:
    rows = []
    for s in summaries:
        i = s.indicator
        rows.append(
            {
                "code": i.code,
                "name_nl": i.name_nl,
                "name_fr": i.name_fr,
                "name_en": i.name_en,
                "kind": i.kind,
                "unit": i.unit,
                "direction": i.direction,
                "latest_period": s.latest.period if s.latest else "",
                "latest_value": number(s.latest.value) if s.latest else None,
                "series": disaggregation_key(s.selection),
                "status": s.status,
                "target_period": s.target.period if s.target else "",
                "target_value": number(s.target.value) if s.target else None,
                "baseline_period": i.baseline_period,
                "baseline_value": number(i.baseline_value),
                "challenges": [n.key for n in i.plan_nodes.all()],
                "sectors": [x.slug for x in i.sectors.all()],
                "source_organisation": i.source_organisation,
                "demo": s.demo,
            }
        )
    return Table(columns=EXPORT_COLUMNS, rows=rows)


def table1() -> dict:
    """Table 1 of the plan rebuilt from the observations: rows × columns, None where not printed."""
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=TABLE1_COLUMNS)}
    if not indicators:
        return {}
    cells: dict[tuple[str, str], Observation] = {}
    observations = Observation.objects.filter(indicator__code__in=TABLE1_COLUMNS).select_related(
        "indicator"
    )
    for obs in current_observations(list(observations)):
        cells[(obs.indicator.code, obs.disaggregation.get("sector", ""))] = obs
    values = {v.code: v for v in DisaggregationValue.objects.filter(disaggregation__code="sector")}
    rows = []
    for row in TABLE1_ROWS:
        label = values[row].tr("label") if row in values else str(_("Brussels economy as a whole"))
        rows.append(
            {
                "key": row,
                "label": label,
                "cells": [
                    {"code": code, "obs": cells.get((code, row))}
                    for code in TABLE1_COLUMNS
                    if code in indicators
                ],
            }
        )
    return {
        "columns": [indicators[c] for c in TABLE1_COLUMNS if c in indicators],
        "rows": rows,
        "note": values["creative"].tr("note") if "creative" in values else "",
    }


# ---------------------------------------------------------------- one indicator


def indicator_detail(*, code: str) -> Indicator | None:
    return indicator_queryset().filter(code=code).first()


def disaggregation_choices(
    indicator: Indicator, observations: list[Observation]
) -> list[tuple[Disaggregation, list[DisaggregationValue]]]:
    """For each disaggregation of the indicator, the values that have data."""
    out = []
    for dis in indicator.disaggregations.all():
        present = {o.disaggregation.get(dis.code) for o in observations}
        values = [v for v in dis.values.select_related("sector") if v.code in present]
        if values:
            out.append((dis, values))
    return out


def selection_from(indicator: Indicator, params) -> dict[str, str]:
    """The series asked for in the query string; the headline when no disaggregation is given."""
    codes = [d.code for d in indicator.disaggregations.all()]
    if not any(code in params for code in codes):
        return dict(indicator.headline or {})
    return {code: params.get(code) for code in codes if params.get(code)}


def observation_table(indicator: Indicator, observations: list[Observation]) -> Table:
    """Every observation of the indicator in the tidy layout the import reads (same columns)."""
    codes = [d.code for d in indicator.disaggregations.all()]
    columns = ["indicator", "period", *codes] + [
        c for c in FIXED_COLUMNS if c not in ("indicator", "period")
    ]
    rows = []
    for obs in observations:
        rows.append(
            {
                "indicator": indicator.code,
                "period": obs.period,
                **{code: obs.disaggregation.get(code, "") for code in codes},
                "value": number(obs.value),
                "unit": indicator.unit,
                "status": obs.status,
                "vintage": obs.vintage,
                "source_note": obs.source_note,
                "printed": obs.printed,
            }
        )
    return Table(columns=columns, rows=rows)


def _observation_json(obs: Observation) -> dict:
    return {
        "period": obs.period,
        "value": number(obs.value),
        **{k: v for k, v in sorted(obs.disaggregation.items())},
        "disaggregation": dict(sorted(obs.disaggregation.items())),
        "status": obs.status,
        "vintage": obs.vintage,
        "demo": observation_is_demo(obs),
        "printed": obs.printed,
        "source": obs.source_note,
    }


def indicator_json(indicator: Indicator, live: LiveRows | None = None) -> dict:
    """One indicator in the export/JSON shape: names, unit, kind, direction, baseline, targets,
    status and observations (current values; superseded vintages under 'revisions')."""
    observations = indicator_observations(indicator, live)
    summary = indicator_summary(indicator, observations=observations)
    return {
        "code": indicator.code,
        "name_nl": indicator.name_nl,
        "name_fr": indicator.name_fr,
        "name_en": indicator.name_en,
        "unit": indicator.unit,
        "kind": indicator.kind,
        "direction": indicator.direction,
        "baseline": (
            {"period": indicator.baseline_period, "value": number(indicator.baseline_value)}
            if indicator.baseline_period
            else None
        ),
        "targets": [
            {
                "period": t.period or None,
                "value": number(t.value),
                "label_nl": t.label_nl,
                "label_fr": t.label_fr,
                "label_en": t.label_en,
                "counts_for_status": t.counts_for_status,
                "source": t.source,
            }
            for t in indicator.targets.all()
        ],
        "status": summary.status,
        "headline": dict(indicator.headline or {}),
        "disaggregations": [d.code for d in indicator.disaggregations.all()],
        "source_organisation": indicator.source_organisation,
        "source_dataset": indicator.source_dataset,
        "sources": indicator.sources,
        "observations": [_observation_json(o) for o in current_observations(observations)],
        "revisions": [_observation_json(o) for o in superseded_observations(observations)],
    }


def indicators_json(indicators=None) -> list[dict]:
    live = LiveRows()
    return [indicator_json(i, live) for i in (indicators or indicator_queryset())]


def indicators_flat_table(indicators=None) -> Table:
    """Every observation of every indicator, one row each (the CSV export)."""
    codes = list(Disaggregation.objects.values_list("code", flat=True))
    columns = [
        "indicator",
        "name_nl",
        "name_fr",
        "name_en",
        "unit",
        "kind",
        "direction",
        "status",
        "period",
        *codes,
        "value",
        "observation_status",
        "vintage",
        "source",
    ]
    rows = []
    live = LiveRows()
    for indicator in indicators or indicator_queryset():
        observations = indicator_observations(indicator, live)
        summary = indicator_summary(indicator, observations=observations)
        base = {
            "indicator": indicator.code,
            "name_nl": indicator.name_nl,
            "name_fr": indicator.name_fr,
            "name_en": indicator.name_en,
            "unit": indicator.unit,
            "kind": indicator.kind,
            "direction": indicator.direction,
            "status": summary.status,
        }
        if not observations:
            rows.append(base)
        for obs in observations:
            rows.append(
                {
                    **base,
                    "period": obs.period,
                    **{c: obs.disaggregation.get(c, "") for c in codes},
                    "value": number(obs.value),
                    "observation_status": obs.status,
                    "vintage": obs.vintage,
                    "source": obs.source_note,
                }
            )
    return Table(columns=columns, rows=rows)


def indicator_sources(indicator: Indicator) -> list[dict]:
    """The indicator's source references with their document's title in the active language."""
    documents = {d.key: d for d in SourceDocument.objects.all()}
    out = []
    for ref in indicator.sources or []:
        doc = documents.get(ref.get("document"))
        out.append({**ref, "title": doc.tr("title") if doc else ref.get("document"), "doc": doc})
    return out


# ---------------------------------------------------------------- demo and synthetic data


def monitoring_demo_present() -> bool:
    """Demo progress reports exist (monitoring/demo.py): every live realisation figure uses them."""
    from monitoring.models import Milestone, Report

    return Report.objects.filter(is_demo=True).exists() or (
        Milestone.objects.filter(is_demo=True).exists()
    )


def synthetic_register_present() -> bool:
    """A generated (synthetic) KBO snapshot is loaded (economy: `synthetic`)."""
    from economy.models import KboSnapshot

    return KboSnapshot.objects.filter(synthetic=True).exists()


def demo_data_present() -> bool:
    """Any demo or synthetic data in the database: the site then says so on every page
    (core.context_processors.demo_notice reads this through settings.BRUPROD_DEMO_CHECK)."""
    return monitoring_demo_present() or synthetic_register_present()


def observation_is_demo(obs: Observation, *, monitoring_demo: bool | None = None) -> bool:
    """A figure computed from demo reports (live realisation figures while demo reports exist)
    or read from a synthetic KBO snapshot."""
    if "(synthetic)" in (obs.source_note or "") or "(synthetic)" in (obs.vintage or ""):
        return True
    if obs.vintage == "live":
        return monitoring_demo_present() if monitoring_demo is None else monitoring_demo
    return False
