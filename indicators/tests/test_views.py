"""The boordtabel pages in each language, their filters and downloads."""

import csv
import io
import json
import re

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from indicators.models import Indicator, Observation
from indicators.tests.factories import ObservationFactory

pytestmark = pytest.mark.django_db
LANGS = ["nl", "fr", "en"]


def url(name, lang="nl", **kwargs):
    with translation.override(lang):
        return reverse(f"indicators:{name}", kwargs=kwargs or None)


def test_overview_is_at_boordtabel():
    assert url("overview", "fr") == "/fr/boordtabel/"
    assert url("detail", code="T1-JOBS") == "/nl/boordtabel/T1-JOBS/"
    assert url("method", "en") == "/en/boordtabel/method/"


@pytest.mark.parametrize(
    ("lang", "figures"),
    [
        ("nl", ["22.115", "33.013", "667.889", "3,3", "85.000", "5.220"]),
        ("fr", ["22\u202f115", "33\u202f013", "667\u202f889", "3,3", "85\u202f000"]),
        ("en", ["22,115", "33,013", "667,889", "3.3", "85,000"]),
    ],
)
def test_overview_shows_table1_and_context_figures_in_each_language(client, lang, figures):
    response = client.get(url("overview", lang))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    for figure in figures:
        assert figure.replace("\u202f", "\xa0") in html or figure in html, figure
    for indicator in Indicator.objects.all():
        assert f'href="/{lang}/boordtabel/{indicator.code}/' in html
    assert "NACE-2" in html


def test_overview_tiles_show_period_status_and_target(client):
    html = client.get(url("overview", "en")).content.decode()
    assert "Period 2014" in html
    assert "Not enough data" in html
    # The next official milestone of the charging points (which one depends on today's date).
    assert re.search(r"target (9,500 by 2025|22,000 by 2035)", html)
    assert "Not assessed (context figure)" in html


def test_overview_groups_by_challenge_and_by_sector(client):
    html = client.get(url("overview", "en")).content.decode()
    assert "3.1 " in html and "3.2 " in html
    by_sector = client.get(url("overview", "en") + "?group=sector").content.decode()
    # In the construction group, the jobs tile shows the construction series.
    construction = by_sector.split('id="group-1"')[1].split('id="group-2"')[0]
    assert "33,013" in construction
    assert "/en/boordtabel/T1-JOBS/?sector=construction" in construction


@pytest.mark.parametrize(
    ("query", "present", "absent"),
    [
        ("kind=realisation", "R-QUICK-WINS", "T1-JOBS"),
        ("challenge=3.2", "CTX-CHARGING-POINTS", "T1-JOBS"),
        ("sector=agrofood", "CTX-FEDERATIONS-JOBS", "CTX-GHG"),
        ("status=not_assessed", "T1-HIGHER-ED", "T1-JOBS"),
        ("q=laadpunten", "CTX-CHARGING-POINTS", "CTX-FAST-CHARGING"),
    ],
)
def test_overview_filters(client, query, present, absent):
    html = client.get(url("overview", "nl") + "?" + query).content.decode()
    assert f"/boordtabel/{present}/" in html
    assert f"/boordtabel/{absent}/" not in html


def test_overview_exports_the_filtered_list(client):
    response = client.get(url("overview") + "?kind=context&format=csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response["Content-Disposition"] == 'attachment; filename="boordtabel.csv"'
    assert {r["kind"] for r in rows} == {"context"}
    assert {r["code"]: r["latest_value"] for r in rows}["CTX-FEDERATIONS-JOBS"] == "85000"
    xlsx = client.get(url("overview") + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[1]][:3] == ["code", "name_nl", "name_fr"]
    data = json.loads(client.get(url("overview") + "?format=json").content)
    assert len(data) == Indicator.objects.count()


@pytest.mark.parametrize("lang", LANGS)
def test_indicator_page_has_chart_table_metadata_and_sources(client, lang):
    response = client.get(url("detail", lang, code="T1-JOBS"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="chart-spec"' in html and "vega-lite.min.js" in html and "vega-embed.min.js" in html
    assert "/static/bruprod/vendor/vega/vega.min.js" in html
    assert 'id="observations-table"' in html
    assert "Tabel 1" in html  # the source section, as printed
    assert 'name="sector"' in html
    assert "/boordtabel/method/" in html


def test_indicator_table_is_server_rendered_and_follows_the_disaggregation(client):
    total = client.get(url("detail", "en", code="T1-JOBS")).content.decode()
    table = total.split('id="observations-table"')[1].split("</table>")[0]
    assert "667,889" in table and "33,013" not in table
    construction = client.get(url("detail", "en", code="T1-JOBS") + "?sector=construction")
    table = construction.content.decode().split('id="observations-table"')[1].split("</table>")[0]
    assert "33,013" in table and "667,889" not in table
    assert '<option value="construction" selected>' in construction.content.decode()


def test_headline_series_is_the_default_and_total_can_be_chosen(client):
    html = client.get(url("detail", "en", code="T1-EMP-SHARE")).content.decode()
    assert '<option value="manufacturing" selected>' in html
    total = client.get(url("detail", "en", code="T1-EMP-SHARE") + "?sector=").content.decode()
    assert '<option value="" selected>' in total


def test_nace2_caveat_is_shown_with_the_creative_series(client):
    html = client.get(url("detail", "en", code="T1-JOBS") + "?sector=creative").content.decode()
    assert "NACE-2" in html


def test_chart_spec_has_baseline_and_target_rules(client):
    indicator = Indicator.objects.get(code="CTX-CHARGING-POINTS")
    ObservationFactory(indicator=indicator, period="2023", value=3000, vintage="2024")
    response = client.get(url("detail", "en", code="CTX-CHARGING-POINTS"))
    spec = json.loads(
        response.content.decode()
        .split('<script id="chart-spec" type="application/json">')[1]
        .split("</script>")[0]
    )
    rules = spec["layer"][1]["data"]["values"]
    assert {r["value"] for r in rules} == {20000, 9500, 22000}
    assert spec["description"]
    jobs = client.get(url("detail", "en", code="T1-JOBS")).content.decode()
    spec = json.loads(jobs.split('type="application/json">')[1].split("</script>")[0])
    assert spec["layer"][1]["data"]["values"][0] == {
        "value": 667889,
        "label": "Baseline 2014",
        "kind": "baseline",
    }


def test_indicator_downloads_in_the_tidy_import_layout(client):
    response = client.get(url("detail", code="T1-JOBS") + "?format=csv")
    assert response["Content-Disposition"] == 'attachment; filename="indicator-T1-JOBS.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 6
    assert {"indicator", "period", "sector", "value", "unit", "vintage"} <= set(rows[0])
    assert {r["sector"]: r["value"] for r in rows}["manufacturing"] == "22115"
    xlsx = client.get(url("detail", code="T1-JOBS") + "?format=xlsx")
    assert load_workbook(io.BytesIO(xlsx.content)).active.max_row == 7
    data = json.loads(client.get(url("detail", code="T1-JOBS") + "?format=json").content)
    assert data["code"] == "T1-JOBS" and len(data["observations"]) == 6


def test_revisions_stay_visible(client):
    indicator = Indicator.objects.get(code="CTX-FEDERATIONS-JOBS")
    ObservationFactory(indicator=indicator, period="2024", value=86000, vintage="2025")
    html = client.get(url("detail", "en", code="CTX-FEDERATIONS-JOBS")).content.decode()
    table = html.split('id="observations-table"')[1].split("</table>")[0]
    assert "86,000" in table and "85,000" not in table
    assert "Earlier releases" in html
    assert "85,000" in html.split("revisions-table")[1]
    assert Observation.objects.filter(indicator=indicator).count() == 2


def test_no_chart_without_figures_but_the_table_says_so(client):
    html = client.get(url("detail", "en", code="CTX-FAST-CHARGING")).content.decode()
    assert 'id="chart-spec"' not in html
    assert "No observation for this series yet." in html


def test_unknown_indicator_is_404(client):
    assert client.get(url("detail", code="NOPE")).status_code == 404


@pytest.mark.parametrize("lang", LANGS)
def test_method_page_documents_the_method(client, lang):
    response = client.get(url("method", lang))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Open SDG" in html
    assert "1.5%" in html and "R &lt;" in html


def test_admin_lists_and_edits_indicators(client, staff_user):
    client.force_login(staff_user)
    for path in (
        "/nl/admin/indicators/indicator/",
        "/nl/admin/indicators/observation/",
        "/nl/admin/indicators/disaggregation/",
        "/nl/admin/indicators/observationimport/",
    ):
        assert client.get(path).status_code == 200, path
    pk = Indicator.objects.get(code="T1-JOBS").pk
    assert client.get(f"/nl/admin/indicators/indicator/{pk}/change/").status_code == 200
