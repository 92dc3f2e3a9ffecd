"""The register's read path: search and detail read the classification stored in the snapshot
at import, apply the overrides at read time, and never classify inside a request."""

import ast
from pathlib import Path

import pytest
from django.urls import reverse

from economy import figures as fig
from economy import kbo_store as store
from economy import tasks
from economy.models import ClassificationOverride
from economy.register import rules_fingerprint
from economy.selectors import (
    enterprise_detail,
    enterprise_search,
    enterprises_by,
    register_state,
    snapshot_current,
)
from economy.services import (
    _rules_and_overrides,
    classification_override_remove,
    classification_override_set,
    kbo_import,
    mapping_load,
    snapshot_figures_refresh,
    snapshot_store_path,
)

from . import dumps as d
from .test_incremental_update import assert_same_as_full_rebuild
from .test_tricky_entities import E1, E2, E3, E4, E6, S2, tricky_tables

pytestmark = pytest.mark.django_db
ECONOMY = Path(__file__).resolve().parent.parent


@pytest.fixture
def imported(kbo_data_dir, tmp_path):
    return kbo_import(path=d.write_full(tmp_path / "full", tricky_tables()))


@pytest.fixture
def no_classifying(monkeypatch):
    """Fail if anything classifies or materialises the classification."""

    def refuse(*args, **kwargs):
        raise AssertionError("classified inside a read")

    monkeypatch.setattr(fig, "classify", refuse)
    monkeypatch.setattr(fig, "store_classification", refuse)


def _compare(con, a: str, b: str) -> None:
    for x, y in ((a, b), (b, a)):
        extra = con.execute(
            f"SELECT count(*) FROM (SELECT * FROM {x} EXCEPT ALL SELECT * FROM {y})"
        ).fetchone()[0]
        assert extra == 0, f"{extra} rows of {x} not in {y}"


def test_stored_classification_equals_the_on_the_fly_classification(imported, staff_user):
    classification_override_set(
        enterprise_number=E6, sectors=["manufacturing"], reason="Stage sets.", user=staff_user
    )
    con = store.connect(snapshot_store_path(snapshot_current()), read_only=True)
    try:
        mapping, rules, overrides = _rules_and_overrides()
        assert fig.stored_fingerprint(con) == rules_fingerprint(rules)
        assert con.execute("SELECT mapping_version FROM cls_meta").fetchone()[0] == mapping.version
        # without overrides: the stored tables are the rules-only classification
        fig.load_rules(con, rules, [])
        fig.classify(con)
        _compare(con, "entity_sector", "cls_entity_sector")
        _compare(con, "ent_sector", "cls_ent_sector")
        _compare(
            con, "est_sector", "(SELECT establishment, sector, scope, via_main FROM cls_est_sector)"
        )
        _compare(con, "code_sector", "cls_code_sector")
        # with overrides: the stored tables with the overrides on top give the same
        fig.load_rules(con, rules, overrides)
        fig.classify(con, suffix="_fly")
        fig.apply_overrides(con)
        _compare(con, "ent_sector_fly", "ent_sector")
        _compare(con, "est_sector_fly", "est_sector")
        sectors = dict(con.execute("SELECT enterprise, sectors FROM cls_enterprise").fetchall())
    finally:
        con.close()
    assert sectors == {
        E1: ["construction"],
        E2: ["agrofood", "manufacturing"],
        E3: ["digital"],
        E4: ["creative"],
        E6: ["creative", "digital"],  # stored by the rules; the override applies when read
    }


def test_search_and_detail_read_the_stored_classification(imported, no_classifying, client):
    total, hits = enterprise_search(query="zenne")
    assert total == 1 and hits[0].enterprise_number == E4 and hits[0].sectors == ["creative"]
    assert hits[0].name == "Théâtre Zenne" and hits[0].municipalities == ["21004"]
    assert enterprise_search(query="THEATRE zen")[0] == 1  # accents and case folded, every word
    assert enterprise_search(query="Théâtre Kanaal")[0] == 0
    assert [h.enterprise_number for h in enterprise_search(query="0200.000.2")[1]] == [E3]
    assert [h.enterprise_number for h in enterprise_search(query="200000241")[1]] == [E3]
    assert [h.enterprise_number for h in enterprise_search(query="BE 0200 000 538")[1]] == [E6]
    assert enterprise_search(query="a")[0] == 5  # every name has an "a" (théâtre folded)
    total, hits = enterprise_search(limit=2, offset=1)
    assert total == 5 and [h.enterprise_number for h in hits] == [E2, E3]
    assert enterprise_search(nace="62", municipality="21001")[1][0].enterprise_number == E6
    detail = enterprise_detail(enterprise_number=E2)
    assert detail["person_type"] == "natural" and detail["classification_current"]
    assert [r["sector"] for r in detail["sectors"]] == ["agrofood", "manufacturing"]
    assert [e["establishment"] for e in detail["establishments"]] == [
        "2.100.000.002",
        "2.100.000.003",
    ]
    assert {a["entity"] for a in detail["addresses"]} == {S2, "2.100.000.003"}
    assert register_state().current
    assert client.get(reverse("economy:search"), {"q": "a"}).status_code == 200
    assert client.get(reverse("economy:enterprise", args=[E3])).status_code == 200


def test_an_override_applies_at_read_time_without_recomputing(
    imported, staff_user, monkeypatch, no_classifying
):
    refreshed = []
    monkeypatch.setattr(tasks, "enqueue_figures_refresh", refreshed.append)
    s = imported.snapshot
    before = enterprises_by(snapshot=s, by="sector")
    classification_override_set(
        enterprise_number=E4, sectors=["manufacturing", "health"], reason="R&D.", user=staff_user
    )
    assert refreshed == [s.pk]  # the figures are refreshed later (the task runner)
    assert enterprises_by(snapshot=s, by="sector") == before  # … not inside the request
    total, hits = enterprise_search(sector="health")
    assert total == 1 and hits[0].enterprise_number == E4
    assert hits[0].sectors == ["manufacturing", "health"]
    assert E4 not in {h.enterprise_number for h in enterprise_search(sector="creative")[1]}
    detail = enterprise_detail(enterprise_number=E4)
    assert [r["sector"] for r in detail["sectors"]] == ["manufacturing", "health"]
    assert [r["sector"] for r in detail["sectors_by_nace"]] == ["creative"]
    classification_override_remove(enterprise_number=E4, user=staff_user, expected_version=1)
    assert refreshed == [s.pk, s.pk]
    assert enterprise_search(sector="health")[0] == 0
    assert not ClassificationOverride.objects.exists()


def test_the_figures_refresh_task_applies_overrides(imported, staff_user, monkeypatch):
    s = imported.snapshot
    monkeypatch.setattr(tasks, "enqueue_figures_refresh", lambda snapshot_id: None)
    classification_override_set(
        enterprise_number=E4, sectors=["health"], reason="R&D.", user=staff_user
    )
    assert enterprises_by(snapshot=s, by="sector").get("health", 0) == 0
    monkeypatch.setattr(fig, "classify", lambda *a, **k: pytest.fail("reclassified"))
    assert tasks.figures_refresh.call(s.pk) > 0  # the stored classification + overrides only
    assert enterprises_by(snapshot=s, by="sector")["health"] == 1


def test_a_mapping_change_is_detected_and_recomputed_outside_the_request(
    imported, tmp_path, client, monkeypatch
):
    old_store = snapshot_current().store
    mapping_file = tmp_path / "mapping.yaml"
    mapping_file.write_text(
        'version: "test-2"\ntitle: "Test"\nrules:\n'
        "  - sector: manufacturing\n    scope: core\n    nace2025: ['90']\n"
        "  - sector: digital\n    scope: extended\n    nace2025: ['62']\n"
    )
    mapping_load(path=mapping_file)
    # the stored classification no longer matches the active rules: reads say so, and do not
    # reclassify inside the request
    monkeypatch.setattr(fig, "store_classification", lambda *a, **k: pytest.fail("in request"))
    state = register_state()
    assert not state.current and state.mapping_version == "2025.1"
    detail = enterprise_detail(enterprise_number=E4)
    assert not detail["classification_current"]
    assert [r["sector"] for r in detail["sectors"]] == ["creative"]  # the stored data, marked
    page = client.get(reverse("economy:enterprise", args=[E4])).content.decode()
    assert "2025.1" in page and 'role="note"' in page
    assert 'role="note"' in client.get(reverse("economy:search")).content.decode()
    monkeypatch.undo()
    # the service (load-kbo-mapping, the figures task) reclassifies into a new store
    snapshot_figures_refresh(snapshot=snapshot_current())
    snapshot = snapshot_current()
    assert snapshot.store != old_store and snapshot.mapping_version == "test-2"
    assert not (snapshot_store_path(snapshot).parent.parent / old_store).exists()
    assert register_state().current
    assert enterprise_search(query="zenne")[1][0].sectors == ["manufacturing"]
    assert enterprise_detail(enterprise_number=E3)["sectors"] == [
        {"sector": "digital", "scope": "extended", "via_main": True}
    ]
    assert enterprises_by(snapshot=snapshot, by="sector") == {
        "manufacturing": 2,  # E4, E6 (90)
        "digital": 2,  # E3, E6 (62)
        "other": 2,  # E1, E2
    }
    assert (
        snapshot_figures_refresh(snapshot=snapshot) and snapshot_current().store == snapshot.store
    )


def test_a_daily_update_reclassifies_only_the_touched_enterprises(imported, tmp_path):
    update = d.write_update(
        tmp_path / "update",
        deletes={"denomination": [S2], "activity": [E3]},
        inserts={
            "denomination": [d.name(S2, "Bakkerij Elsene")],
            "activity": [d.activity(E3, "2025", "90111")],
        },
    )
    result = kbo_import(path=update, update=True)
    con = store.connect(snapshot_store_path(result.snapshot), read_only=True)
    try:
        assert con.execute("SELECT incremental FROM cls_meta").fetchone()[0] is True
        assert {r[0] for r in con.execute("SELECT enterprise FROM bxl_enterprise").fetchall()} == {
            E1,
            E2,
            E3,
            E4,
            E6,
        }
    finally:
        con.close()
    # the incremental result equals a classification of the whole store (and figures)
    assert_same_as_full_rebuild(result.snapshot, tmp_path)
    assert [h.enterprise_number for h in enterprise_search(query="elsene bakkerij")[1]] == [E2]
    assert enterprise_search(query="zenne")[1][0].sectors == ["creative"]
    assert enterprise_detail(enterprise_number=E3)["sectors"][0]["sector"] == "creative"


def _imports(path: Path) -> set[str]:
    """Every module a file imports, relative ones as written (`.services`)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            found.add(base)
            if base.endswith("."):
                found.update(base + a.name for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_the_read_path_does_not_import_the_write_path():
    write_path = {".services", "economy.services", ".tasks", "economy.tasks"}
    for module in ("selectors.py", "presenters.py", "register.py"):
        imports = _imports(ECONOMY / module)
        assert not imports & write_path, (module, imports & write_path)
    presenters = (ECONOMY / "presenters.py").read_text()
    assert "kbo_store" not in presenters and ".execute(" not in presenters  # no SQL in presenters
    assert not (ECONOMY / "web_selectors.py").exists()


def test_the_nace_table_equals_a_direct_computation(imported):
    """cls_enterprise_nace holds, per enterprise present, the codes of its own and its
    establishments' preferred activities (any version): the codes of nace_key, and the same as
    a join of the base tables."""
    con = store.connect(snapshot_store_path(snapshot_current()), read_only=True)
    try:
        stored = set(
            con.execute("SELECT enterprise, nace_code FROM cls_enterprise_nace").fetchall()
        )
        from_key = {
            (enterprise, code)
            for enterprise, key in con.execute(
                "SELECT enterprise, nace_key FROM cls_enterprise"
            ).fetchall()
            for code in key.split()
        }
        direct = set(
            con.execute(
                "SELECT DISTINCT se.enterprise, a.nace_code FROM scope_entity se "
                "JOIN activity_pref a ON a.entity = se.entity "
                "WHERE se.enterprise IN (SELECT enterprise FROM bxl_enterprise)"
            ).fetchall()
        )
        order = [r[0] for r in con.execute("SELECT nace_code FROM cls_enterprise_nace").fetchall()]
        indexed = {r[0] for r in con.execute("SELECT table_name FROM duckdb_indexes()").fetchall()}
    finally:
        con.close()
    assert stored == from_key == direct
    assert stored == {
        (E1, "43211"),  # its Brussels establishment's 2025 code (2008 is not preferred)
        (E2, "10711"),
        (E3, "43211"),  # 2025 only (the 2003 and 2008 codes are not preferred), ANCI included
        (E3, "62100"),
        (E4, "90111"),
        (E6, "62100"),
        (E6, "90111"),
    }
    assert order == sorted(order)  # sorted by code: a NACE filter is a range scan
    assert indexed == set(fig.INDEXED_TABLES)
    assert enterprise_search(nace="4321")[0] == 2  # E1, E3
    assert enterprise_search(nace="43.2")[0] == 2
    assert enterprise_search(nace="621")[0] == 2  # E3, E6
    assert enterprise_search(nace="62100")[0] == 2
    assert enterprise_search(nace="621000")[0] == 0
    assert enterprise_search(nace="9")[0] == 2  # E4, E6
    assert enterprise_search(nace="x")[0] == 0


def test_number_prefixes_and_pages(imported, client, monkeypatch):
    # with or without the leading 0 and the dots; a prefix ending on a group
    for query in ("0200", "200", "0200.", "0200.000", "20000", "0200.000.", "200000"):
        assert enterprise_search(query=query)[0] == 5, query
    assert [h.enterprise_number for h in enterprise_search(query="0200.000.3")[1]] == [E4]
    assert enterprise_search(query="0200.000.2411")[0] == 0  # 11 digits: no number
    assert enterprise_search(query="1")[0] == 0  # no number starts with 1 (nor 01)
    # the total and one page come from one search; the other pages are the same rows
    everything = [h.enterprise_number for h in enterprise_search(limit=10)[1]]
    assert everything == [E1, E2, E3, E4, E6]
    assert [h.enterprise_number for h in enterprise_search(limit=2, offset=2)[1]] == [E3, E4]
    assert enterprise_search(limit=2, offset=8) == (5, [])
    assert enterprise_search(limit=2, offset=2, count=False)[0] == -1
    from economy import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    url = reverse("economy:search")
    for page, numbers in (
        ("1", [E1, E2]),
        ("2", [E3, E4]),
        ("3", [E6]),
        ("9", [E6]),
        ("x", [E1, E2]),
    ):
        response = client.get(url, {"page": page})
        assert [h["enterprise_number"] for h in response.context["page"].object_list] == numbers
        assert response.context["total"] == 5


def test_the_active_rules_are_cached_until_they_change(imported, django_assert_num_queries):
    from economy.models import SectorMapping
    from economy.selectors import active_rules, active_rules_fingerprint

    mapping, rules, _overrides = _rules_and_overrides()
    assert active_rules_fingerprint() == rules_fingerprint(rules)
    with django_assert_num_queries(1):  # the state key only
        assert active_rules_fingerprint() == rules_fingerprint(rules)
    # a rule edited on its own (the admin's SectorRule page): a new fingerprint
    rule = mapping.rules.order_by("pk").first()
    rule.prefix = rule.prefix + "9"
    rule.save()
    changed = [(r.nace_version, r.prefix, r.sector, r.scope) for r in mapping.rules.all()]
    assert active_rules_fingerprint() == rules_fingerprint(changed) != rules_fingerprint(rules)
    assert (rule.nace_version, rule.prefix) in active_rules().by_prefix
    rule.delete()
    assert active_rules_fingerprint() == rules_fingerprint(
        [(r.nace_version, r.prefix, r.sector, r.scope) for r in mapping.rules.all()]
    )
    SectorMapping.objects.update(is_active=False)
    assert active_rules() is None and active_rules_fingerprint() is None
