"""Test-only URLs: the project's, plus /map-test/, a page with two maps and their tables.

Used by tests/test_e2e_map.py (settings.ROOT_URLCONF = "core.tests.map_urls") and
core/tests/test_maps.py. The page's language comes from ?lang= (nl by default).
"""

from django.http import HttpResponse
from django.template import engines
from django.urls import path
from django.utils import translation

from config.urls import urlpatterns as project_urlpatterns
from core import maps
from geo.selectors import boundary_credit, municipality_features, region_outline_feature

VALUES = {
    "21001": 12345,
    "21004": 8000,
    "21009": 3100,
    "21013": 0,
    "21015": 2,
    "21018": 150,
    "21019": 75,
}
SITES = [
    ("Kanaalzone: Biestebroeck", 4.318, 50.829, 18.5, "/map-test/?site=biestebroeck"),
    ("Haven van Brussel", 4.356, 50.872, 120.0, None),
    ("Evere <industriezone>", 4.405, 50.867, 7.25, "/map-test/?site=evere"),
]

# The policy the site will get: the maps must work under it (violations are console errors).
CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'"

PAGE = """{% extends "base.html" %}{% block title %}Map test{% endblock %}{% block content %}
<h1>Map test</h1>
<h2>Establishments by municipality</h2>
{% include "components/map.html" with map=areas %}
<table class="data-table" id="areas-table">
  <caption>Establishments by municipality</caption>
  <thead><tr><th scope="col">Area</th><th scope="col" class="num">Establishments</th></tr></thead>
  <tbody>{% for f in areas.layers.0.features %}<tr><th scope="row">{{ f.properties.label }}</th><td class="num">{{ f.properties.value }}</td></tr>{% endfor %}</tbody>
</table>
<h2>Sites</h2>
{% include "components/map.html" with map=sites map_assets=False %}
<table class="data-table" id="sites-table">
  <caption>Productive sites</caption>
  <thead><tr><th scope="col">Site</th><th scope="col" class="num">Area (ha)</th></tr></thead>
  <tbody>{% for f in sites.layers.1.features %}<tr><th scope="row">{{ f.properties.label }}</th><td class="num">{{ f.properties.value }}</td></tr>{% endfor %}</tbody>
</table>
{% endblock %}"""


def map_specs() -> dict[str, maps.MapSpec]:
    outline = maps.outline(region_outline_feature())
    areas = maps.MapSpec(
        id="areas-map",
        title="Establishments by municipality",
        caption="Active establishments by municipality (test data).",
        table_id="areas-table",
        layers=[
            maps.choropleth(
                municipality_features(
                    VALUES, url_for=lambda refnis: f"/map-test/?municipality={refnis}"
                ),
                name="Establishments",
                unit="establishments",
            ),
            outline,
        ],
        attribution=boundary_credit(),
    )
    sites = maps.MapSpec(
        id="sites-map",
        title="Productive sites",
        caption="Productive sites (test data).",
        table_id="sites-table",
        height=320,
        layers=[
            outline,
            maps.points(
                [
                    maps.feature(
                        {"type": "Point", "coordinates": [lon, lat]},
                        label=label,
                        value=area,
                        url=url,
                    )
                    for label, lon, lat, area, url in SITES
                ],
                name="Productive sites",
                unit="ha",
                color=maps.CATEGORICAL[1],
                decimals=2,
            ),
        ],
        attribution=boundary_credit(),
    )
    return {"areas": areas, "sites": sites}


def map_page(request):
    lang = request.GET.get("lang", "nl")
    with translation.override(lang if lang in ("nl", "fr", "en") else "nl"):
        html = engines["django"].from_string(PAGE).render(map_specs(), request)
    response = HttpResponse(html)
    response["Content-Security-Policy"] = CSP
    return response


urlpatterns = [path("map-test/", map_page, name="map-test"), *project_urlpatterns]
