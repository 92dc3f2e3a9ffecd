"""Reads of the geography: municipalities, postal-code lookup and map boundaries."""

from __future__ import annotations

from django.db.models import QuerySet

from core.text import fold

from .models import BoundaryArea, Municipality


def municipality_list() -> QuerySet[Municipality]:
    return Municipality.objects.select_related("boundary").order_by("refnis")


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


def boundaries_geojson(*, values: dict[str, float] | None = None) -> dict:
    """A GeoJSON FeatureCollection of the canton-group areas, for a municipality choropleth.

    Each feature lists its municipalities (REFNIS) and, when `values` (REFNIS → number) is
    given, the sum over them as `value`. The credit travels with the data.
    """
    features = []
    source = ""
    for area in BoundaryArea.objects.filter(kind=BoundaryArea.Kind.CANTON_GROUP).prefetch_related(
        "municipalities"
    ):
        refnis = sorted(m.refnis for m in area.municipalities.all())
        properties = {
            "key": area.key,
            "municipalities": refnis,
            "name_nl": area.name_nl,
            "name_fr": area.name_fr,
            "name_en": area.name_en,
        }
        if values is not None:
            properties["value"] = sum(values.get(r, 0) for r in refnis)
        features.append({"type": "Feature", "properties": properties, "geometry": area.geometry})
        source = area.source
    return {"type": "FeatureCollection", "features": features, "attribution": source}


def region_outline_geojson() -> dict | None:
    area = BoundaryArea.objects.filter(kind=BoundaryArea.Kind.REGION).first()
    if area is None:
        return None
    return {
        "type": "Feature",
        "properties": {"key": area.key, "name_nl": area.name_nl, "name_fr": area.name_fr},
        "geometry": area.geometry,
        "attribution": area.source,
    }
