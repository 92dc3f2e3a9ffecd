"""Server-rendered SVG charts for the dashboards: pure functions, no JavaScript, no database.

Every chart is an <svg role="img"> with an aria-label that says what it shows; the page always
puts an accessible data table beside it (the chart is a picture of that table, not a substitute).
Text in the SVG is escaped; numbers are formatted for the active language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core import formats

# Colours of the design system (see static/bruprod/css/bruprod.css): text ≥ 4.5:1 on white.
INK = "#1b1f24"
INK_MUTED = "#4f5661"
BRAND = "#0b4f8a"
LINE = "#d5dae0"
TRACK = "#e6f0f9"

WIDTH = 640
ROW_HEIGHT = 24
LABEL_WIDTH = 262
VALUE_WIDTH = 70
LABEL_CHARS = 34


@dataclass(frozen=True)
class Bar:
    """One bar: its label and value (None = no value, drawn as an empty track marked '–')."""

    label: str
    value: float | None


def format_value(value: float | None, unit: str = "") -> str:
    """'42,5 %' in nl/fr, '42.5%' in en, '2.500' (nl) / '2 500' (fr) / '2,500' (en) on axes;
    '–' for a missing value. The one number path: core/formats.py."""
    if value is None:
        return "–"
    if unit == "%":
        return formats.percent(value, 1)
    text = formats.number(round(float(value), 1))
    return f"{text}\u00a0{unit}" if unit else text


def shorten(text: str, limit: int = LABEL_CHARS) -> str:
    """The label cut to `limit` characters with an ellipsis (the full label stays in <title>)."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _scale(value: float, max_value: float, length: float) -> float:
    if max_value <= 0:
        return 0.0
    return round(max(0.0, min(value, max_value)) / max_value * length, 2)


def bar_chart(
    *,
    bars: Sequence[Bar],
    label: str,
    max_value: float | None = 100,
    unit: str = "%",
    formatter: Callable[[float | None, str], str] = format_value,
) -> SafeString:
    """A horizontal bar chart, one row per bar, scaled to max_value (the largest value if None)."""
    values = [b.value for b in bars if b.value is not None]
    top = max_value if max_value is not None else max(values, default=0)
    track = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = max(1, len(bars)) * ROW_HEIGHT + 8
    parts = [
        f'<svg class="chart chart-bars" role="img" aria-label="{escape(label)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(label)}</title>",
    ]
    for index, bar in enumerate(bars):
        y = 4 + index * ROW_HEIGHT
        length = _scale(bar.value, top, track) if bar.value is not None else 0
        parts.append(
            f'<g class="chart-row"><title>{escape(bar.label)}: {escape(formatter(bar.value, unit))}</title>'
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end" font-size="13" fill="{INK}">'
            f"{escape(shorten(bar.label))}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{track}" height="14" fill="{TRACK}"/>'
            f'<rect class="chart-bar" x="{LABEL_WIDTH}" y="{y + 4}" width="{length}" height="14" fill="{BRAND}"/>'
            f'<text x="{WIDTH - VALUE_WIDTH + 6}" y="{y + 16}" font-size="13" fill="{INK}">'
            f"{escape(formatter(bar.value, unit))}</text></g>"
        )
    if not bars:
        parts.append(f'<text x="8" y="20" font-size="13" fill="{INK_MUTED}">–</text>')
    parts.append("</svg>")
    narrow = _bar_chart_narrow(bars=bars, label=label, top=top, unit=unit, formatter=formatter)
    return mark_safe(_responsive("".join(parts), narrow))  # every dynamic text is escaped


def line_chart(
    *,
    points: Sequence[Bar],
    label: str,
    max_value: float = 100,
    unit: str = "%",
    formatter: Callable[[float | None, str], str] = format_value,
) -> SafeString:
    """A line chart of values over ordered categories (e.g. periods); None leaves a gap."""
    wide = _line_svg(points, label, max_value, unit, formatter, width=WIDTH, max_labels=14)
    narrow = _line_svg(points, label, max_value, unit, formatter, width=NARROW_WIDTH, max_labels=7)
    return mark_safe(_responsive(wide, narrow))  # every dynamic text is escaped


def _line_svg(points, label, max_value, unit, formatter, *, width: int, max_labels: int) -> str:
    left, right, top_margin, bottom = 58, 16, 12, 56
    height = 260
    plot_w, plot_h = width - left - right, height - top_margin - bottom
    count = len(points)
    step = plot_w / (count - 1) if count > 1 else 0

    def x_of(index: int) -> float:
        return round(left + (index * step if count > 1 else plot_w / 2), 2)

    def y_of(value: float) -> float:
        return round(top_margin + plot_h - _scale(value, max_value, plot_h), 2)

    parts = [
        f'<svg class="chart chart-line" role="img" aria-label="{escape(label)}" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(label)}</title>",
    ]
    for tick in range(5):
        tick_value = max_value * tick / 4
        y = y_of(tick_value)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y}" y2="{y}" stroke="{LINE}"/>'
            f'<text x="{left - 6}" y="{y + 4}" text-anchor="end" font-size="12" fill="{INK_MUTED}">'
            f"{escape(formatter(tick_value, unit))}</text>"
        )
    # The line, broken where a value is missing.
    segment: list[str] = []
    segments: list[list[str]] = []
    for index, point in enumerate(points):
        if point.value is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        segment.append(f"{x_of(index)},{y_of(point.value)}")
    if segment:
        segments.append(segment)
    for seg in segments:
        if len(seg) > 1:
            parts.append(
                f'<polyline class="chart-line-path" points="{" ".join(seg)}" fill="none" '
                f'stroke="{BRAND}" stroke-width="2.5"/>'
            )
    label_every = max(1, -(-count // max_labels))  # at most ~max_labels category labels
    for index, point in enumerate(points):
        x = x_of(index)
        if point.value is not None:
            parts.append(
                f'<circle cx="{x}" cy="{y_of(point.value)}" r="3.5" fill="{BRAND}">'
                f"<title>{escape(point.label)}: {escape(formatter(point.value, unit))}</title></circle>"
            )
        if index % label_every == 0 or index == count - 1:
            y = height - bottom + 16
            parts.append(
                f'<text x="{x}" y="{y}" font-size="12" fill="{INK}" text-anchor="end" '
                f'transform="rotate(-40 {x} {y})">{escape(shorten(point.label, 16))}</text>'
            )
    if not points:
        parts.append(
            f'<text x="{left}" y="{top_margin + 20}" font-size="13" fill="{INK_MUTED}">–</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


# ---------------------------------------------------------------- small screens
# Below 40rem the page shows a narrower drawing of the same chart (CSS: .chart-wide/.chart-narrow),
# laid out for a 340-unit-wide box: drawn about 1:1 on a 390 px phone, its text stays ≥ 12 px.
NARROW_WIDTH = 340
NARROW_ROW = 40


def _responsive(wide: str, narrow: str) -> str:
    def mark(svg: str, name: str) -> str:
        start = svg.index('class="') + len('class="')
        end = svg.index('"', start)
        return f"{svg[:end]} {name}{svg[end:]}"

    return mark(wide, "chart-wide") + mark(narrow, "chart-narrow")


def _bar_chart_narrow(*, bars, label, top, unit, formatter) -> str:
    """The bar chart for a phone: each label on its own line above its bar and value."""
    value_width = 84
    track = NARROW_WIDTH - value_width - 8
    height = max(1, len(bars)) * NARROW_ROW + 8
    parts = [
        f'<svg class="chart chart-bars" role="img" aria-label="{escape(label)}" '
        f'viewBox="0 0 {NARROW_WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(label)}</title>",
    ]
    for index, bar in enumerate(bars):
        y = 4 + index * NARROW_ROW
        length = _scale(bar.value, top, track) if bar.value is not None else 0
        parts.append(
            f'<g class="chart-row"><title>{escape(bar.label)}: {escape(formatter(bar.value, unit))}</title>'
            f'<text x="0" y="{y + 14}" font-size="14" fill="{INK}">{escape(shorten(bar.label, 40))}</text>'
            f'<rect x="0" y="{y + 20}" width="{track}" height="14" fill="{TRACK}"/>'
            f'<rect class="chart-bar" x="0" y="{y + 20}" width="{length}" height="14" fill="{BRAND}"/>'
            f'<text x="{track + 6}" y="{y + 33}" font-size="14" fill="{INK}">'
            f"{escape(formatter(bar.value, unit))}</text></g>"
        )
    if not bars:
        parts.append(f'<text x="8" y="20" font-size="14" fill="{INK_MUTED}">–</text>')
    parts.append("</svg>")
    return "".join(parts)
