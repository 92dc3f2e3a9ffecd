"""Reads of the geography: municipalities, postal-code lookup and map boundaries."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from core.maps import SIMPLIFY_TOLERANCE, feature
from core.text import current_language, fold

from .models import BoundaryArea, Municipality


def municipality_names() -> dict[str, dict[str, str]]:
    """REFNIS → {"nl": …, "fr": …, "en": …}."""
    return {
        m.refnis: {"nl": m.name_nl, "fr": m.name_fr, "en": m.name_en or m.name_fr}
        for m in Municipality.objects.all()
    }


def postal_code_rows() -> list[tuple[str, str, str, str]]:
    """(postal code, REFNIS, folded Dutch name, folded French name) for every pair.

    A postal code shared by two municipalities (1040, 1050) gives two rows: the address's
    municipality name decides between them.
    """
    rows = []
    for m in Municipality.objects.all():
        for code in m.postal_codes:
            rows.append((code, m.refnis, fold(m.name_nl), fold(m.name_fr)))
    return sorted(rows)


def municipality_for_address(*, postal_code: str, name: str = "") -> str | None:
    """The REFNIS code of a Brussels address from its postal code and municipality name."""
    candidates = [row for row in postal_code_rows() if row[0] == (postal_code or "").strip()]
    folded = fold(name)
    for _code, refnis, nl, fr in candidates:
        if folded and folded in (nl, fr):
            return refnis
    if candidates:
        return candidates[0][1]
    for m in Municipality.objects.all():
        if folded and folded in (fold(m.name_nl), fold(m.name_fr)):
            return m.refnis
    return None


def _municipality_name(municipality: Municipality, lang: str) -> str:
    """The name in `lang`; English uses the French name unless an English one is set."""
    if lang == "en":
        return municipality.name_en or municipality.name_fr or municipality.name_nl
    return getattr(municipality, f"name_{lang}", "") or municipality.name_nl


def municipality_features(
    values: Mapping[str, float] | None = None,
    *,
    url_for: Callable[[str], str | None] | None = None,
    simplify: float = SIMPLIFY_TOLERANCE,
) -> list[dict]:
    """One core.maps feature per boundary area (judicial canton group), for a municipality
    choropleth; [] when the boundaries are not loaded (`bruprod load_geo`).

    Several municipalities may share an area (see BoundaryArea): its label joins their names in
    the active language ("Sint-Gillis / Vorst"), its `value` is the sum of `values` (REFNIS →
    number; a municipality absent from it counts 0) over them, and it has no `value` when
    `values` is None. `url_for(refnis)` gives the link of an area of one municipality; an area of
    several has none (the page's table links each of them). Properties `key` and
    `municipalities` (their REFNIS codes) are kept for the app. The boundaries are simplified
    to `simplify` degrees (≈ 11 m by default; 0 keeps every vertex).
    """
    lang = current_language()
    areas = (
        BoundaryArea.objects.filter(kind=BoundaryArea.Kind.CANTON_GROUP)
        .prefetch_related("municipalities")
        .order_by("key")
    )
    out = []
    for area in areas:
        municipalities = sorted(area.municipalities.all(), key=lambda m: m.refnis)
        if not municipalities:
            continue
        refnis = [m.refnis for m in municipalities]
        value = None if values is None else sum(values.get(r, 0) for r in refnis)
        url = url_for(refnis[0]) if url_for is not None and len(refnis) == 1 else None
        out.append(
            feature(
                area.geometry,
                label=" / ".join(_municipality_name(m, lang) for m in municipalities),
                value=value,
                url=url,
                props={"key": area.key, "municipalities": refnis},
                simplify=simplify,
            )
        )
    return out


def _outer_boundary(geometry: dict) -> list[list[list[float]]]:
    """The outer boundary of polygons that share edges (the Region's canton polygons) as closed
    lines: an edge drawn by two rings is inside and dropped, the others are chained."""
    polygons = (
        geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    )
    count: dict[tuple, int] = {}
    directed: list[tuple[tuple, tuple]] = []
    for polygon in polygons:
        for ring in polygon:
            for a, b in zip(ring, ring[1:], strict=False):
                a, b = tuple(a), tuple(b)
                if a == b:
                    continue
                key = (a, b) if a < b else (b, a)
                count[key] = count.get(key, 0) + 1
                directed.append((a, b))
    following: dict[tuple, list[tuple]] = {}
    for a, b in directed:
        if count[(a, b) if a < b else (b, a)] == 1:
            following.setdefault(a, []).append(b)
    lines = []
    for start in list(following):
        while following.get(start):
            line = [start, following[start].pop()]
            while line[-1] != start and following.get(line[-1]):
                line.append(following[line[-1]].pop())
            if len(line) > 1:
                lines.append([list(point) for point in line])
    return lines


def region_outline_feature(*, simplify: float = SIMPLIFY_TOLERANCE) -> dict | None:
    """The Region's outline as a core.maps feature (for `core.maps.outline`): its outer boundary
    as closed lines (the stored geometry is the union of the canton polygons, whose inner edges
    are left out), simplified like `municipality_features`; None when the boundaries are not
    loaded."""
    area = BoundaryArea.objects.filter(kind=BoundaryArea.Kind.REGION).first()
    if area is None:
        return None
    lines = _outer_boundary(area.geometry)
    geometry = {"type": "MultiLineString", "coordinates": lines} if lines else area.geometry
    return feature(geometry, label=area.tr("name"), props={"key": area.key}, simplify=simplify)


def boundary_credit() -> str:
    """The credit of the map boundaries (NGI judicial cantons, CC BY 4.0), '' when not loaded."""
    area = BoundaryArea.objects.exclude(source="").order_by("kind", "key").first()
    return area.source.replace("`", "") if area else ""
