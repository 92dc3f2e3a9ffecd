"""Reads of the ecosystem map: actors, neighbourhoods, matrices, metrics over time."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet

from plan.models import Measure
from reference.models import Sector

from .models import (
    Actor,
    ActorAlias,
    ActorMetric,
    MetricRun,
    RegisterCount,
    Relation,
    ValueChainStage,
)

GRAPH_NODE_CAP = 10_000
GAP_THRESHOLD = 1  # a stage with fewer curated actors than this is a gap


def period_bounds(period: str) -> tuple[date, date]:
    """A period is a year ("2026")."""
    if not (isinstance(period, str) and len(period) == 4 and period.isdigit()):
        raise ValueError(f"a period is a year such as 2026, not {period!r}")
    year = int(period)
    return date(year, 1, 1), date(year, 12, 31)


def municipality_codes() -> list[str]:
    return [str(code) for code in range(21001, 21020)]


def actor_list(
    *,
    sector: str = "",
    stage: str = "",
    type: str = "",
    municipality: str = "",
    query: str = "",
    include_closed: bool = False,
) -> QuerySet[Actor]:
    qs = Actor.objects.all() if include_closed else Actor.objects.active()
    if sector:
        qs = qs.filter(sectors__slug=sector)
    if stage:
        qs = qs.filter(stages__key=stage)
    if type:
        qs = qs.filter(type=type)
    if municipality:
        qs = qs.filter(municipality=municipality)
    if query:
        from core.text import fold

        for word in fold(query).split():
            qs = qs.filter(Q(search_key__contains=word) | Q(kbo_number__contains=word))
    return qs.distinct().prefetch_related("sectors", "stages")


def actor_detail(*, key: str) -> Actor | None:
    """An actor by key, or by a former key (after a merge: the actor it was merged into)."""
    actor = Actor.objects.filter(key=key).first()
    if actor is None:
        alias = ActorAlias.objects.filter(kind=ActorAlias.Kind.KEY, value=key).first()
        actor = alias.actor if alias else None
    while actor is not None and actor.merged_into_id:
        actor = actor.merged_into
    return actor


def actor_relations(*, actor: Actor) -> QuerySet[Relation]:
    return (
        Relation.objects.filter(Q(source_actor=actor) | Q(target_actor=actor))
        .select_related("source_actor", "target_actor")
        .order_by("type", "key")
    )


def actor_metrics_over_time(*, actor: Actor) -> list[ActorMetric]:
    return list(
        ActorMetric.objects.filter(actor=actor).select_related("run").order_by("run__period")
    )


def metric_run_latest() -> MetricRun | None:
    return MetricRun.objects.filter(status=MetricRun.Status.DONE).order_by("-period").first()


def measure_actors(*, measure) -> QuerySet[Actor]:
    return Actor.objects.active().filter(measures=measure).order_by("name_nl")


@dataclass
class Graph:
    nodes: list[Actor] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    capped: bool = False
    total_nodes: int = 0


def _relations_among(ids: set[int]) -> list[Relation]:
    out = []
    chunk = list(ids)
    for i in range(0, len(chunk), 500):
        part = chunk[i : i + 500]
        out.extend(
            Relation.objects.filter(source_actor_id__in=part, target_actor_id__in=ids).only(
                "id",
                "key",
                "source_actor_id",
                "target_actor_id",
                "type",
                "directed",
                "strength",
                "derived",
            )
        )
    return out


def _neighbour_ids(ids: set[int]) -> set[int]:
    found = set()
    chunk = list(ids)
    for i in range(0, len(chunk), 500):
        part = chunk[i : i + 500]
        for s, t in Relation.objects.filter(
            Q(source_actor_id__in=part) | Q(target_actor_id__in=part)
        ).values_list("source_actor_id", "target_actor_id"):
            found.add(s)
            found.add(t)
    return found


def neighbourhood(*, actor: Actor, depth: int = 1, cap: int = GRAPH_NODE_CAP) -> Graph:
    """The actor and the actors within `depth` (1 or 2) relations, and the relations among
    them; never more than `cap` actors (the graph says it was capped)."""
    depth = 2 if depth >= 2 else 1
    ids = {actor.pk}
    frontier = {actor.pk}
    for _ in range(depth):
        frontier = _neighbour_ids(frontier) - ids
        ids |= frontier
    return _graph_of(ids, cap, keep=actor.pk)


def _graph_of(ids: set[int], cap: int, keep: int | None = None) -> Graph:
    total = len(ids)
    capped = total > cap
    if capped:
        ordered = sorted(ids)
        ids = set(ordered[:cap])
        if keep is not None:
            ids.add(keep)
    nodes = list(
        Actor.objects.filter(pk__in=ids).only("id", "key", "name_nl", "name_fr", "name_en", "type")
    )
    return Graph(nodes=nodes, relations=_relations_among(ids), capped=capped, total_nodes=total)


def sector_graph(*, sector: Sector, cap: int = GRAPH_NODE_CAP) -> Graph:
    ids = set(Actor.objects.active().filter(sectors=sector).values_list("pk", flat=True))
    return _graph_of(ids, cap)


def community_graph(*, run: MetricRun, community: int, cap: int = GRAPH_NODE_CAP) -> Graph:
    ids = set(
        ActorMetric.objects.filter(run=run, community=community).values_list("actor_id", flat=True)
    )
    return _graph_of(ids, cap)


# ---------------------------------------------------------------- chains, matrix and gaps


@dataclass
class StageCell:
    stage: ValueChainStage
    actors: list[Actor]
    enterprises: int | None  # None: no register counts computed
    establishments: int | None = None

    @property
    def is_gap(self) -> bool:
        return len(self.actors) < GAP_THRESHOLD


def stage_matrix(
    *, sector: Sector | None = None, municipality: str = ""
) -> dict[str, list[StageCell]]:
    """For each ecosystem sector (or one), its stages with the curated actors placed on them
    and the register's distinct enterprises and establishments (None when not computed)."""
    sectors = [sector] if sector else list(Sector.objects.ecosystems())
    stages = ValueChainStage.objects.filter(sector__in=sectors).select_related("sector")
    placed = defaultdict(list)
    for actor in (
        Actor.objects.active().filter(stages__in=stages).prefetch_related("stages").distinct()
    ):
        for st in actor.stages.all():
            placed[st.pk].append(actor)
    counts = register_counts(municipality=municipality)
    out: dict[str, list[StageCell]] = {s.slug: [] for s in sectors}
    for st in stages:
        enterprises, establishments = counts.get(st.pk, (None, None))
        out[st.sector.slug].append(
            StageCell(
                stage=st,
                actors=placed.get(st.pk, []),
                enterprises=enterprises,
                establishments=establishments,
            )
        )
    return out


def register_counts(*, municipality: str = "") -> dict[int, tuple[int, int | None]]:
    """Stage → (distinct enterprises, establishments or None) in the Region (or one
    municipality) for the latest computed snapshot."""
    latest = (
        RegisterCount.objects.order_by("-snapshot_id").values_list("snapshot_id", flat=True).first()
    )
    if latest is None:
        return {}
    return {
        stage_id: (enterprises, establishments)
        for stage_id, enterprises, establishments in RegisterCount.objects.filter(
            snapshot_id=latest, municipality=municipality, nace_prefix=""
        ).values_list("stage_id", "enterprises", "establishments")
    }


def backbone_gaps() -> list[dict]:
    """The plan's 5 sectors × 6 dimensions: measures and linked actors per cell; a cell with
    no measure or no actor is a gap."""
    measures = defaultdict(list)
    for m in Measure.objects.filter(sector__isnull=False, dimension__isnull=False).select_related(
        "sector", "dimension"
    ):
        measures[(m.sector.slug, m.dimension.number)].append(m)
    actor_counts = defaultdict(set)
    for slug, number, actor_id in (
        Actor.objects.active()
        .filter(measures__sector__isnull=False, measures__dimension__isnull=False)
        .values_list("measures__sector__slug", "measures__dimension__number", "pk")
    ):
        actor_counts[(slug, number)].add(actor_id)
    rows = []
    for sector in Sector.objects.ecosystems():
        cells = []
        for number in range(1, 7):
            ms = measures.get((sector.slug, number), [])
            actors = len(actor_counts.get((sector.slug, number), ()))
            cells.append(
                {"dimension": number, "measures": ms, "actors": actors, "gap": not ms or not actors}
            )
        rows.append({"sector": sector, "cells": cells})
    return rows
