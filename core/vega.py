"""Vega-Lite chart specs built from plain rows, the same way in every app.

The charts are one labelled image each (the page sets role=img with the spec's description); the
marks carry no ARIA of their own, since the data table beside every chart is its accessible
version. Texts (titles, axis titles) come in already translated; numbers are formatted with the
d3-format string and, when given, the reader's number locale (`number_locale(language)`).

    spec = vega.chart(
        title="Jobs",
        layers=[vega.line_layer(rows, x_title="Period", y_title="jobs")],
        locale=vega.number_locale("nl"),
    )
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from core import formats

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
FONT = "Source Sans 3, Segoe UI, Arial, sans-serif"
COLOR = "#0b4f8a"
TEXT_COLOR = "#1b1f24"
HEIGHT = 280
NUMBER_FORMAT = ","  # thousands grouped, decimals as they are


def number_locale(language: str) -> dict:
    """Vega's number locale (decimal mark, thousands separator) of a language, the same marks as
    core.formats: "22.115,5" in Dutch, "22 115,5" in French, "22,115.5" in English. Axes and
    tooltips use it (chart() puts it in the spec's config, for every axis)."""
    return formats.vega_locale(language)


def encoding(
    *,
    x_title: str,
    y_title: str,
    x_field: str = "period",
    y_field: str = "value",
    x_type: str = "ordinal",
    number_format: str = NUMBER_FORMAT,
    x_domain: Sequence | None = None,
) -> dict:
    """x and y with their axis titles, and a tooltip giving both (y in the number format)."""
    x = {"field": x_field, "type": x_type, "title": x_title}
    if x_domain is not None:
        x["scale"] = {"domain": list(x_domain)}
    return {
        "x": x,
        "y": {"field": y_field, "type": "quantitative", "title": y_title},
        "tooltip": [
            {"field": x_field, "title": x_title},
            {"field": y_field, "title": y_title, "format": number_format},
        ],
    }


def line_layer(
    rows: Iterable[dict],
    *,
    x_title: str,
    y_title: str,
    x_field: str = "period",
    y_field: str = "value",
    x_type: str = "ordinal",
    number_format: str = NUMBER_FORMAT,
    x_domain: Sequence | None = None,
    points: bool = True,
    color: str = COLOR,
) -> dict:
    """The rows as a line (with a filled point on each value unless `points` is off)."""
    marks = [{"mark": {"type": "line", "color": color, "aria": False}}]
    if points:
        marks.append(
            {"mark": {"type": "point", "filled": True, "size": 80, "color": color, "aria": False}}
        )
    return {
        "data": {"values": list(rows)},
        "layer": marks,
        "encoding": encoding(
            x_title=x_title,
            y_title=y_title,
            x_field=x_field,
            y_field=y_field,
            x_type=x_type,
            number_format=number_format,
            x_domain=x_domain,
        ),
    }


def bar_layer(
    rows: Iterable[dict],
    *,
    x_title: str,
    y_title: str,
    x_field: str = "period",
    y_field: str = "value",
    x_type: str = "ordinal",
    number_format: str = NUMBER_FORMAT,
    x_domain: Sequence | None = None,
    color: str = COLOR,
) -> dict:
    """The rows as vertical bars."""
    return {
        "data": {"values": list(rows)},
        "mark": {"type": "bar", "color": color, "aria": False},
        "encoding": encoding(
            x_title=x_title,
            y_title=y_title,
            x_field=x_field,
            y_field=y_field,
            x_type=x_type,
            number_format=number_format,
            x_domain=x_domain,
        ),
    }


def rule_layers(rules: list[dict], *, colors: dict[str, str]) -> list[dict]:
    """Horizontal dashed reference lines (e.g. a baseline and targets), each with its label.

    `rules` are {"value", "label", "kind"} rows; `colors` maps each kind to its colour."""
    if not rules:
        return []
    return [
        {
            "data": {"values": rules},
            "mark": {"type": "rule", "strokeDash": [6, 4], "strokeWidth": 2, "aria": False},
            "encoding": {
                "y": {"field": "value", "type": "quantitative"},
                "color": {
                    "field": "kind",
                    "type": "nominal",
                    "scale": {"domain": list(colors), "range": list(colors.values())},
                    "legend": None,
                },
            },
        },
        {
            "data": {"values": rules},
            "mark": {
                "type": "text",
                "align": "left",
                "dx": 4,
                "dy": -6,
                "color": TEXT_COLOR,
                "aria": False,
            },
            "encoding": {
                "y": {"field": "value", "type": "quantitative"},
                "x": {"value": 0},
                "text": {"field": "label"},
            },
        },
    ]


def chart(
    *,
    title: str,
    layers: list[dict],
    height: int = HEIGHT,
    locale: dict | None = None,
) -> dict:
    """The top-level spec: the layers under a title, as wide as their container."""
    config: dict = {"aria": False, "font": FONT, "axis": {"labelFontSize": 12}}
    # Axis labels and tooltips in the reader's number marks ("2.500" in Dutch, never "2,500").
    config["locale"] = {"number": locale if locale is not None else formats.vega_locale()}
    return {
        "$schema": SCHEMA,
        "description": title,
        "title": {"text": title, "aria": False},
        "width": "container",
        "height": height,
        "layer": layers,
        "config": config,
    }


def line_chart(
    rows: Iterable[dict],
    *,
    title: str,
    x_title: str,
    y_title: str,
    number_format: str = NUMBER_FORMAT,
    locale: dict | None = None,
    **options,
) -> dict:
    """A line chart of the rows ({x_field, y_field} dicts)."""
    layer = line_layer(
        rows, x_title=x_title, y_title=y_title, number_format=number_format, **options
    )
    return chart(title=title, layers=[layer], locale=locale)


def bar_chart(
    rows: Iterable[dict],
    *,
    title: str,
    x_title: str,
    y_title: str,
    number_format: str = NUMBER_FORMAT,
    locale: dict | None = None,
    **options,
) -> dict:
    """A bar chart of the rows ({x_field, y_field} dicts)."""
    layer = bar_layer(
        rows, x_title=x_title, y_title=y_title, number_format=number_format, **options
    )
    return chart(title=title, layers=[layer], locale=locale)
