"""An update recomputes the derived rows of the keys it touches only: the result must be the
same as rebuilding every derived table and figure from the updated register tables."""

import shutil

import duckdb
import pytest

from economy import figures as fig
from economy import kbo_store as store
from economy.models import KboFigure
from economy.register import rules_fingerprint
from economy.sample import kbo_sample_write
from economy.services import _rules_and_overrides, kbo_import, snapshot_store_path
from geo.selectors import postal_code_rows

from . import dumps as d

pytestmark = pytest.mark.django_db

DERIVED = (
    "location",
    "presence",
    "bxl_enterprise",
    "bxl_establishment",
    "scope_entity",
    "activity_pref",
)


def assert_same_as_full_rebuild(snapshot, tmp_path):
    """Derived tables, figures and counts of `snapshot` equal a rebuild from scratch."""
    store.readers_close()
    rebuilt = tmp_path / "rebuilt.duckdb"
    shutil.copyfile(snapshot_store_path(snapshot), rebuilt)
    con = store.connect(rebuilt)
    try:
        con.execute("ATTACH " + store._q(snapshot_store_path(snapshot)) + " AS inc (READ_ONLY)")
        store.postal_table(con, postal_code_rows())
        store.derive(con, snapshot=snapshot.snapshot_date)
        store.derive_activities(con)
        for table in DERIVED:
            for a, b in ((table, f"inc.{table}"), (f"inc.{table}", table)):
                extra = con.execute(
                    f"SELECT count(*) FROM (SELECT * FROM {a} EXCEPT ALL SELECT * FROM {b})"
                ).fetchone()[0]
                assert extra == 0, f"{table}: {extra} rows of {a} not in {b}"
        for table in ("bxl_enterprise", "bxl_establishment"):
            rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            assert snapshot.counts[table] == rows
        # The stored classification, reclassified for the touched enterprises only by the
        # update, equals a classification of the whole store.
        mapping, rules, _ = _rules_and_overrides()
        fig.load_rules(con, rules, [])
        fig.store_classification(
            con, fingerprint=rules_fingerprint(rules), mapping_version=mapping.version
        )
        assert con.execute("SELECT incremental FROM inc.cls_meta").fetchone()[0] is True
        assert not store.table_exists(con, "cls_touched_enterprise")
        for table in fig.CLS_TABLES:
            for a, b in ((table, f"inc.{table}"), (f"inc.{table}", table)):
                extra = con.execute(
                    f"SELECT count(*) FROM (SELECT * FROM {a} EXCEPT ALL SELECT * FROM {b})"
                ).fetchone()[0]
                assert extra == 0, f"{table}: {extra} rows of {a} not in {b}"
        con.execute("DETACH inc")
        _, rules, overrides = _rules_and_overrides()
        fig.load_rules(con, rules, overrides)
        fig.classify(con)
        expected = {
            (r.measure, r.sector, r.municipality, r.person_type, r.key): r.value
            for r in fig.compute_figures(con)
        }
    finally:
        con.close()
    stored = {
        (f.measure, f.sector, f.municipality, f.person_type, f.key): f.value
        for f in KboFigure.objects.filter(snapshot=snapshot)
    }
    assert stored == expected


def test_synthetic_update_equals_a_full_rebuild(kbo_data_dir, tmp_path):
    full, update = tmp_path / "full", tmp_path / "update"
    kbo_sample_write(out=full, enterprises=600, seed=3, update_out=update)
    kbo_import(path=full)
    result = kbo_import(path=update, update=True)
    assert_same_as_full_rebuild(result.snapshot, tmp_path)


def _nace(prefix: str) -> str:
    return next(
        r["Code"]
        for r in d.codes()
        if r["Category"] == "Nace2008" and r["Code"].startswith(prefix) and len(r["Code"]) == 5
    )


def test_tricky_update_equals_a_full_rebuild(kbo_data_dir, tmp_path):
    """Owner changes, addresses struck off between the two snapshot dates, activity-only
    changes, deletions and arrivals."""
    it, build = _nace("62"), _nace("43")
    e1, e2, e3, e4 = "0200.000.001", "0200.000.002", "0200.000.003", "0200.000.004"
    s1, s2 = "2.000.000.001", "2.000.000.002"
    struck = d.address(e3, "REGO", "1080", "Sint-Jans-Molenbeek", "Molenbeek-Saint-Jean")
    struck["DateStrikingOff"] = "11-10-2025"  # after the Full's date, on the update's
    full = d.write_full(
        tmp_path / "full",
        {
            "enterprise": [d.enterprise(e) for e in (e1, e2, e3)] + [d.enterprise(e4, kind="1")],
            "establishment": [d.establishment(s1, e1), d.establishment(s2, e4)],
            "address": [
                d.address(e1, "REGO", "1000", "Brussel", "Bruxelles"),
                d.address(s1, "BAET", "1050", "Elsene", "Ixelles"),
                d.address(e2, "REGO", "1000", "Brussel", "Bruxelles"),
                struck,
                d.address(e4, "REGO", "9000", "Gent", "Gand"),
                d.address(s2, "BAET", "9000", "Gent", "Gand"),
            ],
            "activity": [
                d.activity(e1, "2008", it),
                d.activity(s1, "2008", build),
                d.activity(e2, "2008", build),
                d.activity(e3, "2008", it),
                d.activity(s2, "2008", it),
            ],
        },
    )
    update = d.write_update(
        tmp_path / "update",
        deletes={
            "establishment": [s1],
            "enterprise": [e2],
            "activity": [e1],
            "address": [s2],
        },
        inserts={
            "establishment": [d.establishment(s1, e4)],  # s1 moves from e1 to e4
            "activity": [d.activity(e1, "2008", build), d.activity(e1, "2008", it, "SECO")],
            "address": [d.address(s2, "BAET", "1060", "Sint-Gillis", "Saint-Gilles")],
        },
    )
    kbo_import(path=full)
    result = kbo_import(path=update, update=True)
    assert_same_as_full_rebuild(result.snapshot, tmp_path)
    con = duckdb.connect(str(snapshot_store_path(result.snapshot)), read_only=True)
    present = {r[0] for r in con.execute("SELECT enterprise FROM bxl_enterprise").fetchall()}
    con.close()
    assert present == {e1, e4}  # e2 deleted, e3's seat struck off, e4 arrives through s1/s2
