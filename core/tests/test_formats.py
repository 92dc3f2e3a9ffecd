"""One formatting path (core/formats.py): numbers, amounts, percentages, dates, chart axes."""

from datetime import date

import pytest
from django.template import Context, Template
from django.utils import translation

from core import charts, formats, vega

NNBSP_OR_NBSP = ("\u00a0", "\u202f")


@pytest.mark.parametrize(
    ("lang", "expected"), [("nl", "2.447"), ("fr", "2\u00a0447"), ("en", "2,447")]
)
def test_numbers_are_grouped_in_the_readers_language(lang, expected):
    assert formats.number(2447, lang=lang) == expected
    with translation.override(lang):
        assert Template("{% load bruprod %}{{ n|num }}").render(Context({"n": 2447})) == expected


def test_amounts_percentages_and_dates():
    assert formats.amount(12000, lang="nl") == "€\u00a012.000"
    assert formats.amount(12000, lang="fr") == "12\u00a0000\u00a0€"
    assert formats.amount("12000.5", lang="nl") == "€\u00a012.000,50"
    assert formats.percent(73.25, lang="nl") == "73,3\u00a0%"
    assert formats.percent(52, lang="fr") == "52\u00a0%"
    assert formats.day(date(2026, 7, 30), lang="nl") == "30 juli 2026"
    assert formats.day(date(2026, 7, 30), lang="fr") == "30 juillet 2026"
    assert formats.number(None) == "–"


def test_years_and_codes_are_not_numbers():
    """Identifiers never pass through formats: templates keep them raw (no '2.026')."""
    with translation.override("nl"):
        html = Template("{{ year }} {{ code }}").render(Context({"year": 2026, "code": 21004}))
    assert html == "2026 21004"


def test_chart_axes_follow_the_language():
    with translation.override("nl"):
        assert charts.format_value(2500, "") == "2.500"
        svg = charts.line_chart(points=[charts.Bar("a", 1000)], label="x", max_value=2500, unit="")
        assert "2.500" in svg and "2,500" not in svg
        assert vega.chart(title="t", layers=[])["config"]["locale"]["number"]["thousands"] == "."
    with translation.override("fr"):
        assert charts.format_value(2500, "") == "2\u00a0500"
        assert vega.chart(title="t", layers=[])["config"]["locale"]["number"]["decimal"] == ","
