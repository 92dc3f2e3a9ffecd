"""Every page of the portal, in each language, and every export."""

import csv
import io
import json

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from plan.models import Measure, PlanNode
from reference.models import Organisation

pytestmark = pytest.mark.django_db
LANGS = ["nl", "fr", "en"]


def url(name, lang="nl", **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def test_root_redirects_to_a_language(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] in ("/nl/", "/fr/", "/en/")


def test_root_honours_the_browser_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr-BE,fr;q=0.9")
    assert response["Location"] == "/fr/"


@pytest.mark.parametrize("lang", LANGS)
def test_home_shows_counts_matrix_and_quick_wins(client, lang):
    response = client.get(url("plan:home", lang))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert str(Measure.objects.count()) in html
    assert f'href="/{lang}/measures/GMO.1/"' in html  # a quick win
    assert "matrix" in html


def test_home_in_french_reads_french(client):
    html = client.get(url("plan:home", "fr")).content.decode()
    assert "Mesures" in html or "mesures" in html
    assert "Plan industriel" in html


@pytest.mark.parametrize("lang", LANGS)
def test_tree_lists_every_chapter(client, lang):
    response = client.get(url("plan:tree", lang))
    assert response.status_code == 200
    for chapter in PlanNode.objects.filter(kind="chapter", parent__isnull=True):
        assert f"/{lang}/plan/{chapter.key}/" in response.content.decode()


def test_node_page_shows_body_and_measures(client):
    response = client.get(url("plan:node", key="3.1.4.P1"))
    assert response.status_code == 200
    assert "1.1.1" in response.content.decode()
    assert client.get(url("plan:node", key="no.such")).status_code == 404
    exported = json.loads(client.get(url("plan:node", key="3.1.4.P1"), {"format": "json"}).content)
    assert [m["code"] for m in exported][:2] == ["1.1.1", "1.1.2"]
    assert all(m["pillar"] == "3.1.4.P1" for m in exported)


@pytest.mark.parametrize("lang", LANGS)
def test_measure_list_filters_and_search(client, lang):
    response = client.get(url("plan:measures", lang), {"remark": "QW", "sector": "health"})
    assert response.status_code == 200
    expected = Measure.objects.filter(remark_tags__key="QW", sector__slug="health")
    for measure in expected:
        assert f"/{lang}/measures/{measure.code}/" in response.content.decode()
    search = client.get(url("plan:measures", lang), {"q": "synerjob"}).content.decode()
    assert "MET.4.1" in search


def test_measure_list_htmx_returns_only_the_results(client):
    response = client.get(url("plan:measures"), {"sector": "creative"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert "IC.1" in html


def test_measure_list_exports(client):
    params = {"sector": "construction"}
    expected = set(
        Measure.objects.filter(sector__slug="construction").values_list("code", flat=True)
    )
    csv_response = client.get(url("plan:measures"), {**params, "format": "csv"})
    assert csv_response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert {r["code"] for r in rows} == expected
    assert "coordinators" in rows[0]
    xlsx_response = client.get(url("plan:measures"), {**params, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    assert {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)} == expected
    json_response = client.get(url("plan:measures"), {**params, "format": "json"})
    data = json.loads(json_response.content)
    assert {d["code"] for d in data} == expected
    assert all(d["sector"] == "construction" for d in data)


@pytest.mark.parametrize("lang", LANGS)
def test_measure_page_shows_every_field(client, lang):
    response = client.get(url("plan:measure", lang, code="C.3"))
    html = response.content.decode()
    assert response.status_code == 200
    measure = Measure.objects.get(code="C.3")
    assert measure.tr("title", lang)[:40] in html
    assert "/measures/C.8/" in html  # cross-reference
    for coordination in measure.coordinations.all():
        assert f"/organisations/{coordination.organisation.slug}/" in html


def test_measure_page_shows_incoming_references_and_notes(client):
    html = client.get(url("plan:measure", code="C.8")).content.decode()
    assert "/measures/C.3/" in html
    html = client.get(url("plan:measure", code="MET.4.1")).content.decode()
    assert "Brussels Airport House" in html


def test_unknown_measure_is_404(client):
    assert client.get(url("plan:measure", code="Z.99")).status_code == 404


def test_unofficial_translation_is_marked(client):
    fr = client.get(url("plan:measure", "fr", code="1.1.1")).content.decode()
    nl = client.get(url("plan:measure", "nl", code="1.1.1")).content.decode()
    assert 'class="notice"' in fr
    assert 'class="notice"' not in nl


@pytest.mark.parametrize("lang", LANGS)
def test_organisation_pages(client, lang):
    response = client.get(url("plan:organisations", lang))
    assert response.status_code == 200
    actiris = Organisation.objects.get(slug="actiris")
    detail = client.get(url("plan:organisation", lang, slug="actiris")).content.decode()
    assert actiris.tr("name", lang) in detail
    assert "/measures/MET.4.1/" in detail
    assert client.get(url("plan:organisation", lang, slug="nobody")).status_code == 404


def test_organisation_exports(client):
    data = json.loads(client.get(url("plan:organisations"), {"format": "json"}).content)
    actiris = next(row for row in data if row["slug"] == "actiris")
    assert "Actiris via Synerjob" in actiris["printed_forms"]
    detail_csv = client.get(url("plan:organisation", slug="actiris"), {"format": "csv"})
    assert "MET.4.1" in detail_csv.content.decode("utf-8-sig")
    found = json.loads(
        client.get(url("plan:organisations"), {"format": "json", "q": "synerjob"}).content
    )
    assert "actiris" in [row["slug"] for row in found]
    assert "hub-brussels" not in [row["slug"] for row in found]
