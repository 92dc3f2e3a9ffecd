"""The SVG chart helpers: accessible, escaped, scaled, robust to missing values."""

import re

from django.utils import translation

from core import charts
from core.charts import Bar


def wide(svg: str) -> str:
    """The chart as drawn on wide screens (a narrower drawing for phones follows it)."""
    return svg.split("</svg>")[0] + "</svg>"


def bar_widths(svg: str) -> list[float]:
    svg = wide(svg)
    return [
        float(w)
        for w in re.findall(r'class="chart-bar" x="[\d.]+" y="[\d.]+" width="([\d.]+)"', svg)
    ]


def test_bar_chart_is_an_image_with_a_label_and_a_title():
    svg = charts.bar_chart(bars=[Bar("Actiris", 50)], label="Progress by body")
    assert svg.startswith("<svg")
    assert 'role="img"' in svg
    assert 'aria-label="Progress by body"' in svg
    assert "<title>Progress by body</title>" in svg
    assert svg.endswith("</svg>")


def test_bars_are_scaled_to_the_maximum():
    track = charts.WIDTH - charts.LABEL_WIDTH - charts.VALUE_WIDTH
    svg = charts.bar_chart(bars=[Bar("a", 100), Bar("b", 25), Bar("c", 0)], label="x")
    assert bar_widths(svg) == [track, track / 4, 0]


def test_values_beyond_the_scale_are_clipped_and_none_is_an_empty_bar():
    track = charts.WIDTH - charts.LABEL_WIDTH - charts.VALUE_WIDTH
    svg = charts.bar_chart(
        bars=[Bar("over", 150), Bar("under", -5), Bar("missing", None)], label="x"
    )
    assert bar_widths(svg) == [track, 0, 0]
    assert "missing: –" in svg


def test_counts_scale_to_the_largest_value_when_no_maximum_is_given():
    track = charts.WIDTH - charts.LABEL_WIDTH - charts.VALUE_WIDTH
    svg = charts.bar_chart(bars=[Bar("a", 10), Bar("b", 5)], label="x", max_value=None, unit="")
    assert bar_widths(svg) == [track, track / 2]
    assert ">10<" in svg and ">5<" in svg


def test_height_grows_with_the_number_of_bars():
    one = charts.bar_chart(bars=[Bar("a", 1)], label="x")
    ten = charts.bar_chart(bars=[Bar(str(i), i) for i in range(10)], label="x")
    height = lambda svg: int(re.search(r'viewBox="0 0 \d+ (\d+)"', svg).group(1))  # noqa: E731
    assert height(ten) == height(one) + 9 * charts.ROW_HEIGHT


def test_empty_charts_render():
    assert 'role="img"' in charts.bar_chart(bars=[], label="nothing")
    assert 'role="img"' in charts.line_chart(points=[], label="nothing")
    assert "<polyline" not in charts.line_chart(points=[], label="nothing")


def test_text_is_escaped():
    svg = charts.bar_chart(
        bars=[Bar('<script>alert("x")</script>', 10)], label='A "quoted" & <b>label</b>'
    )
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert 'aria-label="A &quot;quoted&quot; &amp; &lt;b&gt;label&lt;/b&gt;"' in svg


def test_long_labels_are_shortened_but_kept_whole_in_the_title():
    label = "Brussel Economie en Werkgelegenheid (Gewestelijke Overheidsdienst Brussel)"
    svg = charts.bar_chart(bars=[Bar(label, 10)], label="x")
    assert f"<title>{label}: 10\u00a0%</title>" in svg
    assert charts.shorten(label) in svg
    assert len(charts.shorten(label)) == charts.LABEL_CHARS
    assert charts.shorten(label).endswith("…")
    assert charts.shorten("short") == "short"


def test_numbers_follow_the_language():
    with translation.override("nl"):
        assert charts.format_value(42.46, "%") == "42,5\u00a0%"
        assert charts.format_value(100.0, "%") == "100\u00a0%"
    with translation.override("en"):
        assert charts.format_value(42.46, "%") == "42.5\u00a0%"
    assert charts.format_value(None, "%") == "–"
    assert charts.format_value(7, "") == "7"


def test_line_chart_draws_points_and_breaks_at_missing_values():
    svg = charts.line_chart(
        points=[
            Bar("2020-h1", 10),
            Bar("2020-h2", 20),
            Bar("2021-h1", None),
            Bar("2021-h2", 40),
            Bar("2022-h1", 50),
        ],
        label="Evolution",
    )
    svg = wide(svg)
    assert 'role="img"' in svg and 'aria-label="Evolution"' in svg
    assert svg.count("<circle") == 4
    assert svg.count("<polyline") == 2  # two segments around the gap
    assert "2021-h1" in svg  # the category label stays on the axis


def test_line_chart_puts_higher_values_higher():
    svg = charts.line_chart(points=[Bar("a", 0), Bar("b", 100)], label="x")
    ys = [float(y) for y in re.findall(r'<circle cx="[\d.]+" cy="([\d.]+)"', svg)]
    assert ys[0] > ys[1]


def test_a_single_point_is_drawn_without_a_line():
    svg = wide(charts.line_chart(points=[Bar("2020-h1", 30)], label="x"))
    assert svg.count("<circle") == 1
    assert "<polyline" not in svg
