"""The shared map component: core.maps (spec), geo's map features, components/map.html."""

import json
import math

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from core import maps

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[4.3, 50.8], [4.4, 50.8], [4.4, 50.9], [4.3, 50.9], [4.3, 50.8]]],
}
POINT = {"type": "Point", "coordinates": [4.35, 50.85]}


def area(label="A", value=None, **kwargs):
    return maps.feature(SQUARE, label=label, value=value, **kwargs)


def spec(**kwargs):
    defaults = dict(
        id="test-map",
        title="Test map",
        caption="Establishments by area.",
        table_id="test-table",
        layers=[maps.choropleth([area("A", 1), area("B", 5)], name="Establishments")],
        attribution="Boundaries © NGI",
    )
    return maps.MapSpec(**{**defaults, **kwargs})


# ---------------------------------------------------------------- features


def test_feature_is_geojson_with_its_texts_as_plain_properties():
    f = maps.feature(
        {"type": "Point", "coordinates": (4.35, 50.85, 12.0)},
        label="Atelier",
        value=3,
        url="/nl/ecosystem/actors/7/",
        props={"kind": "actor"},
    )
    assert f == {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [4.35, 50.85]},  # altitude dropped
        "properties": {
            "kind": "actor",
            "label": "Atelier",
            "value": 3,
            "value_text": None,
            "url": "/nl/ecosystem/actors/7/",
            "level": None,
        },
    }
    json.dumps(f)


@pytest.mark.parametrize(
    "geometry, message",
    [
        ({"type": "Point", "coordinates": [148000.0, 170000.0]}, "WGS84"),  # Belgian Lambert 72
        ({"type": "Point", "coordinates": [4.35, 95]}, "WGS84"),
        ({"type": "Point", "coordinates": ["4.35", 50.85]}, "number"),
        ({"type": "Point", "coordinates": [True, 50.85]}, "number"),
        ({"type": "Point", "coordinates": [math.nan, 50.85]}, "finite"),
        ({"type": "Point", "coordinates": [4.35]}, "position"),
        ({"type": "Polygon", "coordinates": [[[4.3, 50.8], [4.4, 50.8], [4.4, 50.9]]]}, "4"),
        (
            {"type": "Polygon", "coordinates": [[[4.3, 50.8], [4.4, 50.8], [4.4, 50.9], [4, 50]]]},
            "closed",
        ),
        ({"type": "MultiPolygon", "coordinates": []}, "part"),
        ({"type": "GeometryCollection", "geometries": []}, "unsupported"),
        ("POINT(4.35 50.85)", "unsupported"),
    ],
)
def test_feature_refuses_what_is_not_wgs84_geojson(geometry, message):
    with pytest.raises(ValueError, match=message):
        maps.feature(geometry, label="x")


def test_feature_refuses_unsafe_links_missing_labels_and_reserved_props():
    for url in ("javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "/a b"):
        with pytest.raises(ValueError):
            maps.feature(POINT, label="x", url=url)
    assert maps.feature(POINT, label="x", url="https://kbopub.economie.fgov.be/")
    with pytest.raises(ValueError, match="label"):
        maps.feature(POINT, label="  ")
    with pytest.raises(ValueError, match="props"):
        maps.feature(POINT, label="x", props={"url": "/"})
    with pytest.raises(ValueError, match="level"):
        maps.feature(POINT, label="x", level=6)


def test_simplify_drops_vertices_closer_than_the_tolerance_and_keeps_rings_closed():
    wiggly = [[round(4.3 + i * 0.001, 5), 50.8 + (0.00001 if i % 2 else 0)] for i in range(101)]
    ring = [*wiggly, [4.4, 50.9], [4.3, 50.9], [4.3, 50.8]]
    f = maps.feature({"type": "Polygon", "coordinates": [ring]}, label="x", simplify=0.0001)
    (out,) = f["geometry"]["coordinates"]
    assert out == [[4.3, 50.8], [4.4, 50.8], [4.4, 50.9], [4.3, 50.9], [4.3, 50.8]]
    # A ring smaller than the tolerance keeps its vertices; without `simplify` nothing changes.
    tiny = [[4.3, 50.8], [4.30001, 50.8], [4.30001, 50.80001], [4.3, 50.8]]
    multi = {"type": "MultiPolygon", "coordinates": [[ring], [tiny]]}
    assert maps.simplify_geometry(multi, 0.0001)["coordinates"][1] == [tiny]
    assert maps.feature(multi, label="x")["geometry"]["coordinates"][0][0] == ring
    line = maps.simplify_geometry({"type": "LineString", "coordinates": wiggly}, 0.0001)
    assert line["coordinates"] == [wiggly[0], wiggly[-1]]


# ---------------------------------------------------------------- classes


def test_quantile_levels_hold_about_as_many_values_each():
    levels = maps.choropleth_levels([0, None, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    assert [(lv.level, lv.low, lv.high) for lv in levels] == [
        (1, 1, 2),
        (2, 3, 4),
        (3, 5, 6),
        (4, 7, 8),
        (5, 9, 10),
    ]
    assert [lv.color for lv in levels] == list(maps.SEQUENTIAL)


def test_levels_never_repeat_and_use_the_palette_from_light_to_dark():
    levels = maps.choropleth_levels([5, 5, 5, 5, 100])
    assert [(lv.low, lv.high) for lv in levels] == [(5, 5), (6, 100)]
    assert [lv.color for lv in levels] == [maps.SEQUENTIAL[0], maps.SEQUENTIAL[-1]]
    assert maps.choropleth_levels([]) == maps.choropleth_levels([0, None]) == []
    assert len(maps.choropleth_levels(range(1000))) == maps.MAX_CLASSES


def test_nice_levels_are_round_equal_intervals():
    levels = maps.choropleth_levels([3, 480, 12345], method="nice")
    assert [(lv.low, lv.high) for lv in levels] == [
        (1, 2500),
        (2501, 5000),
        (5001, 7500),
        (7501, 10000),
        (10001, 12500),
    ]
    floats = maps.choropleth_levels([0.4, 2.2, 9.7], method="nice", zero_class=False)
    assert [(lv.low, lv.high) for lv in floats] == [(0, 2), (2, 4), (4, 6), (6, 8), (8, 10)]


def test_levels_of_decimal_values_and_their_limits():
    levels = maps.choropleth_levels([0.5, 1.5, 2.5, 3.5, 4.5], classes=3)
    assert [(lv.low, lv.high) for lv in levels] == [(0.5, 1.5), (2.5, 3.5), (4.5, 4.5)]
    assert [maps.level_of(v, levels) for v in (None, 0, 0.5, 2, 4, 99)] == [None, 0, 1, 2, 3, 3]
    with pytest.raises(ValueError):
        maps.choropleth_levels([-1, 3])
    with pytest.raises(ValueError):
        maps.choropleth_levels([1, 3], classes=6)
    with pytest.raises(ValueError):
        maps.choropleth_levels([1, 3], method="jenks")


def test_palette_is_sequential_and_readable_next_to_the_outline():
    def luminance(color):
        def channel(c):
            c = int(c, 16) / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (channel(color[i : i + 2]) for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    def contrast(a, b):
        high, low = sorted((luminance(a), luminance(b)), reverse=True)
        return (high + 0.05) / (low + 0.05)

    lightness = [luminance(c) for c in (maps.ZERO_COLOR, *maps.SEQUENTIAL)]
    assert lightness == sorted(lightness, reverse=True)  # one hue, light to dark
    # The outline is dark on a white halo: one of the two stands out on every fill (≥ 3:1).
    for fill in (maps.ZERO_COLOR, maps.NO_DATA_COLOR, *maps.SEQUENTIAL):
        assert max(contrast(fill, maps.OUTLINE_COLOR), contrast(fill, maps.HALO_COLOR)) >= 3
    # Markers have a dark border: each categorical colour or its border stands out on white.
    for color in maps.CATEGORICAL:
        assert max(contrast(color, "#ffffff"), contrast("#1b1f24", "#ffffff")) >= 3


# ---------------------------------------------------------------- layers and the spec


def test_choropleth_sets_levels_and_a_legend_without_changing_the_features():
    features = [area("Zero", 0), area("Small", 2), area("Big", 40), area("Unknown")]
    layer = maps.choropleth(features, name="Establishments", unit="establishments")
    assert [f["properties"]["level"] for f in layer.features] == [0, 1, 2, None]
    assert [f["properties"]["level"] for f in features] == [None] * 4
    assert [(e.low, e.high, e.label, e.shape) for e in layer.legend] == [
        (0, 0, "", "square"),
        (2, 2, "", "square"),
        (3, 40, "", "square"),
        (None, None, "No data", "nodata"),
    ]
    assert layer.palette[0] == maps.ZERO_COLOR
    data = layer.as_json()
    assert data["kind"] == "choropleth" and data["unit"] == "establishments"
    assert data["palette"] == {
        "0": maps.ZERO_COLOR,
        "1": maps.SEQUENTIAL[0],
        "2": maps.SEQUENTIAL[-1],
    }
    assert data["data"]["type"] == "FeatureCollection" and len(data["data"]["features"]) == 4


def test_layers_check_their_features():
    with pytest.raises(ValueError, match="choropleth"):
        maps.choropleth([maps.feature(POINT, label="x", value=1)], name="n")
    with pytest.raises(ValueError, match="feature"):
        maps.MapLayer(kind="points", features=[{"type": "Feature", "geometry": POINT}])
    with pytest.raises(ValueError, match="kind"):
        maps.MapLayer(kind="heatmap")
    with pytest.raises(ValueError, match="colour"):
        maps.points([maps.feature(POINT, label="x")], name="n", color="red")
    collection = {"type": "FeatureCollection", "features": [maps.feature(POINT, label="x")]}
    layer = maps.points(collection, name="Actors", color=maps.CATEGORICAL[2])
    assert [e.as_json() for e in layer.legend] == [
        {"color": "#009e73", "label": "Actors", "low": None, "high": None, "shape": "circle"}
    ]
    assert maps.outline(None).features == []
    assert maps.outline(area()).as_json()["color"] == maps.OUTLINE_COLOR


def test_spec_as_json_is_what_map_js_reads():
    s = spec(bounds=(4.24, 50.76, 4.49, 50.92), height=300)
    data = s.as_json()
    assert set(data) == {"version", "id", "title", "height", "bounds", "tiles", "layers", "labels"}
    assert data["bounds"] == [4.24, 50.76, 4.49, 50.92]
    assert data["height"] == 300 and data["tiles"] is None
    assert set(data["labels"]) == {"legend", "no_data", "zoom_in", "zoom_out"}
    assert data["layers"][0]["data"]["features"][1]["properties"]["level"] == 2
    assert json.loads(json.dumps(data)) == data
    assert s.data_id == "test-map-data" and s.credit == "Boundaries © NGI"


def test_spec_checks_ids_bounds_and_height():
    for bad in (
        dict(id="1map"),
        dict(id="a map"),
        dict(table_id='x" onmouseover="y'),
        dict(title=""),
        dict(height=50),
        dict(bounds=(4.49, 50.76, 4.24, 50.92)),
        dict(bounds=(148000, 170000, 150000, 172000)),
        dict(layers=[{"kind": "points"}]),
    ):
        with pytest.raises(ValueError):
            spec(**bad)


def test_tiles_only_when_the_setting_names_them(settings):
    settings.BRUPROD_MAP_TILES = ""
    assert spec().tiles is None
    settings.BRUPROD_MAP_TILES = "/tiles/{z}/{x}/{y}.png"
    assert spec().tiles == {"url": "/tiles/{z}/{x}/{y}.png", "attribution": "", "max_zoom": 18}
    settings.BRUPROD_MAP_TILES = {
        "url": "https://tiles.example.org/{z}/{x}/{y}.png",
        "attribution": "© OpenStreetMap contributors",
        "max_zoom": 17,
    }
    s = spec()
    assert s.as_json()["tiles"]["max_zoom"] == 17
    assert s.credit == "Boundaries © NGI © OpenStreetMap contributors"
    settings.BRUPROD_MAP_TILES = "javascript:alert(1)"
    with pytest.raises(ValueError):
        spec()


# ---------------------------------------------------------------- the template


def test_component_renders_an_accessible_figure_with_its_data_and_assets():
    html = render_to_string("components/map.html", {"map": spec()})
    assert '<figure class="bp-map-figure" id="test-map-figure">' in html
    assert (
        '<div class="bp-map" id="test-map" data-bp-map="test-map-data" role="region" '
        'aria-label="Test map" aria-describedby="test-map-caption test-map-help" tabindex="0">'
    ) in html
    assert (
        '<figcaption><span id="test-map-caption">Establishments by area. <a href="#test-table">'
        in html
    )
    assert 'id="test-map-help"' in html and 'class="bp-map-fallback"' in html
    assert '<span class="bp-map-credit">Boundaries © NGI</span>' in html
    assert '<script id="test-map-data" type="application/json">' in html
    assert html.count('href="/static/bruprod/vendor/leaflet/leaflet.css"') == 1
    assert html.count('src="/static/bruprod/vendor/leaflet/leaflet.js" defer') == 1
    assert html.count('src="/static/bruprod/js/map.js" defer') == 1
    assert "onclick" not in html and "<script>" not in html  # no inline script (CSP)
    start = html.index('type="application/json">') + len('type="application/json">')
    data = json.loads(html[start : html.index("</script>", start)])
    assert data == json.loads(json.dumps(spec().as_json()))

    again = render_to_string("components/map.html", {"map": spec(id="m2"), "map_assets": False})
    assert "leaflet.js" not in again and "map.js" not in again and 'id="m2"' in again


def test_labels_stay_inert_text_in_the_page():
    evil = '</script><b onmouseover="alert(1)">Evil & co</b>'
    s = spec(
        title=evil,
        caption=evil,
        layers=[maps.choropleth([area(evil, 1)], name=evil, unit=evil)],
        attribution=evil,
    )
    html = render_to_string("components/map.html", {"map": s})
    assert "<b" not in html and 'onmouseover="' not in html
    assert "\\u003C/script\\u003E\\u003Cb" in html  # json_script escaped it
    start = html.index('type="application/json">') + len('type="application/json">')
    data = json.loads(html[start : html.index("</script>", start)])
    assert data["layers"][0]["data"]["features"][0]["properties"]["label"] == evil


# ---------------------------------------------------------------- geo's features


@pytest.fixture(scope="module")
def geo_loaded(django_db_setup, django_db_blocker):
    from geo.services import geo_load

    with django_db_blocker.unblock():
        geo_load()


@pytest.mark.django_db
def test_municipality_features_merge_the_municipalities_of_a_shared_area(geo_loaded):
    from geo.selectors import boundary_credit, municipality_features, region_outline_feature

    values = {"21001": 3, "21009": 1, "21018": 2, "21019": 5}
    with translation.override("nl"):
        features = municipality_features(values, url_for=lambda r: f"/nl/economy/?municipality={r}")
    assert len(features) == 14
    by_codes = {tuple(f["properties"]["municipalities"]): f["properties"] for f in features}
    assert sum(len(codes) for codes in by_codes) == 19
    assert by_codes[("21001",)] | {"key": None} == {
        "key": None,
        "municipalities": ["21001"],
        "label": "Anderlecht",
        "value": 3,
        "value_text": None,
        "url": "/nl/economy/?municipality=21001",
        "level": None,
    }
    woluwe = by_codes[("21018", "21019")]
    assert woluwe["value"] == 7 and woluwe["url"] is None
    assert woluwe["label"] == "Sint-Lambrechts-Woluwe / Sint-Pieters-Woluwe"
    assert by_codes[("21009",)]["label"] == "Elsene"

    with translation.override("fr"):
        french = {tuple(f["properties"]["municipalities"]): f for f in municipality_features()}
    assert french[("21009",)]["properties"]["label"] == "Ixelles"
    assert french[("21009",)]["properties"]["value"] is None
    with translation.override("en"):
        english = {tuple(f["properties"]["municipalities"]): f for f in municipality_features()}
    assert english[("21004",)]["properties"]["label"] == "City of Brussels"

    outline = region_outline_feature()
    lines = outline["geometry"]["coordinates"]
    assert outline["geometry"]["type"] == "MultiLineString" and 1 <= len(lines) <= 3
    assert all(line[0] == line[-1] for line in lines)  # closed: the inner edges are gone
    assert outline["properties"]["label"] == "Brussels-Capital Region"
    assert "National Geographic Institute" in boundary_credit() and "`" not in boundary_credit()

    layer = maps.choropleth(features, name="Enterprises")
    assert {f["properties"]["level"] for f in layer.features} <= {0, 1, 2, 3, 4, 5}
    page_size = len(json.dumps(spec(layers=[layer, maps.outline(outline)]).as_json()))
    assert page_size < 120_000  # simplified to ~11 m (660 kB as stored)


def test_outline_of_adjacent_polygons_leaves_out_their_shared_edge():
    from geo.selectors import _outer_boundary

    west = [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]
    east = [[[1, 0], [2, 0], [2, 1], [1, 1], [1, 0]]]
    (line,) = _outer_boundary({"type": "MultiPolygon", "coordinates": [west, east]})
    assert line[0] == line[-1] and len(line) == 7
    edges = {frozenset((tuple(a), tuple(b))) for a, b in zip(line, line[1:], strict=False)}
    assert frozenset({(1, 0), (1, 1)}) not in edges and frozenset({(0, 0), (1, 0)}) in edges


@pytest.mark.django_db
def test_without_boundaries_there_are_no_features():
    from geo.models import BoundaryArea
    from geo.selectors import boundary_credit, municipality_features, region_outline_feature

    BoundaryArea.objects.all().delete()  # rolled back after the test
    assert municipality_features({"21001": 1}) == []
    assert region_outline_feature() is None and boundary_credit() == ""


@pytest.mark.django_db
def test_the_test_page_of_the_e2e_test_renders(client, settings, geo_loaded):
    settings.ROOT_URLCONF = "core.tests.map_urls"
    response = client.get("/map-test/?lang=fr")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="bp-map"') == 2 and html.count("leaflet.js") == 1
    assert 'href="#areas-table"' in html and 'id="areas-table"' in html
    assert "Evere &lt;industriezone&gt;" in html  # escaped in the table, JSON-escaped in the data
