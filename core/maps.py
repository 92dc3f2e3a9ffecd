"""Maps described in Python, drawn in the browser by Leaflet: the one map component of every app.

A presenter describes a map with plain data (no JavaScript, no HTML): GeoJSON features built with
`feature()`, grouped in layers (`choropleth()`, `points()`, `outline()`), in a `MapSpec`. The page
includes `templates/components/map.html`, which puts `spec.as_json()` in a json_script block;
`static/bruprod/js/map.js` draws it with the vendored Leaflet (no CDN, no base tiles unless
`settings.BRUPROD_MAP_TILES` names some). Labels travel as JSON and are set as text by the script:
nothing here is HTML. Numbers travel as numbers and are formatted in the reader's language by the
browser (`Intl.NumberFormat`), unless a feature gives its own `value_text`.

Every map is a picture of a table: the page shows that table and the spec names it (`table_id`),
so the map's caption links to it.

    from core import maps
    from geo.selectors import boundary_credit, municipality_features, region_outline_feature

    spec = maps.MapSpec(
        id="establishments-map",
        title=_("Active establishments by municipality"),
        caption=_("Active establishments by municipality, 2026-06-01."),
        table_id="establishments-table",
        layers=[
            maps.choropleth(
                municipality_features(values, url_for=lambda refnis: f"?municipality={refnis}"),
                name=_("Establishments"),
                unit=_("establishments"),
            ),
            maps.outline(region_outline_feature()),
        ],
        attribution=boundary_credit(),
    )

Coordinates are WGS84 longitude/latitude (EPSG:4326, GeoJSON order); Belgian Lambert or other
projected coordinates are refused with a ValueError.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

LayerKind = Literal["choropleth", "points", "outline"]
KINDS: tuple[str, ...] = ("choropleth", "points", "outline")
MAX_CLASSES = 5

# Sequential single-hue blues (ColorBrewer "Blues"-like, the design system's brand blues): ordered
# by lightness, so they read the same with every colour-vision deficiency and in greyscale.
SEQUENTIAL: tuple[str, ...] = ("#c6dbef", "#8fbce0", "#4a90c8", "#1c64a8", "#07355d")
ZERO_COLOR = "#eef1f4"  # a value of 0 (its own class for counts)
NO_DATA_COLOR = "#ffffff"  # no value: white with a dashed border
AREA_BORDER = "#ffffff"
# Okabe–Ito: categorical colours told apart with every colour-vision deficiency (points layers);
# markers get a dark border, so even the light ones stand out on the light background.
CATEGORICAL: tuple[str, ...] = (
    "#0072b2",
    "#d55e00",
    "#009e73",
    "#cc79a7",
    "#e69f00",
    "#56b4e9",
    "#000000",
)
# The outline is drawn dark on a white halo: it stands out on the lightest and the darkest fill.
OUTLINE_COLOR = "#1b1f24"
HALO_COLOR = "#ffffff"

# Douglas–Peucker tolerance of area boundaries, in degrees (≈ 11 m): the Region's 14 areas go
# from 660 kB to 75 kB of JSON, with no difference visible below zoom level 15.
SIMPLIFY_TOLERANCE = 0.0001
DEFAULT_HEIGHT = 420  # px
MIN_HEIGHT, MAX_HEIGHT = 200, 1000

GEOMETRY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")
LAYER_GEOMETRIES: dict[str, tuple[str, ...]] = {
    "choropleth": ("Polygon", "MultiPolygon"),
    "points": GEOMETRY_TYPES,
    "outline": ("LineString", "MultiLineString", "Polygon", "MultiPolygon"),
}
RESERVED_PROPERTIES = frozenset({"label", "value", "value_text", "url", "level"})
HTML_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")

Number = int | float | Decimal


# ---------------------------------------------------------------- features


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError(f"{what} must be a number, not {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{what} must be finite, not {value!r}")
    return number


def _position(position: Any) -> list[float]:
    if not isinstance(position, list | tuple) or len(position) not in (2, 3):
        raise ValueError(f"a position is [longitude, latitude], not {position!r}")
    lon = _number(position[0], "longitude")
    lat = _number(position[1], "latitude")
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError(
            f"({lon}, {lat}) is not a WGS84 longitude/latitude (EPSG:4326): "
            "reproject Lambert or other projected coordinates first"
        )
    return [lon, lat]  # the altitude, if any, is dropped


def _positions(positions: Any, minimum: int, what: str) -> list[list[float]]:
    if not isinstance(positions, list | tuple) or len(positions) < minimum:
        raise ValueError(f"a {what} needs at least {minimum} positions")
    return [_position(p) for p in positions]


def _ring(ring: Any) -> list[list[float]]:
    out = _positions(ring, 4, "polygon ring")
    if out[0] != out[-1]:
        raise ValueError("a polygon ring must be closed (its last position repeats the first)")
    return out


def _list(value: Any, what: str) -> list | tuple:
    if not isinstance(value, list | tuple) or not value:
        raise ValueError(f"a {what} needs at least one part")
    return value


def validate_geometry(geometry: Mapping) -> dict:
    """A clean copy of a GeoJSON geometry (coordinates as floats, altitudes dropped), or
    ValueError when it is not a supported geometry in WGS84 longitude/latitude."""
    if not isinstance(geometry, Mapping) or geometry.get("type") not in GEOMETRY_TYPES:
        kind = geometry.get("type") if isinstance(geometry, Mapping) else geometry
        raise ValueError(f"unsupported geometry {kind!r}: expected one of {GEOMETRY_TYPES}")
    kind, coordinates = geometry["type"], geometry.get("coordinates")
    if kind == "Point":
        clean: list = _position(coordinates)
    elif kind == "MultiPoint":
        clean = _positions(coordinates, 1, "multipoint")
    elif kind == "LineString":
        clean = _positions(coordinates, 2, "line")
    elif kind == "MultiLineString":
        clean = [_positions(line, 2, "line") for line in _list(coordinates, "multiline")]
    elif kind == "Polygon":
        clean = [_ring(ring) for ring in _list(coordinates, "polygon")]
    else:
        clean = [
            [_ring(ring) for ring in _list(polygon, "polygon")]
            for polygon in _list(coordinates, "multipolygon")
        ]
    return {"type": kind, "coordinates": clean}


def _simplify_line(points: list[list[float]], tolerance: float) -> list[list[float]]:
    """Douglas–Peucker on one line or closed ring (longitudes scaled by cos(latitude), so the
    tolerance is one distance in every direction)."""
    if tolerance <= 0 or len(points) < 3:
        return points
    kx = math.cos(math.radians(sum(p[1] for p in points) / len(points)))
    xy = [(p[0] * kx, p[1]) for p in points]
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = xy[first], xy[last]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        far, far_distance = 0, tolerance
        for i in range(first + 1, last):
            px, py = xy[i]
            if length:
                distance = abs(dy * (px - ax) - dx * (py - ay)) / length
            else:  # a closed ring: its ends are one point
                distance = math.hypot(px - ax, py - ay)
            if distance > far_distance:
                far, far_distance = i, distance
        if far:
            keep[far] = True
            stack += [(first, far), (far, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def simplify_geometry(geometry: Mapping, tolerance: float) -> dict:
    """A validated geometry with its lines and rings simplified (Douglas–Peucker) to `tolerance`
    degrees of latitude (0.0001° ≈ 11 m); a ring too small to keep 4 positions stays as it is.
    Neighbouring areas are simplified separately: gaps of up to the tolerance may show when
    zoomed in far, which a choropleth can live with."""
    clean = validate_geometry(geometry)
    kind, coordinates = clean["type"], clean["coordinates"]

    def ring(r):
        out = _simplify_line(r, tolerance)
        return out if len(out) >= 4 else r

    if kind == "LineString":
        coordinates = _simplify_line(coordinates, tolerance)
    elif kind == "MultiLineString":
        coordinates = [_simplify_line(line, tolerance) for line in coordinates]
    elif kind == "Polygon":
        coordinates = [ring(r) for r in coordinates]
    elif kind == "MultiPolygon":
        coordinates = [[ring(r) for r in polygon] for polygon in coordinates]
    return {"type": kind, "coordinates": coordinates}


def validate_url(url: str) -> str:
    """A link a map may follow: relative, or http(s). Anything else (javascript:, data:) is
    refused."""
    text = str(url).strip()
    if not text or any(ord(ch) < 32 or ch.isspace() for ch in text):
        raise ValueError(f"not a usable link: {url!r}")
    if urlsplit(text).scheme.lower() not in ("", "http", "https"):
        raise ValueError(f"a map links only to http(s) or relative addresses, not {url!r}")
    return text


def feature(
    geometry: Mapping,
    *,
    label: str,
    value: Number | None = None,
    value_text: str | None = None,
    url: str | None = None,
    level: int | None = None,
    props: Mapping[str, Any] | None = None,
    simplify: float = 0.0,
) -> dict:
    """One GeoJSON Feature a map can draw.

    `label` names it (tooltip, keyboard name; already translated); `value` is a number the
    browser formats in the reader's language, `value_text` replaces it when the presenter has
    already formatted it ("12,5 % (2024)"); `url` makes it a link (click, or Enter on the focused
    feature); `level` is its colour class in a choropleth (0 = zero, 1..5; `choropleth()` sets it).
    `props` adds JSON-serialisable properties for the app (they are not shown). `simplify` > 0
    simplifies lines and rings to that many degrees (see SIMPLIFY_TOLERANCE)."""
    if not str(label).strip():
        raise ValueError("a feature needs a label: it is its name for screen readers")
    properties: dict[str, Any] = dict(props or {})
    clash = RESERVED_PROPERTIES & properties.keys()
    if clash:
        raise ValueError(f"props may not set {sorted(clash)}: use the arguments")
    if value is not None:
        number = _number(value, "value")
        value = int(number) if isinstance(value, int) else number
    if level is not None and (isinstance(level, bool) or not 0 <= int(level) <= MAX_CLASSES):
        raise ValueError(f"level must be 0..{MAX_CLASSES}, not {level!r}")
    properties.update(
        label=str(label),
        value=value,
        value_text=str(value_text) if value_text is not None else None,
        url=validate_url(url) if url else None,
        level=int(level) if level is not None else None,
    )
    clean = simplify_geometry(geometry, simplify) if simplify > 0 else validate_geometry(geometry)
    return {"type": "Feature", "geometry": clean, "properties": properties}


def _features(features: Mapping | Iterable[Mapping] | None) -> list[dict]:
    """A list of features from a FeatureCollection, a Feature, or an iterable of features."""
    if features is None:
        return []
    if isinstance(features, Mapping):
        if features.get("type") == "FeatureCollection":
            return list(features.get("features", []))
        return [dict(features)]
    return [dict(f) for f in features if f is not None]


# ---------------------------------------------------------------- choropleth classes


@dataclass(frozen=True)
class Level:
    """One colour class of a choropleth: values with low <= value <= high (both inclusive)."""

    level: int
    low: float
    high: float
    color: str


def _nice_step(raw: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k at least `raw`."""
    if raw <= 0:
        return 1.0
    exponent = math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * 10**exponent
        if step >= raw * (1 - 1e-12):
            return step
    return 10 ** (exponent + 1)  # pragma: no cover - the loop always returns


def choropleth_levels(
    values: Iterable[Number | None],
    *,
    method: Literal["quantile", "nice"] = "quantile",
    classes: int = MAX_CLASSES,
    zero_class: bool = True,
) -> list[Level]:
    """At most `classes` (≤ 5) colour classes for `values` (None and, with `zero_class`, 0 left
    out: they get their own colour).

    "quantile": equal-count breaks (each class holds about as many areas), on the values
    themselves; "nice": equal intervals of a round step (1, 2, 2.5, 5 × 10^k) from 0. Classes
    never overlap and never repeat; with integer values they are contiguous integer ranges
    (1–3, 4–9, …). Values must not be negative (a sequential palette cannot show a sign).
    """
    if not 1 <= classes <= MAX_CLASSES:
        raise ValueError(f"classes must be 1..{MAX_CLASSES}")
    numbers = sorted(_number(v, "value") for v in values if v is not None)
    if numbers and numbers[0] < 0:
        raise ValueError("a sequential choropleth needs values ≥ 0")
    if zero_class:
        numbers = [v for v in numbers if v != 0]
    if not numbers:
        return []
    integers = all(v.is_integer() for v in numbers)
    top = numbers[-1]
    highs: list[float] = []
    if method == "quantile":
        n = len(numbers)
        for k in range(1, classes + 1):
            high = numbers[math.ceil(k * n / classes) - 1]
            if not highs or high > highs[-1]:
                highs.append(high)
    elif method == "nice":
        step = _nice_step(top / classes)
        if integers:
            step = max(1.0, math.ceil(step))
        k = 1
        while not highs or highs[-1] < top:
            highs.append(step * k)
            k += 1
    else:
        raise ValueError(f"unknown method {method!r}: 'quantile' or 'nice'")
    palette = _palette(len(highs))
    levels: list[Level] = []
    for index, high in enumerate(highs):
        previous = highs[index - 1] if index else None
        if method == "nice":  # round ranges: 1–50, 51–100 (integers) or 0–2.5, 2.5–5
            if previous is None:
                low = 1.0 if zero_class and integers else 0.0
            else:
                low = previous + 1 if integers else previous
        elif previous is None:  # quantiles: from the smallest value of the class
            low = numbers[0]
        elif integers:
            low = previous + 1
        else:
            low = min(v for v in numbers if previous < v <= high)
        if integers:
            low, high = float(int(low)), float(int(high))
        levels.append(Level(level=index + 1, low=low, high=high, color=palette[index]))
    return levels


def _palette(count: int) -> tuple[str, ...]:
    """`count` colours of the sequential palette, spread from light to dark."""
    if count >= len(SEQUENTIAL):
        return SEQUENTIAL
    if count == 1:
        return (SEQUENTIAL[2],)
    last = len(SEQUENTIAL) - 1
    return tuple(SEQUENTIAL[round(i * last / (count - 1))] for i in range(count))


def level_of(
    value: Number | None, levels: Sequence[Level], *, zero_class: bool = True
) -> int | None:
    """The colour class of a value: None without a value, 0 for zero (with `zero_class`), else
    the first class whose upper bound holds it (the last one above every bound)."""
    if value is None:
        return None
    number = float(value)
    if zero_class and number == 0:
        return 0
    if not levels:
        return None
    for level in levels:
        if number <= level.high:
            return level.level
    return levels[-1].level


# ---------------------------------------------------------------- layers


@dataclass(frozen=True)
class LegendEntry:
    """One line of a layer's legend: a swatch and either `label` or the range low–high (the
    browser formats the numbers in the reader's language)."""

    color: str
    label: str = ""
    low: float | None = None
    high: float | None = None
    shape: Literal["square", "circle", "line", "nodata"] = "square"

    def as_json(self) -> dict:
        return {
            "color": self.color,
            "label": self.label,
            "low": self.low,
            "high": self.high,
            "shape": self.shape,
        }


@dataclass
class MapLayer:
    """A layer of features of one kind.

    - "choropleth": polygons filled by their `level` (the colours of `palette`), with a legend;
    - "points": circle markers (and polygons, e.g. sites) in `color`, named `name` in the legend;
    - "outline": a dark line on a white halo, drawn on top (the Region), not interactive.

    `name` says what the layer shows (legend title), `unit` follows the values in tooltips and
    the legend, `decimals` is the most decimals the browser shows."""

    kind: LayerKind
    features: Sequence[Mapping] | Mapping = ()
    name: str = ""
    unit: str = ""
    legend: Sequence[LegendEntry] = ()
    color: str = ""
    palette: Mapping[int, str] = field(default_factory=dict)
    decimals: int = 1

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown layer kind {self.kind!r}: one of {KINDS}")
        self.features = _features(self.features)
        allowed = LAYER_GEOMETRIES[self.kind]
        for item in self.features:
            geometry = item.get("geometry") or {}
            properties = item.get("properties") or {}
            if item.get("type") != "Feature" or "label" not in properties:
                raise ValueError("layers take features made with core.maps.feature()")
            if geometry.get("type") not in allowed:
                raise ValueError(
                    f"a {self.kind} layer draws {allowed}, not {geometry.get('type')!r}"
                )
        if not self.color:
            self.color = {"points": CATEGORICAL[0], "outline": OUTLINE_COLOR}.get(
                self.kind, AREA_BORDER
            )
        for color in (self.color, *self.palette.values(), *(e.color for e in self.legend)):
            if not COLOR.match(color):
                raise ValueError(f"colours are #rrggbb, not {color!r}")
        if not 0 <= self.decimals <= 6:
            raise ValueError("decimals must be 0..6")

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "name": self.name,
            "unit": self.unit,
            "color": self.color,
            "decimals": self.decimals,
            "palette": {str(level): color for level, color in self.palette.items()},
            "no_data_color": NO_DATA_COLOR,
            "legend": [entry.as_json() for entry in self.legend],
            "data": {"type": "FeatureCollection", "features": list(self.features)},
        }


def choropleth(
    features: Mapping | Iterable[Mapping],
    *,
    name: str,
    unit: str = "",
    method: Literal["quantile", "nice"] = "quantile",
    classes: int = MAX_CLASSES,
    zero_class: bool = True,
    decimals: int = 1,
) -> MapLayer:
    """Polygons coloured by their `value`: the classes of `choropleth_levels`, each feature's
    `level`, and the legend (zero and "no data" lines only when such areas exist). The features
    are copied, not changed."""
    items = _features(features)
    values = [(item.get("properties") or {}).get("value") for item in items]
    levels = choropleth_levels(values, method=method, classes=classes, zero_class=zero_class)
    out = []
    for item, value in zip(items, values, strict=True):
        level = level_of(value, levels, zero_class=zero_class)
        out.append({**item, "properties": {**(item.get("properties") or {}), "level": level}})
    legend: list[LegendEntry] = []
    if zero_class and any(v is not None and float(v) == 0 for v in values):
        legend.append(LegendEntry(color=ZERO_COLOR, low=0, high=0))
    legend += [LegendEntry(color=lv.color, low=lv.low, high=lv.high) for lv in levels]
    if any(v is None for v in values):
        legend.append(LegendEntry(color=NO_DATA_COLOR, label=_("No data"), shape="nodata"))
    palette = {0: ZERO_COLOR, **{lv.level: lv.color for lv in levels}}
    return MapLayer(
        kind="choropleth",
        features=out,
        name=name,
        unit=unit,
        legend=legend,
        palette=palette,
        decimals=decimals,
    )


def points(
    features: Mapping | Iterable[Mapping],
    *,
    name: str,
    unit: str = "",
    color: str = CATEGORICAL[0],
    decimals: int = 1,
) -> MapLayer:
    """Markers (and site polygons) of one category in one colour; one legend line, `name`. Use
    one layer per category, with the colours of CATEGORICAL in order."""
    return MapLayer(
        kind="points",
        features=features,
        name=name,
        unit=unit,
        color=color,
        legend=[LegendEntry(color=color, label=name, shape="circle")],
        decimals=decimals,
    )


def outline(features: Mapping | Iterable[Mapping] | None, *, name: str = "") -> MapLayer:
    """A boundary drawn on top of the other layers (e.g. `geo.selectors.region_outline_feature()`;
    None draws nothing)."""
    return MapLayer(kind="outline", features=features, name=name, color=OUTLINE_COLOR)


# ---------------------------------------------------------------- the map


def map_tiles() -> dict | None:
    """The optional base tiles, from `settings.BRUPROD_MAP_TILES`: empty (the default) for none,
    a URL template ("/tiles/{z}/{x}/{y}.png"), or {"url": …, "attribution": …, "max_zoom": …}.
    Tiles from another host must also be allowed by the Content-Security-Policy (img-src)."""
    setting = getattr(settings, "BRUPROD_MAP_TILES", "") or ""
    if not setting:
        return None
    config = {"url": setting} if isinstance(setting, str) else dict(setting)
    url = validate_url(config.get("url", ""))
    return {
        "url": url,
        "attribution": str(config.get("attribution", "")),
        "max_zoom": int(config.get("max_zoom", 18)),
    }


@dataclass
class MapSpec:
    """Everything the map component needs.

    `id` is the map element's HTML id (its data is `<id>-data`); `title` its accessible name;
    `caption` the figure's caption (the component adds the link to `table_id`, the id of the
    page's table holding the same data); `height` in px; `bounds` (west, south, east, north in
    lon/lat) to fix the view, else it fits the layers; `attribution` the data's credit, shown
    under the map (with the tiles' credit when there are tiles)."""

    id: str
    title: str
    layers: Sequence[MapLayer]
    caption: str
    table_id: str
    height: int = DEFAULT_HEIGHT
    bounds: tuple[float, float, float, float] | None = None
    attribution: str = ""
    tiles: dict | None = field(default_factory=map_tiles)

    def __post_init__(self):
        for what, value in (("id", self.id), ("table_id", self.table_id)):
            if not HTML_ID.match(value or ""):
                raise ValueError(f"{what} must be an HTML id (a letter, then [A-Za-z0-9_-]*)")
        if not str(self.title).strip():
            raise ValueError("a map needs a title: it is its accessible name")
        if not MIN_HEIGHT <= int(self.height) <= MAX_HEIGHT:
            raise ValueError(f"height must be {MIN_HEIGHT}..{MAX_HEIGHT} px")
        if self.bounds is not None:
            west, south, east, north = (_number(v, "bound") for v in self.bounds)
            _position((west, south))
            _position((east, north))
            if west >= east or south >= north:
                raise ValueError("bounds are (west, south, east, north)")
            self.bounds = (west, south, east, north)
        self.layers = list(self.layers)
        for layer in self.layers:
            if not isinstance(layer, MapLayer):
                raise ValueError("layers are MapLayer objects")

    @property
    def data_id(self) -> str:
        return f"{self.id}-data"

    @property
    def credit(self) -> str:
        """The credit line: the data's attribution and, with tiles, theirs."""
        parts = [self.attribution.strip()]
        if self.tiles and self.tiles.get("attribution"):
            parts.append(self.tiles["attribution"].strip())
        return " ".join(p for p in parts if p)

    def as_json(self) -> dict:
        """What static/bruprod/js/map.js reads (through json_script: safe in HTML as it is)."""
        return {
            "version": 1,
            "id": self.id,
            "title": str(self.title),
            "height": int(self.height),
            "bounds": list(self.bounds) if self.bounds else None,
            "tiles": self.tiles,
            "layers": [layer.as_json() for layer in self.layers],
            "labels": {
                "legend": _("Legend"),
                "no_data": _("No data"),
                "zoom_in": _("Zoom in"),
                "zoom_out": _("Zoom out"),
            },
        }
