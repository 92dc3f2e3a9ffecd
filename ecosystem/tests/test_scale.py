"""What keeps the map fast at 100,000 actors and 1,000,000 relations (benchmarks/ecosystem.py):
fast inserts that still write one history row per row, capped network views that say so, and a
matrix counted without loading its actors."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from ecosystem import selectors
from ecosystem.importing import ecosystem_import
from ecosystem.models import Actor, Relation, ValueChainStage

from .test_import import ACTORS, RELATIONS, write

pytestmark = pytest.mark.django_db


def test_import_writes_one_history_row_per_new_row(tmp_path, ecosystem):
    actors, relations = Actor.history.count(), Relation.history.count()
    a, r = write(tmp_path, "actors.csv", ACTORS), write(tmp_path, "relations.csv", RELATIONS)
    result = ecosystem_import(actors_file=a, relations_file=r, by="tester")
    assert (result.actors_created, result.actors_changed, result.relations_created) == (2, 0, 2)
    assert Actor.history.count() == actors + 2 and Relation.history.count() == relations + 2
    acme = Actor.objects.get(key="acme")
    entry = acme.history.get()
    assert (entry.history_type, entry.history_change_reason) == ("+", "import by tester")
    assert entry.name_nl == "Acme Metaal" and entry.sources == acme.sources
    assert acme.created_at is not None and acme.search_key == "acme metaal acme"
    assert acme.latitude == 50.83 and acme.sources["name"]["source"] == "survey 2026"
    assert [s.slug for s in acme.sectors.all()] == ["manufacturing"]
    assert [m.code for m in acme.measures.all()] == ["M.1"]
    rel = Relation.objects.get(source_actor=acme)
    assert rel.history.get().history_type == "+" and rel.strength == 3 and not rel.directed


@pytest.fixture
def star(ecosystem):
    """A hub with six neighbours of strengths 1–6, one of which has two more neighbours."""
    hub = Actor.objects.create(key="hub", name_nl="Hub", origin="editor")
    spokes = [
        Actor.objects.create(key=f"spoke-{i}", name_nl=f"S{i}", origin="editor") for i in range(6)
    ]
    for i, s in enumerate(spokes):
        Relation.objects.create(
            key=f"h{i}", source_actor=hub, target_actor=s, type="funds", strength=i + 1
        )
    for j in range(2):
        far = Actor.objects.create(key=f"far-{j}", name_nl=f"F{j}", origin="editor")
        Relation.objects.create(
            key=f"f{j}", source_actor=spokes[0], target_actor=far, type="supplies"
        )
    return hub, spokes


def test_a_capped_neighbourhood_keeps_the_strongest_and_says_more_than(star):
    hub, spokes = star
    graph = selectors.neighbourhood(actor=hub, cap=4)
    kept = {a.key for a in graph.nodes}
    assert kept == {"hub", "spoke-5", "spoke-4", "spoke-3"}  # strongest relations first
    assert graph.capped and graph.total_is_lower_bound
    full = selectors.neighbourhood(actor=hub, depth=2, cap=100)
    assert not full.capped and full.total_nodes == 9 and len(full.relations) == 8
    assert {a.key for a in selectors.neighbourhood(actor=spokes[0], depth=2).nodes} >= {
        "far-0",
        "hub",
        "spoke-5",
    }


def test_the_network_page_says_what_it_left_out(client, star, monkeypatch):
    monkeypatch.setattr(selectors, "GRAPH_RELATION_CAP", 2)
    monkeypatch.setattr(selectors._relations_among, "__defaults__", (2,))
    monkeypatch.setattr(selectors.neighbourhood, "__kwdefaults__", {"depth": 1, "cap": 4})
    monkeypatch.setattr(selectors, "GRAPH_NODE_CAP", 4)
    with translation.override("en"):
        html = client.get(reverse("ecosystem:network") + "?actor=hub").content.decode()
    assert "more than 5 actors; only 4 are drawn" in html  # 7, not counted to the end
    assert "Only the 2 strongest relations" in html
    assert html.count("<tr><td><a") == 2  # the table has what is drawn


def test_matrix_counts_placed_actors_without_closed_ones(ecosystem):
    stage = ValueChainStage.objects.select_related("sector").first()
    actors = [
        Actor.objects.create(key=f"placed-{i}", name_nl=f"P{i:02}", origin="editor")
        for i in range(12)
    ]
    for a in actors:
        a.stages.add(stage)
    actors[0].end_date = datetime.date(2025, 1, 1)
    actors[0].save()
    cell = next(
        c
        for c in selectors.stage_matrix(sector=stage.sector)[stage.sector.slug]
        if c.stage == stage
    )
    assert cell.actor_count == 11 and not cell.is_gap
    assert len(cell.actors) == selectors.CELL_ACTORS and actors[0] not in cell.actors
    assert [a.name_nl for a in cell.actors] == sorted(a.name_nl for a in cell.actors)
