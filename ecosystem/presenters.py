"""Page-shaped data of the ecosystem map: graph elements for the network view, map specs,
labels in the active language, request-parameter cleaning."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core.maps import CATEGORICAL, MapSpec, feature, outline, points
from geo.selectors import municipality_names, region_outline_feature

from .models import Actor


def clean_filters(params) -> dict:
    types = set(Actor.Type.values)
    out = {
        "sector": params.get("sector", "")[:50],
        "stage": params.get("stage", "")[:40],
        "type": params.get("type", "") if params.get("type", "") in types else "",
        "municipality": params.get("municipality", "")
        if params.get("municipality", "").isdigit()
        else "",
        "query": params.get("q", "")[:100],
    }
    return out


def municipality_label(refnis: str) -> str:
    if not refnis:
        return ""
    from django.utils.translation import get_language

    names = municipality_names().get(refnis) or {}
    lang = (get_language() or "nl")[:2]
    return names.get(lang) or names.get("nl") or refnis


def graph_elements(graph) -> dict:
    """Cytoscape.js elements (data only; the page's script draws them)."""
    nodes = [
        {
            "data": {
                "id": str(a.pk),
                "label": a.label(),
                "type": a.type,
                "url": reverse("ecosystem:actor", args=[a.key]),
            }
        }
        for a in graph.nodes
    ]
    edges = [
        {
            "data": {
                "id": f"r{r.pk}",
                "source": str(r.source_actor_id),
                "target": str(r.target_actor_id),
                "type": r.type,
                "directed": r.directed,
                "strength": r.strength,
            }
        }
        for r in graph.relations
    ]
    return {"nodes": nodes, "edges": edges}


def graph_rows(graph) -> list[dict]:
    names = {a.pk: a for a in graph.nodes}
    types = dict(Actor._meta.get_field("type").choices)
    from .models import Relation

    rel_types = dict(Relation.Type.choices)
    rows = []
    for r in graph.relations:
        a, b = names.get(r.source_actor_id), names.get(r.target_actor_id)
        if a is None or b is None:
            continue
        rows.append(
            {
                "from": a,
                "to": b,
                "type": rel_types.get(r.type, r.type),
                "directed": r.directed,
                "strength": r.strength,
                "derived": r.derived,
            }
        )
    del types
    return rows


def actors_map(actors) -> MapSpec | None:
    """Actors with coordinates as points, one colour per type (first seven types by count)."""
    by_type: dict[str, list] = {}
    for a in actors:
        if a.latitude is None or a.longitude is None:
            continue
        by_type.setdefault(a.type, []).append(
            feature(
                {"type": "Point", "coordinates": [a.longitude, a.latitude]},
                label=a.label(),
                url=reverse("ecosystem:actor", args=[a.key]),
            )
        )
    labels = dict(Actor.Type.choices)
    layers = [
        points(features, name=str(labels.get(t, t)), color=CATEGORICAL[i % len(CATEGORICAL)])
        for i, (t, features) in enumerate(sorted(by_type.items(), key=lambda x: -len(x[1])))
    ]
    layers.append(outline(region_outline_feature()))
    return MapSpec(
        id="actors-map",
        title=_("Actors of the ecosystem on the map"),
        layers=layers,
        caption=_("Actors whose coordinates are known, by type."),
        table_id="actors-table",
    )
