"""Reads for the productive-economy pages and API: the figures of a snapshot shaped as tables,
the municipality map, the mapping rules of a sector and why an enterprise is in a sector.

Every table is a core.exports.Table (codes and labels side by side), so the page shows and the
download holds the same rows. Built on economy.selectors (figures, register lookups).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core.exports import Table
from core.text import current_language
from geo.models import BoundaryArea
from geo.selectors import municipality_names

from . import kbo_store as store
from .models import ClassificationOverride, KboSnapshot, PlanSector, Scope, SectorRule
from .selectors import (
    creations_by_year,
    figure_breakdown,
    figure_table,
    figure_trend,
    figure_value,
    mapping_current,
    snapshot_current,
)
from .services import normalize_enterprise_number, snapshot_store_path

OTHER = "other"
PERSON_TYPES = ("legal", "natural")
FILTERS = ("sector", "municipality", "person_type")
MAP_WIDTH = 600
MAP_MIN_STEP = 1.5  # px
MAP_CLASSES = 5  # colour classes for non-zero values (plus one for zero)


# ---------------------------------------------------------------- labels


def sector_label(slug: str) -> str:
    if slug == OTHER:
        return _("Not in a plan sector")
    try:
        return str(PlanSector(slug).label)
    except ValueError:
        return slug


def person_type_label(value: str) -> str:
    return {"legal": _("Legal persons"), "natural": _("Natural persons")}.get(value, value)


def municipality_label(refnis: str, names: dict[str, dict[str, str]] | None = None) -> str:
    names = names if names is not None else municipality_names()
    entry = names.get(refnis)
    if not entry:
        return _("Unknown municipality") if refnis == "unknown" else refnis
    return entry.get(current_language()) or entry["nl"]


def sector_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in PlanSector.choices]


def municipality_choices() -> list[tuple[str, str]]:
    names = municipality_names()
    return sorted(
        ((refnis, municipality_label(refnis, names)) for refnis in names), key=lambda c: c[1]
    )


def person_type_choices() -> list[tuple[str, str]]:
    return [(p, person_type_label(p)) for p in PERSON_TYPES]


def filters_clean(raw) -> dict[str, str]:
    """Only known values survive: sector, municipality (REFNIS), person_type."""
    names = municipality_names()
    out = {}
    if raw.get("sector") in PlanSector.values:
        out["sector"] = raw["sector"]
    if raw.get("municipality") in names:
        out["municipality"] = raw["municipality"]
    if raw.get("person_type") in PERSON_TYPES:
        out["person_type"] = raw["person_type"]
    return out


def single_filter(filters: dict[str, str]) -> dict[str, str] | None:
    """Creations and cessations are broken down by one dimension at a time: the filters when at
    most one is set, else None."""
    return filters if len(filters) <= 1 else None


# ---------------------------------------------------------------- code labels (store)


def code_labels(*, keys: set[tuple[str, str]]) -> dict[tuple[str, str], dict[str, str]]:
    """(category, code) → {"nl", "fr"} from the current snapshot's code table ({} without one)."""
    snapshot = snapshot_current()
    if not keys or snapshot is None or not snapshot_store_path(snapshot).exists():
        return {}
    con = store.connect(snapshot_store_path(snapshot), read_only=True)
    try:
        con.execute("CREATE TEMP TABLE wanted (category VARCHAR, code VARCHAR)")
        con.executemany("INSERT INTO wanted VALUES (?, ?)", sorted(keys))
        rows = con.execute(
            "SELECT c.Category, c.Code, c.Language, c.Description FROM code c "
            "JOIN wanted w ON w.category = c.Category AND w.code = c.Code "
            "WHERE c.Language IN ('NL', 'FR')"
        ).fetchall()
    finally:
        con.close()
    out: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for category, code, language, description in rows:
        out[(category, code)][language.lower()] = description
    return dict(out)


# ---------------------------------------------------------------- overview tables


def _by(snapshot, measure: str, by: str, filters: dict[str, str]) -> dict[str, int]:
    fixed = {k: v for k, v in filters.items() if k != by}
    return figure_breakdown(snapshot=snapshot, measure=measure, by=by, **fixed)


def sector_table(*, snapshot: KboSnapshot, filters: dict[str, str]) -> Table:
    """Enterprises and establishments per plan sector (the sector filter itself is ignored)."""
    enterprises = _by(snapshot, "enterprises", "sector", filters)
    establishments = _by(snapshot, "establishments", "sector", filters)
    core_only = not filters.get("municipality") and not filters.get("person_type")
    core = (
        figure_breakdown(snapshot=snapshot, measure="enterprises_core", by="sector")
        if core_only
        else {}
    )
    rows = [
        {
            "sector": slug,
            "label": sector_label(slug),
            "enterprises": enterprises.get(slug, 0),
            "enterprises_core": core.get(slug) if core_only else None,
            "establishments": establishments.get(slug, 0),
        }
        for slug in [*PlanSector.values, OTHER]
    ]
    return Table(
        columns=("sector", "label", "enterprises", "enterprises_core", "establishments"),
        rows=rows,
    )


def municipality_table(*, snapshot: KboSnapshot, filters: dict[str, str]) -> Table:
    """Enterprises and establishments per municipality (the municipality filter is ignored)."""
    names = municipality_names()
    enterprises = _by(snapshot, "enterprises", "municipality", filters)
    establishments = _by(snapshot, "establishments", "municipality", filters)
    rows = [
        {
            "municipality": refnis,
            "name_nl": names[refnis]["nl"],
            "name_fr": names[refnis]["fr"],
            "label": municipality_label(refnis, names),
            "enterprises": enterprises.get(refnis, 0),
            "establishments": establishments.get(refnis, 0),
        }
        for refnis in sorted(names)
    ]
    return Table(
        columns=("municipality", "name_nl", "name_fr", "enterprises", "establishments"),
        rows=rows,
    )


def person_type_table(*, snapshot: KboSnapshot, filters: dict[str, str]) -> Table:
    enterprises = _by(snapshot, "enterprises", "person_type", filters)
    establishments = _by(snapshot, "establishments", "person_type", filters)
    rows = [
        {
            "person_type": p,
            "label": person_type_label(p),
            "enterprises": enterprises.get(p, 0),
            "establishments": establishments.get(p, 0),
        }
        for p in PERSON_TYPES
    ]
    return Table(columns=("person_type", "label", "enterprises", "establishments"), rows=rows)


def trend_table(*, filters: dict[str, str]) -> Table:
    """Enterprises and establishments in every snapshot, oldest first."""
    enterprises = figure_trend(measure="enterprises", **filters)
    establishments = dict((s.pk, v) for s, v in figure_trend(measure="establishments", **filters))
    rows = [
        {
            "snapshot_date": s.snapshot_date.isoformat(),
            "label": f"{s.snapshot_date:%d-%m-%Y}",
            "extract_number": s.extract_number,
            "extract_type": s.extract_type,
            "synthetic": s.synthetic,
            "enterprises": value,
            "establishments": establishments.get(s.pk, 0),
        }
        for s, value in enterprises
    ]
    return Table(
        columns=(
            "snapshot_date",
            "extract_number",
            "extract_type",
            "synthetic",
            "enterprises",
            "establishments",
        ),
        rows=rows,
    )


def creation_table(*, snapshot: KboSnapshot, filters: dict[str, str]) -> Table | None:
    """Enterprises present by year of their start date; None when several filters are set."""
    one = single_filter(filters)
    if one is None:
        return None
    years = creations_by_year(snapshot=snapshot, **one)
    return Table(
        columns=("year", "enterprises"),
        rows=[{"year": year, "enterprises": value} for year, value in sorted(years.items())],
    )


def change_table(*, snapshot: KboSnapshot, filters: dict[str, str]) -> Table | None:
    """Cessations and arrivals against the previous snapshot (by reason for the whole Region,
    the totals only under a filter); None when several filters are set."""
    one = single_filter(filters)
    if one is None:
        return None
    reasons = {
        "cessations": (
            ("deleted", _("deleted from the register")),
            ("left_region", _("left the Region")),
        ),
        "arrivals": (("new", _("new in the register")), ("moved_in", _("moved into the Region"))),
    }
    rows = []
    for measure, kinds in reasons.items():
        if not one:
            for key, label in kinds:
                value = figure_value(snapshot=snapshot, measure=measure, key=key)
                rows.append({"change": measure, "reason": key, "label": label, "value": value})
        rows.append(
            {
                "change": measure,
                "reason": "",
                "label": _("total"),
                "value": figure_value(snapshot=snapshot, measure=measure, **one),
            }
        )
    return Table(columns=("change", "reason", "value"), rows=rows)


def activity_kind_table(*, snapshot: KboSnapshot, sector: str) -> Table:
    """One sector: enterprises in it through a main activity vs only a secondary one, and the
    activities (entity × code) of the Region's entities by kind."""
    by_kind = figure_table(
        snapshot=snapshot, measure="enterprises_by_activity_kind", rows="sector", columns="key"
    ).get(sector, {})
    activities = figure_table(snapshot=snapshot, measure="activities", rows="key", columns="sector")
    rows = [
        {
            "what": "enterprises",
            "kind": "main",
            "label": _("Enterprises in the sector through a main activity"),
            "value": by_kind.get("main", 0),
        },
        {
            "what": "enterprises",
            "kind": "secondary",
            "label": _("Enterprises in the sector through secondary activities only"),
            "value": by_kind.get("secondary", 0),
        },
    ]
    for kind, label in (
        ("MAIN", _("Main activities (MAIN) in the sector")),
        ("SECO", _("Secondary activities (SECO) in the sector")),
    ):
        rows.append(
            {
                "what": "activities",
                "kind": kind,
                "label": label,
                "value": activities.get(kind, {}).get(sector, 0),
            }
        )
    return Table(columns=("what", "kind", "value"), rows=rows)


def sector_municipality_table(*, snapshot: KboSnapshot, sector: str) -> Table:
    """One sector: enterprises (legal, natural) and establishments per municipality."""
    names = municipality_names()
    enterprises = figure_table(
        snapshot=snapshot,
        measure="enterprises",
        rows="municipality",
        columns="person_type",
        sector=sector,
    )
    all_enterprises = figure_breakdown(
        snapshot=snapshot, measure="enterprises", by="municipality", sector=sector
    )
    establishments = figure_breakdown(
        snapshot=snapshot, measure="establishments", by="municipality", sector=sector
    )
    rows = [
        {
            "municipality": refnis,
            "name_nl": names[refnis]["nl"],
            "name_fr": names[refnis]["fr"],
            "label": municipality_label(refnis, names),
            "enterprises": all_enterprises.get(refnis, 0),
            "legal": enterprises.get(refnis, {}).get("legal", 0),
            "natural": enterprises.get(refnis, {}).get("natural", 0),
            "establishments": establishments.get(refnis, 0),
        }
        for refnis in sorted(names)
    ]
    return Table(
        columns=(
            "municipality",
            "name_nl",
            "name_fr",
            "enterprises",
            "legal",
            "natural",
            "establishments",
        ),
        rows=rows,
    )


def sector_rule_table(*, sector: str) -> Table:
    """The active mapping's NACE prefixes for one sector, with their labels (from the current
    snapshot's code table, when one is loaded)."""
    mapping = mapping_current()
    rules = list(mapping.rules.filter(sector=sector)) if mapping else []
    labels = code_labels(keys={(f"Nace{r.nace_version}", r.prefix) for r in rules})
    order = {Scope.CORE: 0, Scope.EXTENDED: 1}
    rules.sort(key=lambda r: (order.get(r.scope, 2), -int(r.nace_version), r.prefix))
    rows = []
    for r in rules:
        label = labels.get((f"Nace{r.nace_version}", r.prefix), {})
        rows.append(
            {
                "scope": r.scope,
                "scope_label": str(Scope(r.scope).label) if r.scope in Scope.values else r.scope,
                "nace_version": r.nace_version,
                "prefix": r.prefix,
                "label_nl": label.get("nl", ""),
                "label_fr": label.get("fr", ""),
                "label": label.get("fr" if current_language() == "fr" else "nl", ""),
                "note": r.note,
            }
        )
    return Table(
        columns=("scope", "nace_version", "prefix", "label_nl", "label_fr", "note"), rows=rows
    )


# ---------------------------------------------------------------- the map


@dataclass
class MapArea:
    key: str
    refnis: list[str]
    label: str
    value: int
    level: int
    d: str
    link: str = ""
    selected: bool = False


@dataclass
class MapData:
    view_box: str
    areas: list[MapArea]
    legend: list[dict] = field(default_factory=list)
    credit: str = ""


def _ring_path(ring, project) -> str:
    """One ring as SVG path data, dropping points closer than MAP_MIN_STEP px to the last kept
    one (a choropleth needs no metre-level detail; this keeps the page light)."""
    kept: list[tuple[float, float]] = []
    for lon, lat in ring:
        x, y = project(lon, lat)
        if kept and abs(x - kept[-1][0]) < MAP_MIN_STEP and abs(y - kept[-1][1]) < MAP_MIN_STEP:
            continue
        kept.append((x, y))
    if len(kept) < 3:
        return ""
    return "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in kept) + "Z"


def _levels(max_value: int) -> list[tuple[int, int]]:
    """Upper bounds of the non-zero colour classes: equal intervals over 1..max."""
    if max_value <= 0:
        return []
    bounds: list[tuple[int, int]] = []
    low = 1
    for i in range(1, MAP_CLASSES + 1):
        high = max(low, math.ceil(max_value * i / MAP_CLASSES))
        if bounds and high <= bounds[-1][1]:
            continue
        bounds.append((low, high))
        low = high + 1
        if high >= max_value:
            break
    return bounds


def municipality_map(*, values: dict[str, int], selected: str = "") -> MapData | None:
    """The boundary areas (judicial canton groups, the closest official boundaries available
    offline) projected to SVG paths, each coloured by the sum of `values` (REFNIS → count) over
    its municipalities; None when the boundaries are not loaded."""
    areas = list(
        BoundaryArea.objects.filter(kind=BoundaryArea.Kind.CANTON_GROUP)
        .prefetch_related("municipalities")
        .order_by("key")
    )
    if not areas:
        return None
    lons, lats = [], []
    for area in areas:
        for polygon in area.geometry["coordinates"]:
            for ring in polygon:
                for lon, lat in ring:
                    lons.append(lon)
                    lats.append(lat)
    min_lon, max_lon, min_lat, max_lat = min(lons), max(lons), min(lats), max(lats)
    kx = math.cos(math.radians((min_lat + max_lat) / 2))
    scale = MAP_WIDTH / ((max_lon - min_lon) * kx)
    height = math.ceil((max_lat - min_lat) * scale)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (lon - min_lon) * kx * scale, (max_lat - lat) * scale

    names = municipality_names()
    totals = {
        area.key: sum(values.get(m.refnis, 0) for m in area.municipalities.all()) for area in areas
    }
    bounds = _levels(max(totals.values(), default=0))
    out: list[MapArea] = []
    for area in areas:
        refnis = sorted(m.refnis for m in area.municipalities.all())
        value = totals[area.key]
        level = next((i for i, (lo, hi) in enumerate(bounds, 1) if lo <= value <= hi), 0)
        d = "".join(
            _ring_path(ring, project)
            for polygon in area.geometry["coordinates"]
            for ring in polygon
        )
        out.append(
            MapArea(
                key=area.key,
                refnis=refnis,
                label=" / ".join(municipality_label(r, names) for r in refnis),
                value=value,
                level=level,
                d=d,
                selected=selected in refnis,
            )
        )
    legend = [{"level": 0, "low": 0, "high": 0}] + [
        {"level": i, "low": lo, "high": hi} for i, (lo, hi) in enumerate(bounds, 1)
    ]
    return MapData(
        view_box=f"0 0 {MAP_WIDTH} {height}",
        areas=out,
        legend=legend,
        credit=areas[0].source,
    )


# ---------------------------------------------------------------- one enterprise


def enterprise_classification_reasons(*, detail: dict) -> list[dict]:
    """Why the enterprise is in each of its sectors: the editor's override, or the mapping rules
    its preferred MAIN/SECO activities (own or of its establishments) match."""
    override = detail.get("override")
    if override is not None:
        return [
            {
                "sector": s,
                "label": sector_label(s),
                "scope": Scope.CORE,
                "override": True,
                "matches": [],
            }
            for s in override.sectors
        ]
    mapping = mapping_current()
    rules: list[SectorRule] = list(mapping.rules.all()) if mapping else []
    by_sector: dict[str, list[dict]] = defaultdict(list)
    for activity in detail.get("activities", []):
        if not activity.get("preferred") or activity["classification"] not in ("MAIN", "SECO"):
            continue
        for rule in rules:
            if rule.nace_version == activity["nace_version"] and activity["nace_code"].startswith(
                rule.prefix
            ):
                by_sector[rule.sector].append(
                    {
                        "entity": activity["entity"],
                        "nace_version": activity["nace_version"],
                        "nace_code": activity["nace_code"],
                        "classification": activity["classification"],
                        "prefix": rule.prefix,
                        "scope": rule.scope,
                        "note": rule.note,
                    }
                )
    out = []
    for row in detail.get("sectors", []):
        matches = by_sector.get(row["sector"], [])
        seen, unique = set(), []
        for m in matches:
            marker = (m["entity"], m["nace_code"], m["prefix"])
            if marker not in seen:
                seen.add(marker)
                unique.append(m)
        out.append(
            {
                "sector": row["sector"],
                "label": sector_label(row["sector"]),
                "scope": row["scope"],
                "override": False,
                "matches": unique,
            }
        )
    return out


def enterprise_labels(*, detail: dict) -> dict:
    """Labels of the codes one enterprise's page shows (legal form, situation, NACE codes are
    already labelled by enterprise_detail)."""
    keys = set()
    if detail.get("juridical_form"):
        keys.add(("JuridicalForm", detail["juridical_form"]))
    if detail.get("juridical_situation"):
        keys.add(("JuridicalSituation", detail["juridical_situation"]))
    labels = code_labels(keys=keys)
    return {
        "juridical_form": labels.get(("JuridicalForm", detail.get("juridical_form") or ""), {}),
        "juridical_situation": labels.get(
            ("JuridicalSituation", detail.get("juridical_situation") or ""), {}
        ),
    }


def override_history(*, enterprise_number: str) -> list:
    """Every recorded change of an enterprise's override, newest first (also after removal)."""
    number = normalize_enterprise_number(enterprise_number)
    return list(
        ClassificationOverride.history.filter(enterprise_number=number)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
