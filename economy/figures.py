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


def classify(con, *, schema: str = "", suffix: str = "", enterprises: str = "") -> None:
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
        WHERE se.enterprise NOT IN (SELECT enterprise FROM override)
        GROUP BY se.enterprise, es.sector
        UNION ALL
        SELECT o.enterprise, x.sector, 'core', true
        FROM override o, unnest(o.sectors) AS x(sector)
        WHERE o.enterprise IN (SELECT enterprise FROM {bxl_enterprise})
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE est_sector{suffix} AS
        SELECT b.establishment, es.sector, es.scope, es.via_main
        FROM {bxl_establishment} b JOIN entity_sector{suffix} es ON es.entity = b.establishment
        WHERE b.enterprise NOT IN (SELECT enterprise FROM override)
        UNION ALL
        SELECT b.establishment, es.sector, es.scope, es.via_main
        FROM {bxl_establishment} b JOIN entity_sector{suffix} es ON es.entity = b.enterprise
        WHERE b.enterprise NOT IN (SELECT enterprise FROM override)
          AND NOT EXISTS (SELECT 1 FROM {activity_pref} a WHERE a.entity = b.establishment)
        UNION ALL
        SELECT b.establishment, x.sector, 'core', true
        FROM {bxl_establishment} b JOIN override o ON o.enterprise = b.enterprise, unnest(o.sectors) AS x(sector)
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
