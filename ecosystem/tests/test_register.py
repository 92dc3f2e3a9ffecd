"""Register enterprises are searched and added one at a time (never copied wholesale), and the
stage matrix counts distinct register enterprises per stage — on the economy tests' register."""

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import coordinator, taskforce
from economy.selectors import enterprise_counts_by_nace_prefixes, snapshot_current
from economy.services import kbo_import
from economy.tests import dumps as d
from economy.tests.conftest import _close_store_readers, geo_loaded, kbo_data_dir  # noqa: F401
from economy.tests.test_tricky_entities import E1, E2, E3, tricky_tables
from ecosystem import services
from ecosystem.models import Actor, RegisterCount, ValueChainStage

pytestmark = pytest.mark.django_db

SOURCE = "KBO/BCE open data, snapshot 2025-10-10"


@pytest.fixture
def register(kbo_data_dir, tmp_path):  # noqa: F811
    """The tricky entities of economy's tests as the current snapshot (dated 2025-10-10)."""
    return kbo_import(path=d.write_full(tmp_path / "full", tricky_tables())).snapshot


def url(name, lang="en"):
    with translation.override(lang):
        return reverse(name)


def test_add_from_register_enriches_with_sourced_facts(register):
    editor = taskforce()
    actor = services.actor_add_from_register(user=editor, enterprise_number="0200000043")
    actor.refresh_from_db()
    assert actor.key == "kbo-0200000043" and actor.kbo_number == E1
    assert actor.origin == Actor.Origin.REGISTER and actor.type == Actor.Type.COMPANY
    assert actor.name_nl == "Bouw Antwerpen"
    assert actor.legal_form and actor.legal_form != ""  # the label of legal form 610
    assert actor.nace_codes == ["43211"]  # its establishment's preferred (2025) activity
    assert actor.establishments == 1  # S1, in Brussels
    assert actor.municipality == "21004"  # seat in Antwerp: its establishment's municipality
    assert [s.slug for s in actor.sectors.all()] == ["construction"]
    for fact in ("name", "legal_form", "nace_codes", "establishments", "municipality", "sectors"):
        assert actor.sources[fact] == {
            "source": SOURCE,
            "date": "2025-10-10",
            "by": editor.username,
        }
    assert actor.history.count() == 1
    assert actor.history.first().history_change_reason.startswith("added from the register")


def test_adding_twice_gives_the_existing_actor(register):
    editor = taskforce()
    first = services.actor_add_from_register(user=editor, enterprise_number=E2)
    again = services.actor_add_from_register(user=editor, enterprise_number="BE 0200 000 142")
    assert again.pk == first.pk and Actor.objects.filter(kbo_number=E2).count() == 1
    assert not getattr(again, "added_now", False)
    assert first.name_nl == "Peeters, Ahmed" and first.establishments == 2
    assert first.municipality == "21009"  # natural person: no seat, its first establishment
    # an actor already on the map under its number (a seeded one, say) is that actor
    seeded = Actor.objects.create(key="digital-e", name_nl="Digital E", origin="editor")
    seeded.kbo_number = E3
    seeded.save()
    assert services.actor_add_from_register(user=editor, enterprise_number=E3).pk == seeded.pk


def test_refused_without_access_or_outside_the_region(register):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        services.actor_add_from_register(user=coordinator(), enterprise_number=E1)
    with pytest.raises(ValidationError):
        services.actor_add_from_register(user=taskforce(), enterprise_number="0200.000.439")
    assert not Actor.objects.filter(origin=Actor.Origin.REGISTER).exists()


def test_register_page_task_force_searches_and_adds(client, register):
    client.force_login(taskforce())
    html = client.get(url("ecosystem:register") + "?q=bouw").content.decode()
    assert "Bouw Antwerpen" in html and E1 in html and "snapshot of 2025-10-10" in html
    response = client.post(url("ecosystem:register-add"), {"enterprise": E1})
    actor = Actor.objects.get(kbo_number=E1)
    assert response.status_code == 302 and response["Location"] == reverse(
        "ecosystem:actor", args=[actor.key]
    )
    page = client.get(response["Location"]).content.decode()
    assert "Added from the register." in page and SOURCE in page
    response = client.post(url("ecosystem:register-add"), {"enterprise": E1})
    assert response["Location"].endswith(f"/{actor.key}/")
    assert Actor.objects.filter(kbo_number=E1).count() == 1
    assert "already on the map" in client.get(response["Location"]).content.decode()
    html = client.get(url("ecosystem:register") + "?q=bouw").content.decode()
    assert "already an actor" in html
    assert client.post(url("ecosystem:register-add"), {"enterprise": "1"}).status_code == 404


@pytest.mark.parametrize("who", ["coordinator", "anonymous"])
def test_register_page_refused(client, register, who):
    if who == "coordinator":
        client.force_login(coordinator())
    assert client.get(url("ecosystem:register") + "?q=bouw").status_code == 403
    assert client.post(url("ecosystem:register-add"), {"enterprise": E1}).status_code == 403
    assert not Actor.objects.filter(kbo_number=E1).exists()


def test_register_page_in_french_and_without_a_snapshot(client, kbo_data_dir):  # noqa: F811
    client.force_login(taskforce())
    assert client.get(url("ecosystem:register", "fr") + "?q=x").status_code == 200


# ---------------------------------------------------------------- the stage matrix counts


def test_stage_counts_are_distinct_enterprises_one_query_per_stage(register, monkeypatch):
    from ecosystem.loader import ecosystem_load
    from ecosystem.selectors import stage_matrix
    from ecosystem.tasks import compute_register_counts
    from reference.models import Sector

    ecosystem_load()
    construction = Sector.objects.get(slug="construction")
    # two prefixes of one stage that E1's 43211 both match: once, not twice
    ValueChainStage.objects.create(
        sector=construction, key="test_overlap", name_nl="Test", nace_prefixes=["4321", "43211"]
    )
    from economy import selectors as economy_selectors

    calls = []
    real = economy_selectors.enterprise_counts_by_nace_prefixes

    def counting(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(economy_selectors, "enterprise_counts_by_nace_prefixes", counting)
    written = compute_register_counts.call()
    stages = list(ValueChainStage.objects.select_related("sector"))
    assert len(calls) == len(stages) and written == len(stages) * 20
    snapshot = snapshot_current()
    for stage in stages:
        expected = real(prefixes=stage.nace_prefixes, sector=stage.sector.slug, snapshot=snapshot)
        for row in RegisterCount.objects.filter(stage=stage):
            assert row.nace_prefix == ""
            assert row.enterprises == expected["enterprises"].get(row.municipality, 0)
            assert row.establishments == expected["establishments"].get(row.municipality, 0)
    matrix = stage_matrix(sector=construction)
    cells = {c.stage.key: c for c in matrix["construction"]}
    assert cells["test_overlap"].enterprises == 1 and cells["test_overlap"].establishments == 1
    assert (
        cells["production"].enterprises
        == enterprise_counts_by_nace_prefixes(prefixes=["41", "42", "43"], sector="construction")[
            "enterprises"
        ][""]
    )
    assert cells["production"].enterprises >= 1
    brussels = stage_matrix(sector=construction, municipality="21004")
    assert {c.stage.key: c.enterprises for c in brussels["construction"]}["test_overlap"] == 1
    # a rerun replaces the counts
    assert compute_register_counts.call() == written
    assert RegisterCount.objects.count() == written
    assert RegisterCount.objects.first().snapshot_id == register.pk


def test_matrix_page_shows_the_counts(client, register):
    from ecosystem.loader import ecosystem_load
    from ecosystem.tasks import compute_register_counts

    ecosystem_load()
    compute_register_counts.call()
    html = client.get(url("ecosystem:index") + "?sector=construction").content.decode()
    assert "Register establishments" in html and "not computed" not in html
