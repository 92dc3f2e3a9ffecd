"""Pages (nl/fr/en), the measure panel, the API, access and moderation."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import coordinator, taskforce, user_with_role
from ecosystem import services
from ecosystem.models import (
    Actor,
    ActorAlias,
    DuplicateCandidate,
    MetricRun,
    Proposal,
    Relation,
    Suggestion,
)

pytestmark = pytest.mark.django_db


def url(name, lang="nl", *args):
    with translation.override(lang):
        return reverse(name, args=args)


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_pages_in_three_languages(client, ecosystem, lang):
    html = client.get(url("ecosystem:index", lang) + "?sector=agrofood").content.decode()
    assert "gap" in html or "kloof" in html or "lacune" in html or 'class="gap"' in html
    assert client.get(url("ecosystem:actors", lang) + "?sector=agrofood").status_code == 200
    actor = client.get(url("ecosystem:actor", lang, "bigh")).content.decode()
    assert "4631" in actor and "/measures/" in actor or "4631" in actor
    assert client.get(url("ecosystem:network", lang) + "?actor=wtcb&depth=2").status_code == 200
    assert client.get(url("ecosystem:network", lang) + "?sector=construction").status_code == 200
    assert client.get(url("ecosystem:map", lang)).status_code == 200
    assert client.get(url("ecosystem:method", lang)).status_code == 200
    assert client.get(url("ecosystem:actor", lang, "no-such-actor")).status_code == 404


def test_network_view_is_capped_with_a_message(client, ecosystem, monkeypatch):
    from ecosystem import selectors

    monkeypatch.setattr(selectors, "GRAPH_NODE_CAP", 2)
    monkeypatch.setattr(selectors.neighbourhood, "__kwdefaults__", {"depth": 1, "cap": 2})
    response = client.get(url("ecosystem:network", "en") + "?actor=wtcb")
    assert response.status_code == 200
    assert "only 2 are drawn" in response.content.decode()


def test_neighbourhood_has_a_table_alternative_and_data_block(client, ecosystem):
    html = client.get(url("ecosystem:network", "en") + "?actor=wtcb").content.decode()
    assert 'id="network-data"' in html and 'id="network-table"' in html
    assert "Greenbizz" in html and "<script>" not in html


def test_exports_use_kumu_columns(client, ecosystem):
    csv = client.get(url("ecosystem:actors", "en") + "?format=csv").content.decode()
    assert csv.lstrip("\ufeff").splitlines()[0].startswith("ID,Label,Type,Description,Tags")
    rel = client.get(url("ecosystem:relations", "en") + "?format=csv").content.decode()
    assert (
        rel.lstrip("\ufeff").splitlines()[0].startswith("ID,From,To,Type,Direction,Strength,Label")
    )


def test_measure_page_lists_linked_actors(client, ecosystem):
    html = client.get(url("plan:measure", "nl", "IC.17")).content.decode()
    assert "/ecosystem/actors/mediapark-brussels/" in html


def test_api(client, ecosystem):
    data = client.get("/api/v1/ecosystem/actors/?limit=5").json()
    assert data["count"] >= 171
    bigh = client.get("/api/v1/ecosystem/actors/bigh/").json()
    assert bigh["municipality"] == "21001" and bigh["sources"]["municipality"]
    assert client.get("/api/v1/ecosystem/relations/?derived=true").json()["count"] > 0
    assert client.get("/api/v1/ecosystem/stages/").status_code == 200
    schema = client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/ecosystem/actors/" in schema


def test_metrics_per_period_through_the_task(ecosystem):
    from ecosystem.tasks import compute_metrics

    compute_metrics.call("2025")
    run = MetricRun.objects.get(period="2025")
    assert run.nodes == Actor.objects.count() and run.edges == Relation.objects.count()
    assert run.actor_metrics.count() == run.nodes


def test_who_edits_and_who_proposes(client, ecosystem):
    client.force_login(coordinator())
    assert client.get(url("ecosystem:moderation")).status_code == 403
    response = client.post(
        url("ecosystem:propose", "nl", "bigh"),
        {"field": "website", "value": "https://example.org/", "note": "n"},
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    editor = taskforce()
    client.force_login(editor)
    assert client.get(url("ecosystem:moderation")).status_code == 200
    client.post(
        url("ecosystem:moderation-action"), {"action": "accept-proposal", "id": proposal.pk}
    )
    bigh = Actor.objects.get(key="bigh")
    assert bigh.website == "https://example.org/"
    assert (
        bigh.sources["website"]["source"]
        == f"proposal #{proposal.pk} by {proposal.proposed_by.username}"
    )
    assert bigh.history.first().history_change_reason.startswith("edited")
    client.force_login(user_with_role("steering"))
    assert (
        client.post(
            url("ecosystem:propose", "nl", "bigh"), {"field": "website", "value": "x"}
        ).status_code
        == 403
    )


def test_duplicates_merge_keeps_old_keys_and_history(ecosystem):
    editor = taskforce()
    a = Actor.objects.create(
        key="acme-1", name_nl="Acme Metaal", origin="editor", kbo_number="0123.456.789"
    )
    b = Actor.objects.create(
        key="acme-2", name_nl="ACME metaal", origin="editor", kbo_number="0123.456.789"
    )
    services.duplicates_detect()
    cand = DuplicateCandidate.objects.get(first=a, second=b)
    assert cand.reason == "same KBO/BCE number"
    services.actors_merge(user=editor, keep=a, other=b, candidate=cand)
    b.refresh_from_db()
    assert b.merged_into == a and b.end_date == datetime.date.today()
    assert ActorAlias.objects.filter(actor=a, kind="key", value="acme-2").exists()
    from ecosystem.selectors import actor_detail

    assert actor_detail(key="acme-2") == a
    assert b.history.count() >= 2


def test_suggestions_are_not_facts_until_accepted(ecosystem):
    editor = taskforce()
    x = Actor.objects.create(key="x-actor", name_nl="X", origin="editor")
    y = Actor.objects.create(key="y-actor", name_nl="Y", origin="editor")
    for hub in ("wtcb", "sirris"):
        h = Actor.objects.get(key=hub)
        for a in (x, y):
            services.relation_create(
                user=editor, source_actor=a, target_actor=h, type="member_of", source="test"
            )
    services.suggestions_compute()
    sug = Suggestion.objects.get(source_actor=x, target_actor=y)
    assert (
        sug.reason == "shared_neighbours"
        and not Relation.objects.filter(source_actor=x, target_actor=y).exists()
    )
    rel = services.suggestion_accept(user=editor, suggestion=sug, type="partners_with")
    assert rel.source.startswith("suggestion accepted by")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.suggestion_accept(user=coordinator(), suggestion=sug, type="partners_with")
