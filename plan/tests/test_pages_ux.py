"""The issue "What a civil servant and a citizen hit": the measure page's heading (item 9),
tolerant codes and long searches (item 10), the home page (item 8), keyboard and facets (item 13),
the admin's measure page (item 12)."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from plan.models import Measure, PlanEdition
from plan.presenters import edition_intro
from plan.selectors import SEARCH_MAX_WORDS, measure_canonical_code

pytestmark = pytest.mark.django_db


def nl(name, **kwargs):
    with translation.override("nl"):
        return reverse(name, kwargs=kwargs or None)


def test_the_measure_heading_holds_code_and_title(client):
    measure = Measure.objects.get(code="MET.4.1")
    html = client.get(nl("plan:measure", code="MET.4.1")).content.decode()
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
    assert "MET.4.1" in h1 and measure.title_nl[:40] in h1


@pytest.mark.parametrize("typed", ["met.4.1", "4.1", "4.1.", "Met.4.1", "maatregel 4.1"])
def test_measure_codes_as_people_write_them_redirect_to_the_canonical_one(client, typed):
    assert measure_canonical_code(typed) == "MET.4.1"
    response = client.get(nl("plan:measure", code=typed.strip()))
    assert response.status_code == 301
    assert response["Location"] == nl("plan:measure", code="MET.4.1")


def test_an_unknown_code_is_the_sites_404_page(client):
    response = client.get(nl("plan:measure", code="no-such-code"))
    assert response.status_code == 404
    html = response.content.decode()
    assert 'class="error-page"' in html and 'lang="nl"' in html
    assert nl("plan:measures") in html  # a way on


def test_a_very_long_search_is_cut_and_said_on_the_page_and_refused_by_the_api(client):
    words = " ".join(f"word{i}" for i in range(500))
    response = client.get(nl("plan:measures"), {"q": words})
    assert response.status_code == 200
    assert 'class="notice"' in response.content.decode()
    response = client.get(nl("plan:measures"), {"q": "a" * 60000})
    assert response.status_code == 200
    api = client.get("/api/v1/measures/", {"q": "a" * 60000})
    assert api.status_code == 400 and "q" in api.json()
    api = client.get("/api/v1/measures/", {"q": words})
    assert api.status_code == 400
    ok = client.get("/api/v1/measures/", {"q": " ".join(["fablab"] * SEARCH_MAX_WORDS)})
    assert ok.status_code == 200


def test_the_measure_list_has_a_skip_link_to_results_and_valid_htmx_attributes(client):
    html = client.get(nl("plan:measures")).content.decode()
    assert 'href="#results-title"' in html and 'id="results-title"' in html
    assert " hx-" not in html and "data-hx-get=" in html


def test_filtering_with_htmx_updates_the_facet_counts_out_of_band(client):
    response = client.get(nl("plan:measures"), {"sector": "agrofood"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="facet-fields" data-hx-swap-oob="true"' in html
    full = client.get(nl("plan:measures")).content.decode()
    count = re.compile(r'id="f-kind-table".*?<span class="count">\((\d+)\)</span>', re.S)
    assert int(count.search(html).group(1)) < int(count.search(full).group(1))


def test_the_intro_keeps_its_heading_apart_and_whole_paragraphs():
    edition = PlanEdition.objects.first()
    intro = edition_intro(edition.summary_nl)
    assert intro["heading"].startswith("Industrieplan")
    assert all(p.endswith((".", "?", "!")) for p in intro["paragraphs"])
    assert not intro["paragraphs"][0].startswith("Industrieplan:")


def test_the_home_page_leads_with_where_the_plan_stands_and_explains_the_badges(client):
    html = client.get(nl("plan:home")).content.decode()
    assert 'class="plan-status panel"' in html
    assert html.index("plan-status") < html.index("stats-title")
    assert 'class="glossary"' in html
    for code in ("KT", "€€", "HH", "QW", "PPP", "DAC"):
        assert f'<span class="badge">{code}</span>' in html
    assert "measure-card" not in html  # the quick wins are a condensed list
    assert 'class="compact-list"' in html


def test_measure_card_badges_are_said_in_words(client):
    html = client.get(nl("plan:measures"), {"q": "MET.4.1"}).content.decode()
    card = html[html.index('class="measure-card"') :]
    assert 'aria-hidden="true">KT<' in card or 'aria-hidden="true">MT<' in card
    assert 'class="visually-hidden">Prioriteit:' in card or "Priority:" in card
    assert 'aria-label="Characteristics"' not in card


def test_the_admin_measure_page_labels_every_inline_input(client, staff_user):
    client.force_login(staff_user)
    measure = Measure.objects.get(code="MET.4.1")
    html = client.get(f"/nl/admin/plan/measure/{measure.pk}/change/").content.decode()
    for name in ("coordinations-0-printed", "coordinations-0-order", "coordinations-0-DELETE"):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert "aria-label=" in tag, tag
    assert "select2" not in re.search(r'<select[^>]*name="challenge"[^>]*>', html).group(0)
