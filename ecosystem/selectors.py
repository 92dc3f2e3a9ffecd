"""Reads of the ecosystem map: actors, neighbourhoods, matrices, metrics over time."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet

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

# A network view draws at most this many actors and relations (a graph of thousands of actors
# is neither readable nor fast: a view stays under 200 ms with 1,000,000 relations stored);
# a capped view says so and keeps the closest and best-connected actors.
GRAPH_NODE_CAP = 500
GRAPH_RELATION_CAP = 2_000
CELL_ACTORS = 10  # actors named per matrix cell (the count says how many there are)
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


def actor_relations_page(*, actor: Actor, limit: int) -> tuple[list[Relation], int]:
    """The actor's first `limit` relations (by type and key) and how many it has: the narrow
    rows are sorted first, then only the page is read with both ends (a hub has thousands)."""
    mine = Relation.objects.filter(Q(source_actor=actor) | Q(target_actor=actor))
    total = mine.count()
    ids = list(mine.order_by("type", "key").values_list("pk", flat=True)[:limit])
    page = Relation.objects.filter(pk__in=ids).select_related("source_actor", "target_actor")
    return sorted(page, key=lambda r: (r.type, r.key)), total


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
    relations: list[Edge] = field(default_factory=list)
    capped: bool = False
    total_nodes: int = 0
    total_is_lower_bound: bool = False  # a capped neighbourhood was not explored to its end
    relations_capped: bool = False


@dataclass(frozen=True)
class Edge:
    """A relation as a network view draws it (plain values: thousands are read per view)."""

    pk: int
    source_actor_id: int
    target_actor_id: int
    type: str
    directed: bool
    strength: float
    derived: bool


def _relations_among(ids: set[int], cap: int = GRAPH_RELATION_CAP) -> tuple[list[Edge], bool]:
    """The relations between actors of `ids` (at most `cap`, strongest first), and whether
    some were left out; the database sorts and limits (a hub's neighbours have thousands)."""
    out: list[tuple] = []
    capped = False
    chunk = sorted(ids)
    for i in range(0, len(chunk), 500):
        part = chunk[i : i + 500]
        rows = list(
            Relation.objects.filter(source_actor_id__in=part, target_actor_id__in=ids)
            .order_by("-strength", "id")
            .values_list(
                "id",
                "source_actor_id",
                "target_actor_id",
                "type",
                "directed",
                "strength",
                "derived",
            )[: cap + 1]
        )
        capped = capped or len(rows) > cap
        out.extend(rows)
    if len(out) > cap:
        capped = True
        out.sort(key=lambda r: (-r[5], r[0]))
        del out[cap:]
    return [Edge(*r) for r in out], capped


def _neighbours(ids: list[int], limit: int) -> tuple[dict[int, float], bool]:
    """Neighbour → strongest relation with any of `ids`, at most `limit` per direction, the
    strongest first (the database sorts: a hub has tens of thousands); and whether some were
    left out. Two indexed scans, not an OR."""
    found: dict[int, float] = {}
    more = False
    for i in range(0, len(ids), 500):
        part = ids[i : i + 500]
        for end, other in (
            ("source_actor_id", "target_actor_id"),
            ("target_actor_id", "source_actor_id"),
        ):
            rows = list(
                Relation.objects.filter(**{f"{end}__in": part})
                .order_by("-strength", other)
                .values_list(other, "strength")[: limit + 1]
            )
            more = more or len(rows) > limit
            for n, w in rows[:limit]:
                if found.get(n, -1.0) < w:
                    found[n] = w
    return found, more


def neighbourhood(*, actor: Actor, depth: int = 1, cap: int = GRAPH_NODE_CAP) -> Graph:
    """The actor and the actors within `depth` (1 or 2) relations, and the relations among
    them; never more than `cap` actors: the direct neighbours first (strongest relations
    first), then the second ring. A capped ring is not read to its end (the total is then a
    lower bound: the page says "more than")."""
    depth = 2 if depth >= 2 else 1
    first, more = _neighbours([actor.pk], cap)
    first.pop(actor.pk, None)
    ring1 = sorted(first, key=lambda n: (-first[n], n))
    ids = [actor.pk, *ring1]
    total = len(ids)
    lower_bound = more  # a hub: its first ring alone fills the view (not counted further)
    if depth == 2:
        if more or total > cap:
            lower_bound = True
        else:
            seen = set(ids)
            second, more = _neighbours(ring1, cap)
            ring2 = {n: w for n, w in second.items() if n not in seen}
            lower_bound = more
            ids += sorted(ring2, key=lambda n: (-ring2[n], n))
            total = len(ids)
    return _graph_of(ids, cap, total=total, lower_bound=lower_bound)


def _graph_of(ids: list[int], cap: int, *, total: int | None = None, lower_bound=False) -> Graph:
    """The graph of the first `cap` actors of `ids` (in the order given)."""
    total = len(ids) if total is None else total
    capped = total > cap or lower_bound
    kept = set(ids[:cap])
    nodes = list(
        Actor.objects.filter(pk__in=kept).only("id", "key", "name_nl", "name_fr", "name_en", "type")
    )
    relations, relations_capped = _relations_among(kept)
    return Graph(
        nodes=nodes,
        relations=relations,
        capped=capped,
        total_nodes=total,
        total_is_lower_bound=lower_bound,
        relations_capped=relations_capped,
    )


def _best_connected_first(qs, run: MetricRun | None, cap: int) -> tuple[list[int], int]:
    """The first `cap` actor ids of `qs`, the most connected first (by the run's degree; else
    by id), and how many there are."""
    total = qs.count()
    if run is None:
        return list(qs.order_by("pk").values_list("pk", flat=True)[:cap]), total
    ids = list(
        ActorMetric.objects.filter(run=run, actor__in=qs)
        .order_by("-degree", "actor_id")
        .values_list("actor_id", flat=True)[:cap]
    )
    if len(ids) < cap:  # actors added since the run
        known = set(ids)
        ids += [
            pk
            for pk in qs.order_by("pk").values_list("pk", flat=True)[: cap * 2]
            if pk not in known
        ][: cap - len(ids)]
    return ids, total


def sector_graph(*, sector: Sector, cap: int = GRAPH_NODE_CAP) -> Graph:
    ids, total = _best_connected_first(
        Actor.objects.active().filter(sectors=sector), metric_run_latest(), cap
    )
    return _graph_of(ids, cap, total=total)


def community_graph(*, run: MetricRun, community: int, cap: int = GRAPH_NODE_CAP) -> Graph:
    qs = Actor.objects.filter(metrics__run=run, metrics__community=community)
    ids, total = _best_connected_first(qs, run, cap)
    return _graph_of(ids, cap, total=total)


# ---------------------------------------------------------------- chains, matrix and gaps


@dataclass
class StageCell:
    stage: ValueChainStage
    actors: list[Actor]  # the first CELL_ACTORS placed (by id), listed by name
    enterprises: int | None  # None: no register counts computed
    establishments: int | None = None
    actor_count: int = 0

    @property
    def is_gap(self) -> bool:
        return self.actor_count < GAP_THRESHOLD


def stage_matrix(
    *, sector: Sector | None = None, municipality: str = ""
) -> dict[str, list[StageCell]]:
    """For each ecosystem sector (or one), its stages with the curated actors placed on them
    and the register's distinct enterprises and establishments (None when not computed)."""
    sectors = [sector] if sector else list(Sector.objects.ecosystems())
    stages = list(ValueChainStage.objects.filter(sector__in=sectors).select_related("sector"))
    # counted on the link table alone (indexed), the few closed or merged actors subtracted:
    # a join with 100,000 actors takes ~0.6 s
    through = Actor.stages.through.objects.filter(valuechainstage__in=stages)
    how_many = Counter(
        dict(
            through.values("valuechainstage_id")
            .annotate(n=Count("actor_id"))
            .values_list("valuechainstage_id", "n")
        )
    )
    inactive = list(
        Actor.objects.filter(Q(end_date__isnull=False) | Q(merged_into__isnull=False))
        .order_by()
        .values_list("pk", flat=True)
    )
    how_many.subtract(
        dict(
            through.filter(actor_id__in=inactive)
            .values("valuechainstage_id")
            .annotate(n=Count("actor_id"))
            .values_list("valuechainstage_id", "n")
        )
    )
    first_ids: dict[int, list[int]] = {}
    for st in stages:
        if how_many.get(st.pk, 0) > 0:
            first_ids[st.pk] = list(
                Actor.stages.through.objects.filter(valuechainstage=st)
                .exclude(actor_id__in=inactive)
                .order_by("actor_id")
                .values_list("actor_id", flat=True)[:CELL_ACTORS]
            )
    names = Actor.objects.only("id", "key", "name_nl", "name_fr", "name_en").in_bulk(
        [pk for ids in first_ids.values() for pk in ids]
    )
    placed = {
        stage_id: sorted((names[pk] for pk in ids), key=lambda a: (a.label(), a.pk))
        for stage_id, ids in first_ids.items()
    }
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
                actor_count=how_many.get(st.pk, 0),
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
