"""Presenters of the productive-economy pages and API: the figures of a snapshot shaped as
tables, labels, chart and map shapes, the mapping rules of a sector and why an enterprise is in a
sector.

Every table is a core.exports.Table (codes and labels side by side), so the page shows and the
download holds the same rows. Reads only through economy.selectors (no SQL here; the SVG
municipality map geometry stays here until the shared map of core replaces it).
"""

from __future__ import annotations

from collections import defaultdict

from django.http import QueryDict
from django.utils.translation import gettext as _

from core import maps
from core.exports import Table
from core.text import current_language
from geo.selectors import (
    boundary_credit,
    municipality_features,
    municipality_names,
    region_outline_feature,
)
from reference.selectors import sector_choices as reference_sector_choices
from reference.selectors import sector_codes, sector_labels

from .models import KboSnapshot, Scope
from .selectors import (
    active_rules,
    code_descriptions,
    creations_by_year,
    figure_breakdown,
    figure_table,
    figure_trend,
    figure_value,
    mapping_current,
)
from .selectors import override_history as selected_override_history

OTHER = "other"
PERSON_TYPES = ("legal", "natural")
FILTERS = ("sector", "municipality", "person_type")


# ---------------------------------------------------------------- labels


def sector_label(slug: str, labels: dict[str, str] | None = None) -> str:
    """A sector's name; pass `labels` (reference sector_labels()) when labelling many."""
    if slug == OTHER:
        return _("Not in a plan sector")
    return (labels if labels is not None else sector_labels()).get(slug, slug)


def person_type_label(value: str) -> str:
    return {"legal": _("Legal persons"), "natural": _("Natural persons")}.get(value, value)


def municipality_label(refnis: str, names: dict[str, dict[str, str]] | None = None) -> str:
    names = names if names is not None else municipality_names()
    entry = names.get(refnis)
    if not entry:
        return _("Unknown municipality") if refnis == "unknown" else refnis
    return entry.get(current_language()) or entry["nl"]


def sector_choices() -> list[tuple[str, str]]:
    return reference_sector_choices()


def municipality_choices(names: dict[str, dict[str, str]] | None = None) -> list[tuple[str, str]]:
    names = names if names is not None else municipality_names()
    return sorted(
        ((refnis, municipality_label(refnis, names)) for refnis in names), key=lambda c: c[1]
    )


def person_type_choices() -> list[tuple[str, str]]:
    return [(p, person_type_label(p)) for p in PERSON_TYPES]


def filters_clean(raw) -> dict[str, str]:
    """Only known values survive: sector, municipality (REFNIS), person_type."""
    names = municipality_names()
    out = {}
    if raw.get("sector") in sector_codes():
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
    return code_descriptions(keys=keys)


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
        for slug in [*sector_codes(), OTHER]
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


def municipality_map(
    *, values: dict[str, int], caption: str, query=None, map_id: str = "kbo-map"
) -> maps.MapSpec | None:
    """The municipality choropleth (core map component): the boundary areas (judicial canton
    groups, the closest official boundaries available offline) coloured by the sum of `values`
    (REFNIS → establishments) over their municipalities. An area of one municipality links to
    the page filtered on it (`query`: the request's parameters, kept). None when the
    boundaries are not loaded. The page's municipality table (#<map_id>-table) is the
    accessible alternative."""
    params = query.copy() if query is not None else QueryDict(mutable=True)
    for key in ("table", "format", "page"):
        params.pop(key, None)

    def url_for(refnis: str) -> str:
        params["municipality"] = refnis
        return f"?{params.urlencode()}"

    features = municipality_features(values, url_for=url_for)
    if not features:
        return None
    layers = [maps.choropleth(features, name=caption, unit=str(_("establishments")))]
    outline = region_outline_feature()
    if outline:
        layers.append(maps.outline(outline))
    return maps.MapSpec(
        id=map_id,
        title=caption,
        layers=layers,
        caption=caption,
        table_id=f"{map_id}-table",
        attribution=boundary_credit(),
    )


# ---------------------------------------------------------------- one enterprise


def enterprise_classification_reasons(*, detail: dict) -> list[dict]:
    """Why the enterprise is in each of its sectors: the editor's override, or the mapping rules
    its preferred MAIN/SECO activities (own or of its establishments) match."""
    override = detail.get("override")
    labels = sector_labels()
    if override is not None:
        return [
            {
                "sector": s,
                "label": sector_label(s, labels),
                "scope": Scope.CORE,
                "override": True,
                "matches": [],
            }
            for s in override.sectors
        ]
    active = active_rules()  # cached per process, by the rules' (nace_version, prefix)
    by_prefix = active.by_prefix if active is not None else {}
    by_sector: dict[str, list[dict]] = defaultdict(list)
    for activity in detail.get("activities", []):
        if not activity.get("preferred") or activity["classification"] not in ("MAIN", "SECO"):
            continue
        version, code = activity["nace_version"], activity["nace_code"]
        matched = sorted(
            rule for n in range(1, len(code) + 1) for rule in by_prefix.get((version, code[:n]), ())
        )
        for _version, prefix, sector, scope, note in matched:
            by_sector[sector].append(
                {
                    "entity": activity["entity"],
                    "nace_version": version,
                    "nace_code": code,
                    "classification": activity["classification"],
                    "prefix": prefix,
                    "scope": scope,
                    "note": note,
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
                "label": sector_label(row["sector"], labels),
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
    stored = detail.get("code_labels")
    labels = stored if stored is not None else code_labels(keys=keys)
    return {
        "juridical_form": labels.get(("JuridicalForm", detail.get("juridical_form") or ""), {}),
        "juridical_situation": labels.get(
            ("JuridicalSituation", detail.get("juridical_situation") or ""), {}
        ),
    }


def override_history(*, enterprise_number: str) -> list:
    """Every recorded change of an enterprise's override, newest first (also after removal)."""
    return selected_override_history(enterprise_number=enterprise_number)


def override_conflict(error) -> dict:
    """What an editor is shown when their override form is stale: who changed it, when, and
    each changed field as (label, before, now)."""
    labels = {"sectors": _("Plan sectors"), "reason": _("Reason")}

    def shown(value) -> str:
        if isinstance(value, list):
            return ", ".join(value) or _("no plan sector")
        return value if value else "–"

    return {
        "removed": error.current is None,
        "by": error.by.get_username() if error.by is not None else "",
        "at": error.at,
        "changes": [
            {"label": labels.get(name, name), "before": shown(before), "after": shown(after)}
            for name, before, after in error.changes
        ],
    }
