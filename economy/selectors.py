"""Reads of the productive economy: the figures of each KBO snapshot, trends, the register.

The figures are plain rows (KboFigure); an empty dimension is the total over it. How every figure
is counted is documented in docs/kbo.md. Register lookups (search, one enterprise, code labels)
read the current snapshot's DuckDB store through a cached read-only connection: the
classification stored in it at import (figures.store_classification) with the editors'
overrides applied on top. A request never classifies anything. This module never imports
economy.services (the write path).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, QuerySet, Subquery

from geo.models import BRUSSELS_REFNIS
from reference.selectors import sector_codes

from . import kbo_store as store
from .models import ClassificationOverride, KboFigure, KboSnapshot, SectorMapping, SectorRule
from .register import (
    normalize_enterprise_number,
    number_prefix,
    rules_fingerprint,
    snapshot_store_path,
    store_number_like,
)

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
        "establishments_by_sector": {s: by_sector.get(s, 0) for s in sector_codes()},
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


@dataclass
class RegisterState:
    """Whether the current store can be read, and whether its stored classification follows
    the active mapping's rules (`current`); when not, pages show the stored sectors with a note
    until the store is reclassified (outside the request: economy.tasks / load-kbo-mapping)."""

    snapshot: KboSnapshot | None
    available: bool = False
    current: bool = True
    mapping_version: str = ""
    fingerprints: dict[str, str] = field(default_factory=dict)


def _reader(snapshot: KboSnapshot | None):
    """A cursor on the snapshot's store (cached read-only connection), or None."""
    if snapshot is None:
        return None
    path = snapshot_store_path(snapshot)
    if not path.exists():
        return None
    return store.reader(path)


def _stored_classification(con) -> tuple[str | None, str]:
    try:
        row = con.execute("SELECT fingerprint, mapping_version FROM cls_meta").fetchone()
    except Exception:  # noqa: BLE001 - a store without a stored classification
        return None, ""
    return (row[0], row[1]) if row else (None, "")


@dataclass(frozen=True)
class ActiveRules:
    """The active mapping's rules as plain tuples (nace_version, prefix, sector, scope, note),
    their fingerprint, and the rules by (nace_version, prefix) for matching codes."""

    mapping_id: int
    fingerprint: str
    rules: tuple[tuple[str, str, str, str, str], ...]
    by_prefix: dict[tuple[str, str], tuple[tuple[str, str, str, str, str], ...]]


# Per process: the active rules, valid while the state key below is unchanged.
_active_rules: dict[str, tuple] = {}
_active_rules_lock = threading.Lock()


def _active_rules_key() -> tuple | None:
    """What identifies the active rules, in one cheap query: the active mapping (id, checksum,
    updated_at), the count and highest id of its rules, and the latest rule history record
    (any saved or deleted rule, also one edited on its own in the admin). None: no active
    mapping. A QuerySet.update() of rules bypasses all three and is not used anywhere."""
    return (
        SectorMapping.objects.filter(is_active=True)
        .annotate(
            n_rules=Count("rules"),
            last_rule=Max("rules__id"),
            last_change=Subquery(
                SectorRule.history.order_by("-history_id").values("history_id")[:1]
            ),
        )
        .values_list("pk", "checksum", "updated_at", "n_rules", "last_rule", "last_change")
        .first()
    )


def active_rules() -> ActiveRules | None:
    """The active mapping's rules, cached per process (one cheap query checks they are still
    the active ones); None without an active mapping."""
    key = _active_rules_key()
    if key is None:
        return None
    cached = _active_rules.get("current")
    if cached is not None and cached[0] == key:
        return cached[1]
    rules = tuple(
        tuple(str(x or "") for x in r)
        for r in SectorRule.objects.filter(mapping_id=key[0])
        .order_by("nace_version", "prefix", "sector", "scope", "pk")
        .values_list("nace_version", "prefix", "sector", "scope", "note")
    )
    by_prefix: dict[tuple[str, str], list] = defaultdict(list)
    for rule in rules:
        by_prefix[(rule[0], rule[1])].append(rule)
    value = ActiveRules(
        mapping_id=key[0],
        fingerprint=rules_fingerprint(r[:4] for r in rules),
        rules=rules,
        by_prefix={k: tuple(v) for k, v in by_prefix.items()},
    )
    with _active_rules_lock:
        _active_rules["current"] = (key, value)
    return value


def active_rules_fingerprint() -> str | None:
    rules = active_rules()
    return rules.fingerprint if rules is not None else None


def register_state(*, snapshot: KboSnapshot | None = None) -> RegisterState:
    """The current store's state for the register pages (see RegisterState)."""
    snapshot = snapshot or snapshot_current()
    con = _reader(snapshot)
    if con is None:
        return RegisterState(snapshot=snapshot)
    try:
        stored, version = _stored_classification(con)
    finally:
        con.close()
    active = active_rules_fingerprint()
    return RegisterState(
        snapshot=snapshot,
        available=stored is not None,
        current=stored is not None and (active is None or stored == active),
        mapping_version=version,
        fingerprints={"stored": stored or "", "active": active or ""},
    )


def _overrides() -> dict[str, list[str]]:
    """The editors' overrides (few rows): enterprise number → sectors."""
    return dict(ClassificationOverride.objects.values_list("enterprise_number", "sectors"))


SEARCH_COLUMNS = "enterprise, person_type, name, municipalities, sectors, main_nace"
_PAST = "\U0010ffff"  # sorts after every character: [prefix, prefix + _PAST) is a prefix range


def _number_formatted(digits: str) -> str:
    """A prefix of the 10 digits of an enterprise number as a prefix of its stored form
    (`0403.170.701`): '040317' → '0403.17'."""
    parts = [digits[:4], digits[4:7], digits[7:10]]
    return ".".join(p for p in parts if p)


def _search_condition(
    *,
    query: str,
    nace: str,
    municipality: str,
    sector: str,
    person_type: str,
    overrides: dict[str, list[str]],
    nace_table: bool,
) -> tuple[str, list]:
    where, params = ["TRUE"], []
    text = query.strip()
    if text:
        number = normalize_enterprise_number(text)
        digits = number_prefix(text)
        if store_number_like(number):
            where.append("enterprise = ?")
            params.append(number)
        elif digits:
            # a number prefix (with or without its leading 0), or a name containing the text
            prefixes = [_number_formatted(d) for d in {digits, "0" + digits} if len(d) <= 10]
            alternatives = ["contains(names_key, ?)"]
            params.append(text)
            for prefix in sorted(prefixes):
                alternatives.append("starts_with(enterprise, ?)")
                params.append(prefix)
            where.append("(" + " OR ".join(alternatives) + ")")
        else:
            for word in text.split():
                where.append("contains(names_key, strip_accents(lower(?)))")
                params.append(word)
    code = nace.replace(".", "").strip()
    if code and nace_table:
        # a range scan of the codes sorted in cls_enterprise_nace
        where.append(
            "enterprise IN (SELECT enterprise FROM cls_enterprise_nace "
            "WHERE nace_code >= ? AND nace_code < ? AND starts_with(nace_code, ?))"
        )
        params += [code, code + _PAST, code]
    elif code:  # a store classified before cls_enterprise_nace existed
        where.append("contains(nace_key, ?)")
        params.append(" " + code)
    if municipality:
        where.append("list_contains(municipalities, ?)")
        params.append(municipality)
    if sector:
        where.append(
            "((list_contains(sectors, ?) AND NOT list_contains(?::VARCHAR[], enterprise)) "
            "OR list_contains(?::VARCHAR[], enterprise))"
        )
        params += [
            sector,
            list(overrides),
            [number for number, sectors in overrides.items() if sector in sectors],
        ]
    if person_type:
        where.append("person_type = ?")
        params.append(person_type)
    return " AND ".join(where), params


_store_tables: dict[str, frozenset[str]] = {}


def _tables(con, snapshot: KboSnapshot) -> frozenset[str]:
    """The tables of a published store (which never changes), read once per process."""
    key = str(snapshot_store_path(snapshot))
    tables = _store_tables.get(key)
    if tables is None:
        tables = frozenset(
            r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        )
        _store_tables[key] = tables
    return tables


def enterprise_search(
    *,
    query: str = "",
    nace: str = "",
    municipality: str = "",
    sector: str = "",
    person_type: str = "",
    limit: int = 50,
    offset: int = 0,
    count: bool = True,
    snapshot: KboSnapshot | None = None,
) -> tuple[int, list[EnterpriseHit]]:
    """Enterprises present in the Region matching every given criterion, by enterprise number.

    `query` matches the enterprise number (any format; digits only: a number prefix, or a name
    containing them) or names (accent- and case-insensitive, every word contained in a name of
    the enterprise or of one of its establishments); `nace` a code prefix of any of its
    activities (preferred version). Reads the stored classification (`cls_enterprise`) with the
    overrides on top. Returns (total, one page of hits); with count=False the total is not
    counted (-1), for a page whose total is already known.

    One scan finds the matching numbers (the total and the page's numbers); the page's rows
    are then read by number (indexed), so sorting never carries the wide columns.
    """
    snapshot = snapshot or snapshot_current()
    con = _reader(snapshot)
    if con is None:
        return 0, []
    try:
        overrides = _overrides()
        condition, params = _search_condition(
            query=query,
            nace=nace,
            municipality=municipality,
            sector=sector,
            person_type=person_type,
            overrides=overrides,
            nace_table="cls_enterprise_nace" in _tables(con, snapshot),
        )
        limit, offset = max(0, int(limit)), max(0, int(offset))
        matches = f"SELECT enterprise FROM cls_enterprise WHERE {condition}"
        total, numbers = -1, []
        if count and (limit == 0 or condition == "TRUE"):
            # no criterion: count(*) comes from the table's metadata, the page is a top-N
            # (below) over the narrow number column
            total = con.execute(f"SELECT count(*) FROM ({matches})", params).fetchone()[0]
        if count and limit > 0 and condition != "TRUE":
            rows = con.execute(
                f"""
                WITH m AS MATERIALIZED ({matches})
                SELECT (SELECT count(*) FROM m), p.enterprise FROM (SELECT 1) AS one
                LEFT JOIN (SELECT enterprise FROM m ORDER BY enterprise LIMIT {limit} OFFSET {offset}) p
                ON TRUE ORDER BY p.enterprise
                """,
                params,
            ).fetchall()
            total = rows[0][0]
            numbers = [r[1] for r in rows if r[1] is not None]
        elif limit > 0 and (not count or condition == "TRUE"):
            numbers = [
                r[0]
                for r in con.execute(
                    f"SELECT enterprise FROM cls_enterprise WHERE {condition} "
                    f"ORDER BY enterprise LIMIT {limit} OFFSET {offset}",
                    params,
                ).fetchall()
            ]
        records = []
        if numbers:
            wanted = (
                f"IN ({', '.join('?' * len(numbers))})"  # a page: index lookups
                if len(numbers) <= 100
                else "IN (SELECT unnest(?::VARCHAR[]))"  # a download: one join
            )
            records = con.execute(
                f"SELECT {SEARCH_COLUMNS} FROM cls_enterprise WHERE enterprise {wanted} "
                "ORDER BY enterprise",
                numbers if len(numbers) <= 100 else [numbers],
            ).fetchall()
    finally:
        con.close()
    return total, [
        EnterpriseHit(
            enterprise_number=r[0],
            person_type=r[1],
            name=r[2] or "",
            municipalities=list(r[3] or []),
            sectors=list(overrides[r[0]]) if r[0] in overrides else list(r[4] or []),
            main_nace=r[5] or "",
        )
        for r in records
    ]


def _rows(con, sql: str, params: list) -> list[dict]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def enterprise_detail(
    *, enterprise_number: str, snapshot: KboSnapshot | None = None
) -> dict | None:
    """The public register data of one enterprise in the current snapshot, with its
    classification (sectors by NACE, the override if any) — None when not in the Region.

    A point lookup in the stored classification, then the rows of the enterprise and its
    establishments; `classification_current` is False when the stored classification follows
    other mapping rules than the active ones (pages say so; nothing is recomputed here).
    """
    number = normalize_enterprise_number(enterprise_number)
    snapshot = snapshot or snapshot_current()
    con = _reader(snapshot)
    if con is None:
        return None
    try:
        head = con.execute(
            "SELECT enterprise, status, juridical_situation, type_of_enterprise, juridical_form, "
            "start_date, person_type, seat_refnis FROM cls_enterprise WHERE enterprise = ?",
            [number],
        ).fetchone()
        if head is None:
            return None
        stored, version = _stored_classification(con)

        def part(table: str, columns: str, order: str) -> list[dict]:
            return _rows(
                con,
                f"SELECT {columns} FROM {table} WHERE enterprise = ? ORDER BY {order}",
                [number],
            )

        activities = part(
            "cls_detail_activity",
            "entity, activity_group, nace_version, nace_code, classification, preferred",
            "entity, nace_version DESC, classification DESC, nace_code, activity_group",
        )
        keys = {(f"Nace{a['nace_version']}", a["nace_code"]) for a in activities}
        if head[4]:
            keys.add(("JuridicalForm", head[4]))
        if head[2]:
            keys.add(("JuridicalSituation", head[2]))
        table = _code_table(snapshot_store_path(snapshot), con)
        labels = {k: table[k] for k in keys if k in table}
        for a in activities:
            nl, fr = labels.get((f"Nace{a['nace_version']}", a["nace_code"]), (None, None))
            preferred = a.pop("preferred")
            a.update(label_nl=nl, label_fr=fr, preferred=preferred)
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
            "denominations": part(
                "cls_detail_denomination", "entity, language, type, name", "1, 3, 2, 4"
            ),
            "addresses": part(
                "cls_detail_address",
                "entity, type, zipcode, municipality_nl, municipality_fr, street_nl, street_fr, "
                "house_number, box, refnis",
                "1, 2, 3, 6, 8",
            ),
            "establishments": part(
                "cls_detail_establishment", "establishment, start_date, refnis", "1"
            ),
            "activities": activities,
            "contacts": part("cls_detail_contact", "entity, type, value", "1, 2, 3"),
            "sectors": part("cls_ent_sector", "sector, scope, via_main", "sector"),
            # (category, code) → {"nl", "fr"}: the labels of its NACE codes, legal form and
            # situation (presenters.enterprise_labels)
            "code_labels": {
                k: {lang: text for lang, text in zip(("nl", "fr"), v, strict=True) if text}
                for k, v in labels.items()
            },
        }
        # the sectors by the NACE codes alone (rules only): the stored classification
        detail["sectors_by_nace"] = [dict(r) for r in detail["sectors"]]
    finally:
        con.close()
    override = ClassificationOverride.objects.filter(enterprise_number=number).first()
    detail["override"] = override
    if override is not None:
        detail["sectors"] = [
            {"sector": s, "scope": "core", "via_main": True} for s in override.sectors
        ]
    active = active_rules_fingerprint()
    detail["classification_current"] = stored is not None and (active is None or stored == active)
    detail["classification_mapping_version"] = version
    return detail


def code_descriptions(*, keys: set[tuple[str, str]]) -> dict[tuple[str, str], dict[str, str]]:
    """(category, code) → {"nl", "fr"} from the current snapshot's code table ({} without one)."""
    if not keys:
        return {}
    snapshot = snapshot_current()
    con = _reader(snapshot)
    if con is None:
        return {}
    try:
        table = _code_table(snapshot_store_path(snapshot), con)
    finally:
        con.close()
    out: dict[tuple[str, str], dict[str, str]] = {}
    for key in keys:
        if key in table:
            out[key] = {
                lang: text for lang, text in zip(("nl", "fr"), table[key], strict=True) if text
            }
    return out


# Per process and store: the register's code table (about 21,000 rows: NACE, legal forms, …) as
# (category, code) → (Dutch, French). A published store never changes, so it is read once.
_code_tables: dict[str, dict[tuple[str, str], tuple[str | None, str | None]]] = {}
_code_tables_lock = threading.Lock()


def _code_table(path, con) -> dict[tuple[str, str], tuple[str | None, str | None]]:
    key = str(path)
    table = _code_tables.get(key)
    if table is None:
        table = {
            (category, code): (nl, fr)
            for category, code, nl, fr in con.execute(
                "SELECT Category, Code, min(Description) FILTER (WHERE Language = 'NL'), "
                "min(Description) FILTER (WHERE Language = 'FR') FROM code GROUP BY 1, 2"
            ).fetchall()
        }
        with _code_tables_lock:
            while len(_code_tables) >= 4:  # a few stores at most (old snapshots are pruned)
                _code_tables.pop(next(iter(_code_tables)))
            _code_tables[key] = table
    return table


def override_history(*, enterprise_number: str) -> list:
    """Every recorded change of an enterprise's override, newest first (also after removal)."""
    number = normalize_enterprise_number(enterprise_number)
    return list(
        ClassificationOverride.history.filter(enterprise_number=number)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )


def enterprise_counts_by_nace_prefixes(
    *, prefixes: list[str], sector: str = "", snapshot: KboSnapshot | None = None
) -> dict:
    """Distinct enterprises (and establishments) present in the Region with an activity whose
    NACE code starts with any of `prefixes` (dots ignored), in total and per municipality.

    One query on the stored classification: an enterprise counts once however many of its
    codes (its own and its establishments' preferred activities, any version:
    `cls_enterprise_nace`) fall under the prefixes, in every municipality where it is present
    (`cls_enterprise.municipalities`: the per-municipality counts may add up to more than the
    total). With `sector`, only the enterprises classified in it (the overrides applied, as in
    `enterprise_search`). An establishment in the Region counts when its own preferred activities fall under a
    prefix, or, having none, its enterprise's (as the sector figures do); per municipality by
    its address. Returns {"snapshot", "enterprises": {"": total, refnis: n},
    "establishments": {"": total, refnis: n}}; empty counts without a readable store.
    """
    snapshot = snapshot or snapshot_current()
    codes = sorted({p.replace(".", "").strip() for p in prefixes} - {""})
    out: dict = {"snapshot": snapshot, "enterprises": {}, "establishments": {}}
    con = _reader(snapshot)
    if con is None:
        return out
    if not codes:
        con.close()
        return {**out, "enterprises": {"": 0}, "establishments": {"": 0}}
    # each prefix is a range scan of the codes sorted in cls_enterprise_nace
    ranges = " OR ".join(
        "(nace_code >= ? AND nace_code < ? AND starts_with(nace_code, ?))" for _ in codes
    )
    range_params = [v for c in codes for v in (c, c + _PAST, c)]
    in_sector, sector_params = "TRUE", []
    if sector:
        overrides = _overrides()
        in_sector = (
            "((list_contains(c.sectors, ?) AND NOT list_contains(?::VARCHAR[], c.enterprise)) "
            "OR list_contains(?::VARCHAR[], c.enterprise))"
        )
        sector_params = [
            sector,
            list(overrides),
            [number for number, sectors in overrides.items() if sector in sectors],
        ]
    under = " OR ".join("starts_with(a.nace_code, ?)" for _ in codes)
    sql = f"""
        WITH m AS MATERIALIZED (
            SELECT DISTINCT enterprise FROM cls_enterprise_nace WHERE {ranges}
        ),
        e AS MATERIALIZED (
            SELECT c.enterprise, c.municipalities FROM cls_enterprise c
            WHERE c.enterprise IN (SELECT enterprise FROM m) AND {in_sector}
        ),
        own AS (
            SELECT a.entity, bool_or({under}) AS hit
            FROM cls_detail_activity a
            WHERE a.preferred AND a.enterprise IN (SELECT enterprise FROM e)
            GROUP BY a.entity
        ),
        est AS (
            SELECT s.establishment, s.refnis FROM cls_detail_establishment s
            LEFT JOIN own o ON o.entity = s.establishment
            WHERE s.refnis IS NOT NULL AND s.enterprise IN (SELECT enterprise FROM e)
              AND (o.hit OR (o.entity IS NULL AND (SELECT oe.hit FROM own oe WHERE oe.entity = s.enterprise)))
        )
        SELECT 'enterprises', '', count(*) FROM e
        UNION ALL
        SELECT 'enterprises', refnis, count(DISTINCT enterprise)
        FROM (SELECT enterprise, unnest(municipalities) AS refnis FROM e) GROUP BY refnis
        UNION ALL
        SELECT 'establishments', '', count(DISTINCT establishment) FROM est
        UNION ALL
        SELECT 'establishments', refnis, count(DISTINCT establishment) FROM est GROUP BY refnis
    """
    try:
        rows = con.execute(sql, range_params + sector_params + codes).fetchall()
    finally:
        con.close()
    for kind, refnis, n in rows:
        out[kind][refnis] = int(n)
    return out
