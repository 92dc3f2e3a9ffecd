"""Classification of the Region's entities into the plan's sectors, and the figures per snapshot.

Everything runs inside DuckDB on a snapshot store (see kbo_store.py). How each figure is counted
is documented in docs/kbo.md; the rules in short:

- an entity's activities are those of its preferred NACE version (2025, then 2008, then 2003);
- a NACE code belongs to every sector with a rule whose prefix it starts with (same version);
- an entity belongs to the sectors of its MAIN and SECO activities (ANCI is ignored);
- an enterprise belongs to the sectors of its own activities and of its establishments';
  an establishment to the sectors of its own activities, or of its enterprise's when it has none;
- an override of an enterprise replaces the sectors of the enterprise and its establishments;
- scope is `core` when a core rule matched (or an override), else `extended`.
"""

from __future__ import annotations

from dataclasses import dataclass

ALL = ""  # the margin over a dimension
OTHER = "other"  # not in any of the plan's sectors
UNKNOWN_MUNICIPALITY = "unknown"

# Division (first two digits) → section letter, per NACE version.
SECTION_RANGES = {
    "2025": [
        ("A", 1, 3),
        ("B", 5, 9),
        ("C", 10, 33),
        ("D", 35, 35),
        ("E", 36, 39),
        ("F", 41, 43),
        ("G", 46, 47),
        ("H", 49, 53),
        ("I", 55, 56),
        ("J", 58, 60),
        ("K", 61, 63),
        ("L", 64, 66),
        ("M", 68, 68),
        ("N", 69, 75),
        ("O", 77, 82),
        ("P", 84, 84),
        ("Q", 85, 85),
        ("R", 86, 88),
        ("S", 90, 93),
        ("T", 94, 96),
        ("U", 97, 98),
        ("V", 99, 99),
    ],
    "2008": [
        ("A", 1, 3),
        ("B", 5, 9),
        ("C", 10, 33),
        ("D", 35, 35),
        ("E", 36, 39),
        ("F", 41, 43),
        ("G", 45, 47),
        ("H", 49, 53),
        ("I", 55, 56),
        ("J", 58, 63),
        ("K", 64, 66),
        ("L", 68, 68),
        ("M", 69, 75),
        ("N", 77, 82),
        ("O", 84, 84),
        ("P", 85, 85),
        ("Q", 86, 88),
        ("R", 90, 93),
        ("S", 94, 96),
        ("T", 97, 98),
        ("U", 99, 99),
    ],
    "2003": [
        ("A", 1, 2),
        ("B", 5, 5),
        ("C", 10, 14),
        ("D", 15, 37),
        ("E", 40, 41),
        ("F", 45, 45),
        ("G", 50, 52),
        ("H", 55, 55),
        ("I", 60, 64),
        ("J", 65, 67),
        ("K", 70, 74),
        ("L", 75, 75),
        ("M", 80, 80),
        ("N", 85, 85),
        ("O", 90, 93),
        ("P", 95, 97),
        ("Q", 99, 99),
    ],
}


def section_of(version: str, code: str) -> str:
    if not code[:2].isdigit():
        return "?"
    division = int(code[:2])
    for letter, low, high in SECTION_RANGES.get(version, []):
        if low <= division <= high:
            return letter
    return "?"


@dataclass(frozen=True)
class FigureRow:
    measure: str
    sector: str = ALL
    municipality: str = ALL
    person_type: str = ALL
    key: str = ALL
    value: int = 0


def load_rules(
    con, rules: list[tuple[str, str, str, str]], overrides: list[tuple[str, list[str]]]
) -> None:
    """Temp tables `rule` (nace_version, prefix, sector, scope) and `override` (enterprise, sectors)."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE rule (nace_version VARCHAR, prefix VARCHAR, sector VARCHAR, scope VARCHAR)"
    )
    if rules:
        con.executemany("INSERT INTO rule VALUES (?, ?, ?, ?)", rules)
    con.execute("CREATE OR REPLACE TEMP TABLE override (enterprise VARCHAR, sectors VARCHAR[])")
    if overrides:
        con.executemany("INSERT INTO override VALUES (?, ?)", overrides)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE section_map (nace_version VARCHAR, division INTEGER, letter VARCHAR)"
    )
    con.executemany(
        "INSERT INTO section_map VALUES (?, ?, ?)",
        [
            (v, d, letter)
            for v, ranges in SECTION_RANGES.items()
            for letter, lo, hi in ranges
            for d in range(lo, hi + 1)
        ],
    )


def classify(
    con, *, schema: str = "", suffix: str = "", enterprises: str = "", override: str = "override"
) -> None:
    """Temp tables ent_sector{suffix} and est_sector{suffix} (entity, sector, scope, via_main).

    `enterprises` (a relation with an `enterprise` column) restricts the classification to
    those enterprises and their establishments: the same result for them, computed quickly
    (used for the previous snapshot, where only the enterprises that left are needed).
    """
    s = f"{schema}." if schema else ""
    scope_entity, activity_pref = f"{s}scope_entity", f"{s}activity_pref"
    bxl_enterprise, bxl_establishment = f"{s}bxl_enterprise", f"{s}bxl_establishment"
    if enterprises:
        only = f"enterprise IN (SELECT enterprise FROM {enterprises})"
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE scope_entity{suffix} AS SELECT * FROM {scope_entity} WHERE {only}"
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE activity_pref{suffix} AS SELECT * FROM {activity_pref} "
            f"WHERE entity IN (SELECT entity FROM scope_entity{suffix})"
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE bxl_enterprise{suffix} AS SELECT * FROM {bxl_enterprise} WHERE {only}"
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE bxl_establishment{suffix} AS SELECT * FROM {bxl_establishment} WHERE {only}"
        )
        scope_entity, activity_pref = f"scope_entity{suffix}", f"activity_pref{suffix}"
        bxl_enterprise, bxl_establishment = f"bxl_enterprise{suffix}", f"bxl_establishment{suffix}"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE code_sector{suffix} AS
        SELECT DISTINCT c.nace_version, c.nace_code, r.sector, r.scope
        FROM (SELECT DISTINCT nace_version, nace_code FROM {activity_pref}) c
        JOIN rule r ON r.nace_version = c.nace_version AND starts_with(c.nace_code, r.prefix)
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE entity_sector{suffix} AS
        SELECT a.entity, cs.sector, min(cs.scope) AS scope, bool_or(a.classification = 'MAIN') AS via_main
        FROM {activity_pref} a
        JOIN code_sector{suffix} cs ON cs.nace_version = a.nace_version AND cs.nace_code = a.nace_code
        WHERE a.classification IN ('MAIN', 'SECO')
        GROUP BY a.entity, cs.sector
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE ent_sector{suffix} AS
        SELECT se.enterprise, es.sector, min(es.scope) AS scope, bool_or(es.via_main) AS via_main
        FROM {scope_entity} se JOIN entity_sector{suffix} es ON es.entity = se.entity
        WHERE se.enterprise NOT IN (SELECT enterprise FROM {override})
        GROUP BY se.enterprise, es.sector
        UNION ALL
        SELECT o.enterprise, x.sector, 'core', true
        FROM {override} o, unnest(o.sectors) AS x(sector)
        WHERE o.enterprise IN (SELECT enterprise FROM {bxl_enterprise})
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE est_sector{suffix} AS
        SELECT b.establishment, es.sector, es.scope, es.via_main
        FROM {bxl_establishment} b JOIN entity_sector{suffix} es ON es.entity = b.establishment
        WHERE b.enterprise NOT IN (SELECT enterprise FROM {override})
        UNION ALL
        SELECT b.establishment, es.sector, es.scope, es.via_main
        FROM {bxl_establishment} b JOIN entity_sector{suffix} es ON es.entity = b.enterprise
        WHERE b.enterprise NOT IN (SELECT enterprise FROM {override})
          AND NOT EXISTS (SELECT 1 FROM {activity_pref} a WHERE a.entity = b.establishment)
        UNION ALL
        SELECT b.establishment, x.sector, 'core', true
        FROM {bxl_establishment} b JOIN {override} o ON o.enterprise = b.enterprise, unnest(o.sectors) AS x(sector)
        """
    )


def _rows(con, measure: str, sql: str, dims: tuple[str, ...]) -> list[FigureRow]:
    """Run a grouped query whose columns are `dims` then the count; NULL dimension = margin."""
    out = []
    for record in con.execute(sql).fetchall():
        values = {d: ("" if v is None else str(v)) for d, v in zip(dims, record[:-1], strict=True)}
        out.append(FigureRow(measure=measure, value=int(record[-1]), **values))
    return out


def compute_changes(
    con, *, prev_schema: str, extract_number: int, prev_extract: int, snapshot_iso: str
) -> None:
    """Fill `presence_change` (arrivals and cessations against the previous snapshot) and
    append the cessations to `cessation_log`. Needs `rule`/`override` and the previous store
    attached as `prev_schema`."""
    p = prev_schema
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE left_enterprise AS SELECT enterprise FROM {p}.bxl_enterprise "
        "WHERE enterprise NOT IN (SELECT enterprise FROM bxl_enterprise)"
    )
    classify(con, schema=prev_schema, suffix="_prev", enterprises="left_enterprise")
    con.execute(
        f"""
        CREATE OR REPLACE TABLE presence_change AS
        SELECT b.enterprise, 'cessation' AS change,
               CASE WHEN b.enterprise IN (SELECT EnterpriseNumber FROM enterprise) THEN 'left_region' ELSE 'deleted' END AS reason,
               b.person_type,
               (SELECT list(DISTINCT refnis ORDER BY refnis) FROM {p}.presence x WHERE x.enterprise = b.enterprise) AS refnis,
               coalesce((SELECT list(DISTINCT sector ORDER BY sector) FROM ent_sector_prev s WHERE s.enterprise = b.enterprise), []) AS sectors
        FROM {p}.bxl_enterprise b
        WHERE b.enterprise IN (SELECT enterprise FROM left_enterprise)
        UNION ALL
        SELECT b.enterprise, 'arrival',
               CASE WHEN b.enterprise IN (SELECT EnterpriseNumber FROM {p}.enterprise) THEN 'moved_in' ELSE 'new' END,
               b.person_type,
               (SELECT list(DISTINCT refnis ORDER BY refnis) FROM presence x WHERE x.enterprise = b.enterprise),
               coalesce((SELECT list(DISTINCT sector ORDER BY sector) FROM ent_sector s WHERE s.enterprise = b.enterprise), [])
        FROM bxl_enterprise b
        WHERE b.enterprise NOT IN (SELECT enterprise FROM {p}.bxl_enterprise)
        """
    )
    con.execute(f"CREATE OR REPLACE TABLE cessation_log AS SELECT * FROM {p}.cessation_log")
    con.execute(
        f"""
        INSERT INTO cessation_log
        SELECT enterprise, person_type, refnis, sectors, {prev_extract}, {extract_number}, DATE '{snapshot_iso}', reason
        FROM presence_change WHERE change = 'cessation'
        """
    )


def no_changes(con) -> None:
    con.execute(
        "CREATE OR REPLACE TABLE presence_change (enterprise VARCHAR, change VARCHAR, reason VARCHAR, "
        "person_type VARCHAR, refnis VARCHAR[], sectors VARCHAR[])"
    )


def compute_figures(con) -> list[FigureRow]:
    """Every figure of the snapshot in `con` (after load_rules and classify)."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE ent_fact AS
        SELECT b.enterprise, b.person_type, p.refnis, coalesce(s.sector, 'other') AS sector, s.scope, s.via_main,
               year(b.start_date) AS year
        FROM bxl_enterprise b
        JOIN (SELECT DISTINCT enterprise, refnis FROM presence) p ON p.enterprise = b.enterprise
        LEFT JOIN ent_sector s ON s.enterprise = b.enterprise
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE est_fact AS
        SELECT b.establishment, b.enterprise, b.person_type, b.refnis, coalesce(s.sector, 'other') AS sector, s.scope,
               year(b.start_date) AS year
        FROM bxl_establishment b LEFT JOIN est_sector s ON s.establishment = b.establishment
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE main_code AS
        SELECT entity, arg_min(nace_version, nace_code) AS nace_version, min(nace_code) AS nace_code
        FROM activity_pref WHERE classification = 'MAIN' GROUP BY entity
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE est_section AS
        SELECT b.establishment, coalesce(sm.letter, '?') AS letter
        FROM bxl_establishment b
        LEFT JOIN main_code own ON own.entity = b.establishment
        LEFT JOIN main_code ent ON ent.entity = b.enterprise
        LEFT JOIN section_map sm
          ON sm.nace_version = coalesce(own.nace_version, ent.nace_version)
         AND sm.division = TRY_CAST(substr(coalesce(own.nace_code, ent.nace_code), 1, 2) AS INTEGER)
        """
    )
    dims3 = ("sector", "municipality", "person_type")
    rows: list[FigureRow] = []
    rows += _rows(
        con,
        "enterprises",
        "SELECT sector, refnis, person_type, count(DISTINCT enterprise) FROM ent_fact GROUP BY CUBE (sector, refnis, person_type)",
        dims3,
    )
    rows += _rows(
        con,
        "establishments",
        "SELECT sector, refnis, person_type, count(DISTINCT establishment) FROM est_fact GROUP BY CUBE (sector, refnis, person_type)",
        dims3,
    )
    rows += _rows(
        con,
        "enterprises_core",
        "SELECT sector, count(DISTINCT enterprise) FROM ent_fact WHERE scope = 'core' GROUP BY sector",
        ("sector",),
    )
    rows += _rows(
        con,
        "establishments_core",
        "SELECT sector, count(DISTINCT establishment) FROM est_fact WHERE scope = 'core' GROUP BY sector",
        ("sector",),
    )
    rows += _rows(
        con,
        "creations",
        "SELECT year, sector, refnis, person_type, count(DISTINCT enterprise) FROM ent_fact WHERE year IS NOT NULL "
        "GROUP BY GROUPING SETS ((year), (year, sector), (year, refnis), (year, person_type))",
        ("key", *dims3),
    )
    rows += _rows(
        con,
        "establishment_creations",
        "SELECT year, refnis, count(DISTINCT establishment) FROM est_fact WHERE year IS NOT NULL "
        "GROUP BY GROUPING SETS ((year), (year, refnis))",
        ("key", "municipality"),
    )
    rows += _rows(
        con,
        "establishments_by_section",
        "SELECT s.letter, f.refnis, count(DISTINCT f.establishment) FROM est_fact f JOIN est_section s USING (establishment) "
        "GROUP BY GROUPING SETS ((s.letter), (s.letter, f.refnis))",
        ("key", "municipality"),
    )
    rows += _rows(
        con,
        "enterprises_by_activity_kind",
        "SELECT CASE WHEN via_main THEN 'main' ELSE 'secondary' END, sector, count(DISTINCT enterprise) FROM ent_fact "
        "WHERE sector <> 'other' GROUP BY GROUPING SETS ((1), (1, sector))",
        ("key", "sector"),
    )
    # activity_pref holds one NACE version per entity and distinct rows, so (entity, code,
    # classification) is unique in it: plain counts give the distinct counts.
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE act_fact AS
        SELECT a.entity, a.nace_version, a.nace_code, a.classification FROM activity_pref a
        WHERE a.entity IN (SELECT enterprise FROM bxl_enterprise)
           OR a.entity IN (SELECT establishment FROM bxl_establishment)
        """
    )
    rows += _rows(
        con,
        "activities",
        "SELECT classification, count(*) FROM act_fact GROUP BY classification",
        ("key",),
    )
    rows += _rows(
        con,
        "activities",
        """
        SELECT a.classification, coalesce(cs.sector, 'other'), count(*)
        FROM act_fact a
        LEFT JOIN (SELECT DISTINCT nace_version, nace_code, sector FROM code_sector) cs
          ON cs.nace_version = a.nace_version AND cs.nace_code = a.nace_code
        GROUP BY a.classification, 2
        """,
        ("key", "sector"),
    )
    for change, measure in (("cessation", "cessations"), ("arrival", "arrivals")):
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE chg AS
            SELECT c.enterprise, c.reason, c.person_type, r.refnis, coalesce(s.sector, 'other') AS sector
            FROM presence_change c
            LEFT JOIN (SELECT enterprise, unnest(refnis) AS refnis FROM presence_change WHERE change = '{change}') r USING (enterprise)
            LEFT JOIN (SELECT enterprise, unnest(sectors) AS sector FROM presence_change WHERE change = '{change}') s USING (enterprise)
            WHERE c.change = '{change}'
            """
        )
        rows += _rows(
            con,
            measure,
            "SELECT reason, sector, refnis, person_type, count(DISTINCT enterprise) FROM chg "
            "GROUP BY GROUPING SETS ((), (reason), (sector), (refnis), (person_type))",
            ("key", *dims3),
        )
    return rows


# ---------------------------------------------------------------- the stored classification
#
# The classification by the mapping rules alone (no overrides) is materialised in the snapshot
# store once, at import, with the fingerprint of the rules it used (`cls_meta`):
#
# - `cls_code_sector` (nace_version, nace_code, sector, scope): the sectors of every code in use;
# - `cls_entity_sector` (entity, sector, scope, via_main): each entity's sectors by its own
#   preferred MAIN/SECO activities;
# - `cls_ent_sector` (enterprise, …) and `cls_est_sector` (establishment, enterprise, …): the
#   sectors of the Region's enterprises and establishments (the rules of the module docstring);
# - `cls_enterprise`: one row per enterprise present in the Region with what the enterprise
#   search and detail need (names folded for search, municipalities, main NACE, every NACE code
#   in use, sectors), so that a request never classifies anything;
# - `cls_enterprise_nace` (nace_code, enterprise): every NACE code in use by an enterprise present
#   in the Region (its own and its establishments' preferred activities, any version), sorted by
#   code, so that a NACE filter is a range scan (the codes of `cls_enterprise.nace_key`);
# - `cls_detail_*`: the rows an enterprise's page shows.
#
# The tables read by enterprise number (`cls_enterprise`, `cls_ent_sector`, `cls_detail_*`) get
# an ART index on `enterprise` (INDEXED_TABLES): a page is then point lookups of about a
# millisecond instead of scanning a row group of 122,880 rows each (about 10 ms).
#
# Overrides are applied on top when reading (`apply_overrides` for the figures; the selectors
# for search and detail). A daily update reclassifies the touched enterprises only.

CLS_TABLES = (
    "cls_code_sector",
    "cls_entity_sector",
    "cls_ent_sector",
    "cls_est_sector",
    "cls_enterprise",
    "cls_enterprise_nace",
    "cls_detail_denomination",
    "cls_detail_address",
    "cls_detail_establishment",
    "cls_detail_activity",
    "cls_detail_contact",
)
NAME_SEPARATOR = "chr(31)"  # between the folded names of `names_key`; never inside a query word


def _cls_entity_sector_sql(only: str = "TRUE") -> str:
    """`only` filters the entity number (`{key}`)."""
    return f"""
        SELECT a.entity, cs.sector, min(cs.scope) AS scope, bool_or(a.classification = 'MAIN') AS via_main
        FROM activity_pref a
        JOIN cls_code_sector cs ON cs.nace_version = a.nace_version AND cs.nace_code = a.nace_code
        WHERE a.classification IN ('MAIN', 'SECO') AND {only.format(key="a.entity")}
        GROUP BY a.entity, cs.sector
        """


def _cls_ent_sector_sql(only: str = "TRUE") -> str:
    """`only` filters the enterprise number (`{key}`)."""
    return f"""
        SELECT se.enterprise, es.sector, min(es.scope) AS scope, bool_or(es.via_main) AS via_main
        FROM scope_entity se JOIN cls_entity_sector es ON es.entity = se.entity
        WHERE {only.format(key="se.enterprise")}
        GROUP BY se.enterprise, es.sector
        """


def _cls_est_sector_sql(only: str = "TRUE") -> str:
    return f"""
        SELECT b.establishment, b.enterprise, es.sector, es.scope, es.via_main
        FROM bxl_establishment b JOIN cls_entity_sector es ON es.entity = b.establishment
        WHERE {only.format(key="b.enterprise")}
        UNION ALL
        SELECT b.establishment, b.enterprise, es.sector, es.scope, es.via_main
        FROM bxl_establishment b JOIN cls_entity_sector es ON es.entity = b.enterprise
        WHERE NOT EXISTS (SELECT 1 FROM activity_pref a WHERE a.entity = b.establishment)
          AND {only.format(key="b.enterprise")}
        """


def _cls_enterprise_sql(only: str = "TRUE") -> str:
    """One row per enterprise present in the Region; `only` filters the enterprise (`{key}`)."""
    scoped = f"se.enterprise IN (SELECT enterprise FROM bxl_enterprise) AND {only.format(key='se.enterprise')}"
    return f"""
        SELECT b.enterprise, replace(b.enterprise, '.', '') AS digits, b.person_type,
               b.juridical_form, b.start_date, b.seat_refnis,
               e.Status AS status, e.JuridicalSituation AS juridical_situation,
               e.TypeOfEnterprise AS type_of_enterprise,
               n.name, coalesce(k.names_key, '') AS names_key,
               coalesce(p.municipalities, []::VARCHAR[]) AS municipalities,
               m.main_nace, coalesce(c.nace_key, '') AS nace_key,
               coalesce(s.sectors, []::VARCHAR[]) AS sectors
        FROM bxl_enterprise b
        JOIN enterprise e ON e.EnterpriseNumber = b.enterprise
        LEFT JOIN (
            SELECT EntityNumber AS enterprise,
                   arg_min(Denomination, TypeOfDenomination || '|' || coalesce(Language, '') || '|' || Denomination) AS name
            FROM denomination WHERE {only.format(key="EntityNumber")} GROUP BY EntityNumber
        ) n ON n.enterprise = b.enterprise
        LEFT JOIN (
            SELECT se.enterprise,
                   string_agg(DISTINCT strip_accents(lower(d.Denomination)), {NAME_SEPARATOR}
                              ORDER BY strip_accents(lower(d.Denomination))) AS names_key
            FROM scope_entity se JOIN denomination d ON d.EntityNumber = se.entity
            WHERE {scoped} GROUP BY se.enterprise
        ) k ON k.enterprise = b.enterprise
        LEFT JOIN (
            SELECT enterprise, list(DISTINCT refnis ORDER BY refnis) AS municipalities
            FROM presence WHERE {only.format(key="enterprise")} GROUP BY enterprise
        ) p ON p.enterprise = b.enterprise
        LEFT JOIN (
            SELECT entity AS enterprise, min(nace_code) AS main_nace FROM activity_pref
            WHERE classification = 'MAIN' AND {only.format(key="entity")} GROUP BY entity
        ) m ON m.enterprise = b.enterprise
        LEFT JOIN (
            SELECT se.enterprise, ' ' || string_agg(DISTINCT a.nace_code, ' ' ORDER BY a.nace_code) || ' ' AS nace_key
            FROM scope_entity se JOIN activity_pref a ON a.entity = se.entity
            WHERE {scoped} GROUP BY se.enterprise
        ) c ON c.enterprise = b.enterprise
        LEFT JOIN (
            SELECT enterprise, list(DISTINCT sector ORDER BY sector) AS sectors
            FROM cls_ent_sector WHERE {only.format(key="enterprise")} GROUP BY enterprise
        ) s ON s.enterprise = b.enterprise
        WHERE {only.format(key="b.enterprise")}
        """


def _cls_enterprise_nace_sql(only: str = "TRUE") -> str:
    """(nace_code, enterprise), distinct; `only` filters the enterprise (`{key}`)."""
    return f"""
        SELECT DISTINCT a.nace_code, se.enterprise
        FROM scope_entity se JOIN activity_pref a ON a.entity = se.entity
        WHERE se.enterprise IN (SELECT enterprise FROM bxl_enterprise)
          AND {only.format(key="se.enterprise")}
        """


def _scoped(only: str) -> str:
    return f"""(SELECT entity, enterprise FROM scope_entity
        WHERE enterprise IN (SELECT enterprise FROM bxl_enterprise) AND {only.format(key="enterprise")})"""


# The rows an enterprise's page shows (its own and its establishments'), one table per kind,
# stored sorted by enterprise so that a page is a few point lookups (zone maps skip the rest).
# NACE labels are not stored (the code table may change with an update): the page reads them.
DETAIL_TABLES = {
    "cls_detail_denomination": """
        SELECT se.enterprise, d.EntityNumber AS entity, d.Language AS language,
               d.TypeOfDenomination AS type, d.Denomination AS name
        FROM {se} se JOIN denomination d ON d.EntityNumber = se.entity""",
    "cls_detail_address": """
        SELECT se.enterprise, a.EntityNumber AS entity, a.TypeOfAddress AS type, a.Zipcode AS zipcode,
               a.MunicipalityNL AS municipality_nl, a.MunicipalityFR AS municipality_fr,
               a.StreetNL AS street_nl, a.StreetFR AS street_fr, a.HouseNumber AS house_number,
               a.Box AS box, l.refnis
        FROM {se} se JOIN address a ON a.EntityNumber = se.entity
        LEFT JOIN location l ON l.entity = a.EntityNumber AND l.kind = a.TypeOfAddress""",
    "cls_detail_establishment": """
        SELECT se.enterprise, s.EstablishmentNumber AS establishment, s.StartDate AS start_date, b.refnis
        FROM {se} se JOIN establishment s ON s.EstablishmentNumber = se.entity
        LEFT JOIN bxl_establishment b ON b.establishment = s.EstablishmentNumber""",
    "cls_detail_activity": """
        SELECT se.enterprise, a.EntityNumber AS entity, a.ActivityGroup AS activity_group,
               a.NaceVersion AS nace_version, a.NaceCode AS nace_code, a.Classification AS classification,
               p.entity IS NOT NULL AS preferred
        FROM {se} se JOIN activity a ON a.EntityNumber = se.entity
        LEFT JOIN (SELECT DISTINCT entity, nace_version, nace_code FROM activity_pref) p
          ON p.entity = a.EntityNumber AND p.nace_version = a.NaceVersion AND p.nace_code = a.NaceCode""",
    "cls_detail_contact": """
        SELECT se.enterprise, c.EntityNumber AS entity, c.ContactType AS type, c.Value AS value
        FROM {se} se JOIN contact c ON c.EntityNumber = se.entity""",
}


# Read by enterprise number (one or a few rows per enterprise): indexed on `enterprise`.
# cls_detail_activity is not: its row groups compress well and a scan of one is already ~2 ms,
# while its index would cost ~3 s of import and ~100 MB per store.
INDEXED_TABLES = (
    "cls_enterprise",
    "cls_ent_sector",
    "cls_detail_denomination",
    "cls_detail_address",
    "cls_detail_establishment",
    "cls_detail_contact",
)


def _detail_sql(table: str):
    def sql(only: str = "TRUE") -> str:
        return DETAIL_TABLES[table].format(se=_scoped(only))

    return sql


def store_classification(
    con, *, fingerprint: str, mapping_version: str, touched: bool = False
) -> None:
    """Materialise the rules-only classification in the store (needs the temp table `rule`).

    With `touched`, only the enterprises in the table `cls_touched_enterprise` and the entities
    in `cls_touched_entity` are reclassified (a daily update; the rest is unchanged because the
    rules are the same: the caller checks the stored fingerprint).
    """
    con.execute(
        """
        CREATE OR REPLACE TABLE cls_code_sector AS
        SELECT DISTINCT c.nace_version, c.nace_code, r.sector, r.scope
        FROM (SELECT DISTINCT nace_version, nace_code FROM activity_pref) c
        JOIN rule r ON r.nace_version = c.nace_version AND starts_with(c.nace_code, r.prefix)
        """
    )
    builders = (
        ("cls_entity_sector", _cls_entity_sector_sql, "entity", "cls_touched_entity"),
        ("cls_ent_sector", _cls_ent_sector_sql, "enterprise", "cls_touched_enterprise"),
        ("cls_est_sector", _cls_est_sector_sql, "enterprise", "cls_touched_enterprise"),
        ("cls_enterprise", _cls_enterprise_sql, "enterprise", "cls_touched_enterprise"),
        ("cls_enterprise_nace", _cls_enterprise_nace_sql, "enterprise", "cls_touched_enterprise"),
        *((t, _detail_sql(t), "enterprise", "cls_touched_enterprise") for t in DETAIL_TABLES),
    )
    if not touched:
        # The whole store: the proven temp-table classification (rules only), then stored.
        con.execute(
            "CREATE OR REPLACE TEMP TABLE no_override (enterprise VARCHAR, sectors VARCHAR[])"
        )
        classify(con, suffix="_cls", override="no_override")
        con.execute("CREATE OR REPLACE TABLE cls_entity_sector AS SELECT * FROM entity_sector_cls")
        con.execute(
            "CREATE OR REPLACE TABLE cls_ent_sector AS SELECT * FROM ent_sector_cls ORDER BY 1"
        )
        con.execute(
            "CREATE OR REPLACE TABLE cls_est_sector AS SELECT s.establishment, b.enterprise, "
            "s.sector, s.scope, s.via_main FROM est_sector_cls s "
            "JOIN bxl_establishment b ON b.establishment = s.establishment"
        )
        for temp in ("code_sector", "entity_sector", "ent_sector", "est_sector"):
            con.execute(f"DROP TABLE IF EXISTS {temp}_cls")
        builders = builders[3:]
    for table, sql, column, keys in builders:
        if touched and table == "cls_enterprise_nace" and not _table_exists(con, table):
            # a store classified before this table existed: build it whole
            con.execute(f"CREATE OR REPLACE TABLE {table} AS {sql()} ORDER BY 1, 2")
        elif touched:
            key_column = "entity" if column == "entity" else "enterprise"
            con.execute(f"DELETE FROM {table} WHERE {column} IN (SELECT {key_column} FROM {keys})")
            con.execute(
                f"INSERT INTO {table} " + sql(f"{{key}} IN (SELECT {key_column} FROM {keys})")
            )
        elif table == "cls_enterprise":
            con.execute(f"CREATE OR REPLACE TABLE {table} AS {sql()} ORDER BY b.enterprise")
        elif table == "cls_ent_sector" or table in DETAIL_TABLES:
            con.execute(f"CREATE OR REPLACE TABLE {table} AS {sql()} ORDER BY 1")
        elif table == "cls_enterprise_nace":
            con.execute(f"CREATE OR REPLACE TABLE {table} AS {sql()} ORDER BY 1, 2")
        else:
            con.execute(f"CREATE OR REPLACE TABLE {table} AS {sql()}")
    for table in INDEXED_TABLES:  # kept by DELETE/INSERT; gone with CREATE OR REPLACE
        con.execute(f"CREATE INDEX IF NOT EXISTS {table}_enterprise ON {table} (enterprise)")
    con.execute(
        "CREATE OR REPLACE TABLE cls_meta (fingerprint VARCHAR, mapping_version VARCHAR, "
        "computed_at TIMESTAMP, incremental BOOLEAN)"
    )
    con.execute(
        "INSERT INTO cls_meta VALUES (?, ?, current_localtimestamp(), ?)",
        [fingerprint, mapping_version, touched],
    )


def _table_exists(con, name: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND NOT temporary", [name]
        ).fetchone()[0]
    )


def stored_fingerprint(con) -> str | None:
    """The fingerprint of the rules the store's classification was computed with (None: none)."""
    try:
        row = con.execute("SELECT fingerprint FROM cls_meta").fetchone()
    except Exception:  # noqa: BLE001 - a store without the table (older snapshot)
        return None
    return row[0] if row else None


def apply_overrides(con) -> None:
    """Temp tables `code_sector`, `ent_sector`, `est_sector` for `compute_figures` and
    `compute_changes`: the stored classification with the temp table `override` on top (the
    same result as `classify` with the overrides)."""
    con.execute("CREATE OR REPLACE TEMP TABLE code_sector AS SELECT * FROM cls_code_sector")
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE ent_sector AS
        SELECT enterprise, sector, scope, via_main FROM cls_ent_sector
        WHERE enterprise NOT IN (SELECT enterprise FROM override)
        UNION ALL
        SELECT o.enterprise, x.sector, 'core', true
        FROM override o, unnest(o.sectors) AS x(sector)
        WHERE o.enterprise IN (SELECT enterprise FROM bxl_enterprise)
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE est_sector AS
        SELECT establishment, sector, scope, via_main FROM cls_est_sector
        WHERE enterprise NOT IN (SELECT enterprise FROM override)
        UNION ALL
        SELECT b.establishment, x.sector, 'core', true
        FROM bxl_establishment b JOIN override o ON o.enterprise = b.enterprise, unnest(o.sectors) AS x(sector)
        """
    )
