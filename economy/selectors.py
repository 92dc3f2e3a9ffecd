"""Reads of the productive economy: the figures of each KBO snapshot, trends, the register.

The figures are plain rows (KboFigure); an empty dimension is the total over it. How every figure
is counted is documented in docs/kbo.md. Register lookups (search, one enterprise) read the
current snapshot's DuckDB store, read-only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

from geo.services import BRUSSELS_REFNIS

from . import figures as fig
from . import kbo_store as store
from .models import ClassificationOverride, KboFigure, KboSnapshot, PlanSector, SectorMapping
from .services import normalize_enterprise_number, snapshot_store_path

DIMENSIONS = ("sector", "municipality", "person_type", "key")
PERSON_TYPES = ("legal", "natural")
INDICATORS = {
    # indicator code → (measure, what a value is)
    "kbo-enterprises": (
        "enterprises",
        "active enterprises with their seat or an establishment in the Region",
    ),
    "kbo-establishments": (
        "establishments",
        "active establishments with a BAET address in the Region",
    ),
    "kbo-creations": (
        "creations",
        "enterprises present in the Region, by year of their start date",
    ),
    "kbo-cessations": ("cessations", "enterprises present in the previous snapshot and no longer"),
    "kbo-arrivals": ("arrivals", "enterprises present and not in the previous snapshot"),
}


# ---------------------------------------------------------------- snapshots


def snapshot_current() -> KboSnapshot | None:
    return KboSnapshot.objects.order_by("-extract_number").first()


def snapshot_list() -> QuerySet[KboSnapshot]:
    return KboSnapshot.objects.order_by("snapshot_date", "extract_number")


def mapping_current() -> SectorMapping | None:
    return SectorMapping.objects.filter(is_active=True).prefetch_related("rules").first()


# ---------------------------------------------------------------- figures


def figure_value(
    *,
    snapshot: KboSnapshot,
    measure: str,
    sector: str = "",
    municipality: str = "",
    person_type: str = "",
    key: str = "",
) -> int:
    """One number (0 when the combination has none)."""
    value = (
        KboFigure.objects.filter(
            snapshot=snapshot,
            measure=measure,
            sector=sector,
            municipality=municipality,
            person_type=person_type,
            key=key,
        )
        .values_list("value", flat=True)
        .first()
    )
    return int(value or 0)


def figure_breakdown(
    *, snapshot: KboSnapshot, measure: str, by: str, **fixed: str
) -> dict[str, int]:
    """A measure broken down by one dimension (`by`), the other dimensions fixed (default: all)."""
    if by not in DIMENSIONS:
        raise ValueError(f"unknown dimension {by!r}")
    filters = {d: fixed.get(d, "") for d in DIMENSIONS if d != by}
    rows = (
        KboFigure.objects.filter(snapshot=snapshot, measure=measure, **filters)
        .exclude(**{by: ""})
        .values_list(by, "value")
    )
    return {k: int(v) for k, v in rows}


def figure_table(
    *, snapshot: KboSnapshot, measure: str, rows: str, columns: str, **fixed: str
) -> dict[str, dict[str, int]]:
    """A measure as a two-way table: {row value: {column value: count}} (margins excluded)."""
    filters = {d: fixed.get(d, "") for d in DIMENSIONS if d not in (rows, columns)}
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for r, c, v in (
        KboFigure.objects.filter(snapshot=snapshot, measure=measure, **filters)
        .exclude(**{rows: ""})
        .exclude(**{columns: ""})
        .values_list(rows, columns, "value")
    ):
        out[r][c] = int(v)
    return dict(out)


def enterprises_by(*, snapshot: KboSnapshot, by: str, **fixed: str) -> dict[str, int]:
    """Active enterprises present in the Region by sector, municipality or person_type."""
    return figure_breakdown(snapshot=snapshot, measure="enterprises", by=by, **fixed)


def establishments_by(*, snapshot: KboSnapshot, by: str, **fixed: str) -> dict[str, int]:
    """Active establishments in the Region by sector, municipality or person_type."""
    return figure_breakdown(snapshot=snapshot, measure="establishments", by=by, **fixed)


def sector_municipality_person_cube(
    *, snapshot: KboSnapshot, measure: str = "enterprises"
) -> list[dict]:
    """Every cell of sector × municipality × person type (with margins as empty strings)."""
    return [
        {"sector": s, "municipality": m, "person_type": p, "value": int(v)}
        for s, m, p, v in KboFigure.objects.filter(snapshot=snapshot, measure=measure, key="")
        .order_by("sector", "municipality", "person_type")
        .values_list("sector", "municipality", "person_type", "value")
    ]


def creations_by_year(
    *, snapshot: KboSnapshot, sector: str = "", municipality: str = "", person_type: str = ""
) -> dict[int, int]:
    """Enterprises present in the snapshot by the year of their start date."""
    rows = KboFigure.objects.filter(
        snapshot=snapshot,
        measure="creations",
        sector=sector,
        municipality=municipality,
        person_type=person_type,
    ).values_list("key", "value")
    return dict(sorted((int(k), int(v)) for k, v in rows if k.isdigit()))


def cessations_by(*, snapshot: KboSnapshot, by: str = "key") -> dict[str, int]:
    """Enterprises present in the previous snapshot and not in this one, by reason (key:
    deleted / left_region), sector, municipality or person_type."""
    return figure_breakdown(snapshot=snapshot, measure="cessations", by=by)


def activities_main_secondary(*, snapshot: KboSnapshot) -> dict[str, dict[str, int]]:
    """Activities (entity × NACE code) of the Region's entities by kind (MAIN, SECO, ANCI) and
    sector of the code; plus enterprises per sector through a main vs only a secondary activity."""
    return {
        "activities": figure_table(
            snapshot=snapshot, measure="activities", rows="key", columns="sector"
        )
        | {"total": figure_breakdown(snapshot=snapshot, measure="activities", by="key")},
        "enterprises_by_activity_kind": figure_table(
            snapshot=snapshot, measure="enterprises_by_activity_kind", rows="sector", columns="key"
        ),
    }


def figure_trend(
    *, measure: str, sector: str = "", municipality: str = "", person_type: str = "", key: str = ""
) -> list[tuple[KboSnapshot, int]]:
    """A figure across every snapshot, oldest first."""
    values = dict(
        KboFigure.objects.filter(
            measure=measure,
            sector=sector,
            municipality=municipality,
            person_type=person_type,
            key=key,
        ).values_list("snapshot_id", "value")
    )
    return [(s, int(values.get(s.pk, 0))) for s in snapshot_list()]


# ---------------------------------------------------------------- scripts and the boordtabel


def kbo_stats(*, snapshot: KboSnapshot | None = None) -> dict | None:
    """The latest snapshot's headline figures (`bruprod kbo-stats --format json`)."""
    snapshot = snapshot or snapshot_current()
    if snapshot is None:
        return None
    by_municipality = establishments_by(snapshot=snapshot, by="municipality")
    by_sector = establishments_by(snapshot=snapshot, by="sector")
    by_section = figure_breakdown(snapshot=snapshot, measure="establishments_by_section", by="key")
    return {
        "snapshot_date": snapshot.snapshot_date.isoformat(),
        "enterprises_present": figure_value(snapshot=snapshot, measure="enterprises"),
        "establishments_by_municipality": {r: by_municipality.get(r, 0) for r in BRUSSELS_REFNIS},
        "establishments_by_nace_section": dict(sorted(by_section.items())),
        "establishments_by_sector": {s: by_sector.get(s, 0) for s in PlanSector.values},
    }


def kbo_indicator_series(*, codes: list[str] | None = None) -> list[dict]:
    """Tidy observations for the boordtabel: one row per indicator, period and disaggregation.

    Stocks (enterprises, establishments) and flows between snapshots (cessations, arrivals) have
    the snapshot date as period; creations have the start year as period (from the latest
    snapshot only, since every snapshot repeats the past years). A disaggregation that is None
    is the total over it.
    """
    wanted = codes or list(INDICATORS)
    latest = snapshot_current()
    rows: list[dict] = []
    snapshots = {s.pk: s for s in snapshot_list()}
    for code in wanted:
        measure, _ = INDICATORS[code]
        queryset = KboFigure.objects.filter(measure=measure)
        if measure in ("cessations", "arrivals"):
            queryset = queryset.filter(key="")
        if measure == "creations":
            queryset = queryset.filter(snapshot=latest) if latest else queryset.none()
        for snapshot_id, sector, municipality, person_type, key, value in queryset.order_by(
            "snapshot__snapshot_date", "key", "sector", "municipality", "person_type"
        ).values_list("snapshot_id", "sector", "municipality", "person_type", "key", "value"):
            snapshot = snapshots[snapshot_id]
            rows.append(
                {
                    "indicator_code": code,
                    "period": key if measure == "creations" else snapshot.snapshot_date.isoformat(),
                    "value": int(value),
                    "disaggregations": {
                        "sector": sector or None,
                        "municipality": municipality or None,
                        "person_type": person_type or None,
                    },
                    "source": snapshot.source_label,
                }
            )
    return rows


# ---------------------------------------------------------------- the register (current store)


@dataclass
class EnterpriseHit:
    enterprise_number: str
    name: str
    person_type: str
    municipalities: list[str]
    sectors: list[str]
    main_nace: str


def _open_current():
    snapshot = snapshot_current()
    if snapshot is None or not snapshot_store_path(snapshot).exists():
        return None, None
    return snapshot, store.connect(snapshot_store_path(snapshot), read_only=True)


def _classified(con) -> None:
    from .services import _rules_and_overrides

    _, rules, overrides = _rules_and_overrides()
    fig.load_rules(con, rules, overrides)
    fig.classify(con)


def enterprise_search(
    *,
    query: str = "",
    nace: str = "",
    municipality: str = "",
    sector: str = "",
    person_type: str = "",
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[EnterpriseHit]]:
    """Enterprises present in the Region matching every given criterion.

    `query` matches the enterprise number (any format) or a name (accent- and case-insensitive,
    every word); `nace` a code prefix of any of its activities (preferred version).
    Returns (total, one page of hits).
    """
    snapshot, con = _open_current()
    if con is None:
        return 0, []
    try:
        _classified(con)
        where, params = ["TRUE"], []
        if query.strip():
            number = normalize_enterprise_number(query)
            if store_number_like(number):
                where.append("b.enterprise = ?")
                params.append(number)
            else:
                for word in query.split():
                    where.append(
                        "EXISTS (SELECT 1 FROM denomination d WHERE d.EntityNumber IN "
                        "(SELECT entity FROM scope_entity s WHERE s.enterprise = b.enterprise) "
                        "AND strip_accents(lower(d.Denomination)) LIKE '%' || strip_accents(lower(?)) || '%')"
                    )
                    params.append(word)
        if nace.strip():
            where.append(
                "EXISTS (SELECT 1 FROM activity_pref a JOIN scope_entity s ON s.entity = a.entity "
                "WHERE s.enterprise = b.enterprise AND starts_with(a.nace_code, ?))"
            )
            params.append(nace.replace(".", "").strip())
        if municipality:
            where.append(
                "EXISTS (SELECT 1 FROM presence p WHERE p.enterprise = b.enterprise AND p.refnis = ?)"
            )
            params.append(municipality)
        if sector:
            where.append(
                "EXISTS (SELECT 1 FROM ent_sector e WHERE e.enterprise = b.enterprise AND e.sector = ?)"
            )
            params.append(sector)
        if person_type:
            where.append("b.person_type = ?")
            params.append(person_type)
        condition = " AND ".join(where)
        total = con.execute(
            f"SELECT count(*) FROM bxl_enterprise b WHERE {condition}", params
        ).fetchone()[0]
        records = con.execute(
            f"""
            SELECT b.enterprise, b.person_type,
              (SELECT d.Denomination FROM denomination d WHERE d.EntityNumber = b.enterprise
                 ORDER BY d.TypeOfDenomination, d.Language LIMIT 1),
              (SELECT list(DISTINCT p.refnis ORDER BY p.refnis) FROM presence p WHERE p.enterprise = b.enterprise),
              (SELECT list(DISTINCT e.sector ORDER BY e.sector) FROM ent_sector e WHERE e.enterprise = b.enterprise),
              (SELECT min(a.nace_code) FROM activity_pref a WHERE a.entity = b.enterprise AND a.classification = 'MAIN')
            FROM bxl_enterprise b WHERE {condition}
            ORDER BY b.enterprise LIMIT {int(limit)} OFFSET {int(offset)}
            """,
            params,
        ).fetchall()
    finally:
        con.close()
    return total, [
        EnterpriseHit(
            enterprise_number=r[0],
            person_type=r[1],
            name=r[2] or "",
            municipalities=list(r[3] or []),
            sectors=list(r[4] or []),
            main_nace=r[5] or "",
        )
        for r in records
    ]


def store_number_like(value: str) -> bool:
    from .services import ENTERPRISE_NUMBER

    return bool(ENTERPRISE_NUMBER.match(value))


def enterprise_detail(*, enterprise_number: str) -> dict | None:
    """The public register data of one enterprise in the current snapshot, with its
    classification (sectors by NACE, the override if any) — None when not in the Region."""
    number = normalize_enterprise_number(enterprise_number)
    snapshot, con = _open_current()
    if con is None:
        return None
    try:
        _classified(con)
        head = con.execute(
            "SELECT e.EnterpriseNumber, e.Status, e.JuridicalSituation, e.TypeOfEnterprise, e.JuridicalForm, "
            "e.StartDate, b.person_type, b.seat_refnis FROM enterprise e JOIN bxl_enterprise b "
            "ON b.enterprise = e.EnterpriseNumber WHERE e.EnterpriseNumber = ?",
            [number],
        ).fetchone()
        if head is None:
            return None

        def rows(sql: str, params: list) -> list[dict]:
            cursor = con.execute(sql, params)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]

        entities = [number] + [
            r[0]
            for r in con.execute(
                "SELECT EstablishmentNumber FROM establishment WHERE EnterpriseNumber = ? ORDER BY 1",
                [number],
            ).fetchall()
        ]
        detail = {
            "snapshot": snapshot,
            "enterprise_number": head[0],
            "status": head[1],
            "juridical_situation": head[2],
            "type_of_enterprise": head[3],
            "juridical_form": head[4],
            "start_date": head[5],
            "person_type": head[6],
            "seat_municipality": head[7],
            "denominations": rows(
                "SELECT EntityNumber AS entity, Language AS language, TypeOfDenomination AS type, "
                "Denomination AS name FROM denomination WHERE EntityNumber IN (SELECT unnest(?)) ORDER BY 1, 3, 2",
                [entities],
            ),
            "addresses": rows(
                "SELECT a.EntityNumber AS entity, a.TypeOfAddress AS type, a.Zipcode AS zipcode, "
                "a.MunicipalityNL AS municipality_nl, a.MunicipalityFR AS municipality_fr, a.StreetNL AS street_nl, "
                "a.StreetFR AS street_fr, a.HouseNumber AS house_number, a.Box AS box, l.refnis "
                "FROM address a LEFT JOIN location l ON l.entity = a.EntityNumber AND l.kind = a.TypeOfAddress "
                "WHERE a.EntityNumber IN (SELECT unnest(?)) ORDER BY 1, 2",
                [entities],
            ),
            "establishments": rows(
                "SELECT s.EstablishmentNumber AS establishment, s.StartDate AS start_date, b.refnis "
                "FROM establishment s LEFT JOIN bxl_establishment b ON b.establishment = s.EstablishmentNumber "
                "WHERE s.EnterpriseNumber = ? ORDER BY 1",
                [number],
            ),
            "activities": rows(
                "SELECT a.EntityNumber AS entity, a.ActivityGroup AS activity_group, a.NaceVersion AS nace_version, "
                "a.NaceCode AS nace_code, a.Classification AS classification, "
                "(SELECT c.Description FROM code c WHERE c.Category = 'Nace' || a.NaceVersion AND c.Code = a.NaceCode "
                " AND c.Language = 'NL') AS label_nl, "
                "(SELECT c.Description FROM code c WHERE c.Category = 'Nace' || a.NaceVersion AND c.Code = a.NaceCode "
                " AND c.Language = 'FR') AS label_fr, "
                "EXISTS (SELECT 1 FROM activity_pref p WHERE p.entity = a.EntityNumber AND p.nace_version = a.NaceVersion "
                " AND p.nace_code = a.NaceCode) AS preferred "
                "FROM activity a WHERE a.EntityNumber IN (SELECT unnest(?)) "
                "ORDER BY 1, a.NaceVersion DESC, a.Classification DESC, a.NaceCode",
                [entities],
            ),
            "contacts": rows(
                "SELECT EntityNumber AS entity, ContactType AS type, Value AS value FROM contact "
                "WHERE EntityNumber IN (SELECT unnest(?)) ORDER BY 1, 2",
                [entities],
            ),
            "sectors": rows(
                "SELECT sector, scope, via_main FROM ent_sector WHERE enterprise = ? ORDER BY sector",
                [number],
            ),
            "sectors_by_nace": rows(
                "SELECT es.sector, min(es.scope) AS scope, bool_or(es.via_main) AS via_main FROM scope_entity se "
                "JOIN entity_sector es ON es.entity = se.entity WHERE se.enterprise = ? GROUP BY 1 ORDER BY 1",
                [number],
            ),
        }
    finally:
        con.close()
    detail["override"] = ClassificationOverride.objects.filter(enterprise_number=number).first()
    return detail
