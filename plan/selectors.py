"""Reads of the plan: filtered measure lists, facets, the backbone matrix, the plan tree, exports."""

from __future__ import annotations

from collections import Counter, OrderedDict
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from core.text import fold
from core.validation import CONTROL_RE, SURROGATE_RE, clean_cell
from reference.models import Organisation, Sector

from .models import (
    CrossReference,
    Dimension,
    Measure,
    PlanEdition,
    PlanNode,
    RemarkTag,
    Status,
)

# Filter name → the measure field it filters on and how the URL value is matched.
MEASURE_FILTERS = OrderedDict(
    [
        ("sector", "sector__slug"),
        ("dimension", "dimension__number"),
        ("challenge", "challenge__key"),
        ("pillar", "pillar__key"),
        ("priority", "priority"),
        ("cost", "cost"),
        ("staffing", "staffing"),
        ("coordinator", "coordinations__organisation__slug"),
        ("status", "status__key"),
        ("remark", "remark_tags__key"),
        ("kind", "kind"),
    ]
)


# Filters whose values are whole numbers (the column's range), not text.
INTEGER_FILTERS = {"dimension": (0, 32767)}


def _bad_filter_value(name: str, value: str) -> bool:
    if CONTROL_RE.search(value) or SURROGATE_RE.search(value) or len(value) > 200:
        return True
    if name in INTEGER_FILTERS:
        low, high = INTEGER_FILTERS[name]
        return not (value.isascii() and value.isdigit() and low <= int(value) <= high)
    return False


def measure_filter_problems(filters: dict[str, list[str]]) -> dict[str, list[str]]:
    """{filter: [message]} for each value no measure can have (e.g. a dimension that is no number)."""
    problems: dict[str, list[str]] = {}
    for name, values in filters.items():
        for value in values:
            if value != "" and _bad_filter_value(name, value):
                problems.setdefault(name, []).append(
                    f"{value!r} is not a valid {name}"
                    + (" (a whole number)" if name in INTEGER_FILTERS else "")
                )
    return problems


def measure_filters_clean(filters: dict[str, list[str]]) -> dict[str, list[str]]:
    """The filters without the values no measure can have: a page shows the rest, never a 500."""
    cleaned = {}
    for name, values in filters.items():
        kept = [v for v in values if v == "" or not _bad_filter_value(name, v)]
        if kept:
            cleaned[name] = kept
    return cleaned


# A search longer than this is cut (the page says so; the API answers 400): every word is one
# condition of the query, and a query of hundreds of words is more than the database accepts.
SEARCH_MAX_CHARS = 200
SEARCH_MAX_WORDS = 20


def measure_query_problem(query: str) -> str | None:
    """Why a search is too long to run as given (English, for the API), or None."""
    if len(query) > SEARCH_MAX_CHARS:
        return f"The search is longer than {SEARCH_MAX_CHARS} characters."
    if len(query.split()) > SEARCH_MAX_WORDS:
        return f"The search has more than {SEARCH_MAX_WORDS} words."
    return None


def measure_query_capped(query: str) -> tuple[str, bool]:
    """The search cut to SEARCH_MAX_WORDS words and SEARCH_MAX_CHARS characters; and whether it was cut."""
    words = query.split()[:SEARCH_MAX_WORDS]
    capped = " ".join(words)[:SEARCH_MAX_CHARS].strip()
    return capped, capped != " ".join(query.split())


def measure_search(queryset: QuerySet, query: str) -> QuerySet:
    """Accent- and case-insensitive search in nl, fr and en: every word must match."""
    query, _cut = measure_query_capped(query)
    for word in fold(query).split():
        queryset = queryset.filter(search_text__contains=word)
    return queryset


def measure_list(*, filters: dict[str, list[str]] | None = None, query: str = "") -> QuerySet:
    """Measures matching every given filter (values of one filter are OR-ed) and the search."""
    queryset = Measure.objects.all()
    query = clean_cell(query or "")
    for name, values in measure_filters_clean(filters or {}).items():
        values = [v for v in values if v != ""]
        if name not in MEASURE_FILTERS or not values:
            continue
        lookup = MEASURE_FILTERS[name]
        if name == "priority" and "none" in values:
            condition = Q(**{f"{lookup}__in": [v for v in values if v != "none"]}) | Q(priority="")
        else:
            condition = Q(**{f"{lookup}__in": values})
        queryset = queryset.filter(condition)
    if query:
        queryset = measure_search(queryset, query)
    ids = queryset.values("pk")
    return Measure.objects.filter(pk__in=ids).with_relations().order_by("order")


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    label: str
    options: list[FacetOption]


def measure_facets(
    *, filters: dict[str, list[str]], query: str, labels: dict[str, str]
) -> list[Facet]:
    """For each filter, its options with the number of measures each would give (other filters kept)."""
    facets = []
    for name, lookup in MEASURE_FILTERS.items():
        others = {k: v for k, v in filters.items() if k != name}
        base = measure_list(filters=others, query=query)
        counts = Counter(
            dict(
                base.order_by()
                .values_list(lookup)
                .annotate(n=Count("pk", distinct=True))
                .values_list(lookup, "n")
            )
        )
        selected = set(filters.get(name, []))
        options = [
            FacetOption(
                value=str(value),
                label=label,
                count=counts.get(raw, 0),
                selected=str(value) in selected,
            )
            for raw, value, label in _facet_values(name)
        ]
        facets.append(
            Facet(
                name=name, label=labels[name], options=[o for o in options if o.count or o.selected]
            )
        )
    return facets


def _facet_values(name: str):
    """(raw database value, URL value, label) for every option of a filter, in display order."""
    if name == "sector":
        return [(s.slug, s.slug, s.label()) for s in Sector.objects.ecosystems()]
    if name == "dimension":
        return [
            (d.number, d.number, f"{d.number}. {d.tr('title')}") for d in Dimension.objects.all()
        ]
    if name in ("challenge", "pillar"):
        kind = "challenge" if name == "challenge" else "pillar"
        return [(n.key, n.key, _node_label(n)) for n in PlanNode.objects.filter(kind=kind)]
    if name == "priority":
        return [(c.value, c.value, f"{c.value} – {c.label}") for c in Measure.Priority if c.value]
    if name == "cost":
        return [(v, v, v) for v in _distinct("cost")]
    if name == "staffing":
        return [(v, v, v) for v in _distinct("staffing")]
    if name == "coordinator":
        orgs = Organisation.objects.filter(coordinations__isnull=False).distinct()
        return sorted(((o.slug, o.slug, o.tr("name")) for o in orgs), key=lambda t: fold(t[2]))
    if name == "status":
        return [(s.key, s.key, s.tr("label")) for s in Status.objects.all()]
    if name == "remark":
        return [(t.key, t.key, t.tr("label")) for t in RemarkTag.objects.all()]
    if name == "kind":
        return [(c.value, c.value, str(c.label)) for c in Measure.Kind]
    raise KeyError(name)


def _distinct(field: str) -> list[str]:
    order = {"": 9, "-": 0}
    values = (
        Measure.objects.exclude(**{field: ""}).order_by().values_list(field, flat=True).distinct()
    )
    return sorted(values, key=lambda v: (order.get(v, len(v)), v))


def _node_label(node: PlanNode) -> str:
    title = node.tr("title")
    return (
        f"{node.key.split('.P')[0]} {node.number}: {title}"
        if node.kind == "pillar"
        else f"{node.key} {title}"
    )


def measure_detail(*, code: str) -> Measure | None:
    return (
        Measure.objects.with_relations()
        .prefetch_related(
            Prefetch("references", queryset=CrossReference.objects.select_related("target")),
            Prefetch("referenced_by", queryset=CrossReference.objects.select_related("source")),
            "notes",
        )
        .filter(code=code)
        .first()
    )


_CODE_PREFIXES = ("maatregel", "mesure", "measure", "met", "mes")


def measure_canonical_code(code: str) -> str | None:
    """The code of the one measure a code as people write it names, or None.

    Tolerant of case (``met.4.1`` → ``MET.4.1``), of the printed form with or without its final
    dot (``4.1`` → ``MET.4.1``, printed "4.1."), and of a leading "maatregel"/"mesure".
    """
    raw = " ".join((code or "").split())
    if not raw or len(raw) > 40 or CONTROL_RE.search(raw) or SURROGATE_RE.search(raw):
        return None
    found = Measure.objects.filter(code__iexact=raw).values_list("code", flat=True).first()
    if found:
        return found
    bare = raw.rstrip(".")
    lowered = bare.lower()
    for prefix in _CODE_PREFIXES:
        if lowered.startswith(prefix + " "):
            bare = bare[len(prefix) + 1 :].strip()
            break
    candidates = list(
        Measure.objects.filter(
            Q(code__iexact=bare) | Q(printed_code__in=(bare, bare + "."))
        ).values_list("code", flat=True)[:2]
    )
    return candidates[0] if len(candidates) == 1 else None


def node_ancestors(node: PlanNode) -> list[PlanNode]:
    """The chain from the chapter down to the node (inclusive)."""
    chain = []
    current = node
    while current is not None:
        chain.append(current)
        current = current.parent
    return list(reversed(chain))


def plan_tree() -> list[dict]:
    """The plan as nested sections, each with its measure count, in document order."""
    nodes = list(PlanNode.objects.annotate(measure_count=Count("measures")).order_by("order"))
    children: dict[int | None, list] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)

    def build(parent_id):
        return [
            {"node": n, "children": build(n.pk), "total": _total(n)}
            for n in children.get(parent_id, [])
        ]

    def _total(node):
        return node.measure_count + sum(_total(c) for c in children.get(node.pk, []))

    return build(None)


def backbone_matrix() -> dict:
    """The 'common backbone': five sectors × six dimensions, with the measures in each cell."""
    sectors = list(Sector.objects.ecosystems())
    dimensions = list(Dimension.objects.all())
    cells: dict[tuple[int, int], list[Measure]] = {}
    for measure in Measure.objects.filter(
        sector__isnull=False, dimension__isnull=False
    ).select_related("sector", "dimension"):
        cells.setdefault((measure.dimension_id, measure.sector_id), []).append(measure)
    transversal: dict[int, list[Measure]] = {}
    for measure in Measure.objects.filter(sector__isnull=True, dimension__isnull=False):
        transversal.setdefault(measure.dimension_id, []).append(measure)
    rows = [
        {
            "dimension": d,
            "transversal": transversal.get(d.pk, []),
            "cells": [cells.get((d.pk, s.pk), []) for s in sectors],
        }
        for d in dimensions
    ]
    return {"sectors": sectors, "rows": rows}


def plan_overview() -> dict:
    """Counts for the home page: by chapter, sector, priority, cost, status; quick wins."""
    measures = Measure.objects.all()
    by_chapter = []
    for chapter in PlanNode.objects.filter(kind="chapter", parent__isnull=True).order_by("order"):
        count = measures.filter(
            Q(section__key=chapter.key) | Q(section__key__startswith=f"{chapter.key}.")
        ).count()
        if count:
            by_chapter.append((chapter, count))
    by_sector = [
        (s, s.measure_count)
        for s in Sector.objects.ecosystems().annotate(measure_count=Count("measures"))
    ]
    by_priority = [(c, measures.filter(priority=c.value).count()) for c in Measure.Priority]
    by_cost = [(v, measures.filter(cost=v).count()) for v in _distinct("cost")] + [
        ("", measures.filter(cost="").count())
    ]
    by_status = [
        (s, s.measure_count)
        for s in Status.objects.annotate(measure_count=Count("measures"))
        if s.measure_count
    ]
    return {
        "edition": PlanEdition.objects.first(),
        "total": measures.count(),
        "by_chapter": by_chapter,
        "by_sector": by_sector,
        "by_priority": [(c, n) for c, n in by_priority if n],
        "by_cost": [(v, n) for v, n in by_cost if n],
        "by_status": by_status,
        "quick_wins": list(measures.quick_wins().with_relations()),
        "organisations": Organisation.objects.filter(coordinations__isnull=False)
        .distinct()
        .count(),
    }


def organisation_list(*, query: str = "") -> QuerySet:
    queryset = Organisation.objects.annotate(
        measure_count=Count("coordinations__measure", distinct=True)
    ).prefetch_related("aliases")
    if query:
        folded = fold(query)
        queryset = queryset.filter(
            Q(aliases__folded__contains=folded) | Q(slug__contains=folded)
        ).distinct()
    return queryset.order_by("-measure_count", "name_nl")


def organisation_detail(*, slug: str) -> Organisation | None:
    return Organisation.objects.prefetch_related("aliases").filter(slug=slug).first()


def organisation_measures(organisation: Organisation) -> QuerySet:
    return (
        Measure.objects.filter(coordinations__organisation=organisation)
        .distinct()
        .with_relations()
        .order_by("order")
    )
