"""The generic Vega-Lite builder (core.vega) and the indicator chart built with it."""

import pytest

from core import vega
from indicators.models import Indicator
from indicators.presenters import chart_spec
from indicators.selectors import indicator_queryset, indicator_summary
from indicators.tests.factories import ObservationFactory

ROWS = [{"period": "2023", "value": 1200.5}, {"period": "2024", "value": 1300}]
LABELS = {"observed": "Observed", "period": "Period", "baseline": "Baseline", "target": "Target"}


def test_line_chart_has_titles_tooltip_format_and_no_aria_on_marks():
    spec = vega.line_chart(ROWS, title="Jobs", x_title="Year", y_title="jobs", number_format=",.1f")
    assert spec["$schema"].endswith("/v6.json")
    assert spec["description"] == spec["title"]["text"] == "Jobs"
    (layer,) = spec["layer"]
    assert layer["data"]["values"] == ROWS
    assert layer["encoding"]["x"] == {"field": "period", "type": "ordinal", "title": "Year"}
    assert layer["encoding"]["y"]["title"] == "jobs"
    assert layer["encoding"]["tooltip"][1]["format"] == ",.1f"
    assert [m["mark"]["type"] for m in layer["layer"]] == ["line", "point"]
    assert all(m["mark"]["aria"] is False for m in layer["layer"])
    # Axes always in the reader's number marks (core.formats.vega_locale): English here.
    assert spec["config"]["aria"] is False
    assert spec["config"]["locale"]["number"]["thousands"] == ","


def test_bar_chart_and_domain():
    spec = vega.bar_chart(
        ROWS, title="Jobs", x_title="Year", y_title="jobs", x_domain=["2022", "2023", "2024"]
    )
    (layer,) = spec["layer"]
    assert layer["mark"]["type"] == "bar"
    assert layer["encoding"]["x"]["scale"] == {"domain": ["2022", "2023", "2024"]}


@pytest.mark.parametrize(("language", "decimal", "thousands"), [("nl", ",", "."), ("en", ".", ",")])
def test_number_locale_comes_from_the_language(language, decimal, thousands):
    locale = vega.number_locale(language)
    assert (locale["decimal"], locale["thousands"]) == (decimal, thousands)
    spec = vega.line_chart(ROWS, title="t", x_title="x", y_title="y", locale=locale)
    assert spec["config"]["locale"] == {"number": locale}


def test_rule_layers_colour_each_kind():
    rules = [{"value": 1, "label": "Baseline 2019", "kind": "baseline"}]
    rule, text = vega.rule_layers(rules, colors={"baseline": "#111", "target": "#222"})
    assert rule["encoding"]["color"]["scale"] == {
        "domain": ["baseline", "target"],
        "range": ["#111", "#222"],
    }
    assert text["encoding"]["text"] == {"field": "label"}
    assert vega.rule_layers([], colors={}) == []


@pytest.mark.django_db
def test_indicator_chart_puts_baseline_and_targets_on_the_axis():
    indicator = Indicator.objects.get(code="CTX-CHARGING-POINTS")
    ObservationFactory(indicator=indicator, period="2023", value=3000, vintage="2024")
    indicator = indicator_queryset().get(pk=indicator.pk)
    summary = indicator_summary(indicator, dict(indicator.headline or {}))
    spec = chart_spec(summary, title="Charging points", unit_label="number", labels=LABELS)
    series, rule, _text = spec["layer"]
    domain = series["encoding"]["x"]["scale"]["domain"]
    assert "2023" in domain
    assert {t.period for t in indicator.targets.all() if t.period} <= set(domain)
    assert {r["kind"] for r in rule["data"]["values"]} == {"target"} or {
        r["kind"] for r in rule["data"]["values"]
    } == {"baseline", "target"}
    assert "period" not in rule["data"]["values"][0]


@pytest.mark.django_db
def test_a_single_value_reads_as_a_value_with_a_headline(client):
    """Item 14: one figure → a sentence and the figure, no chart frame, no '· ·' trend."""
    from django.utils import translation

    from indicators.models import Indicator
    from indicators.presenters import headline
    from indicators.selectors import indicator_detail, indicator_summary, selection_from
    from indicators.tests.factories import ObservationFactory

    bare = next(
        i
        for i in Indicator.objects.filter(baseline_value__isnull=True, targets__isnull=True)
        if not i.headline and i.frequency != Indicator.Frequency.LIVE
    )
    bare.observations.all().delete()
    ObservationFactory(indicator=bare, period="2014", value=22115, vintage="2015")
    indicator = indicator_detail(code=bare.code)
    summary = indicator_summary(indicator, selection_from(indicator, {}))
    from indicators.presenters import single_value

    assert single_value(summary)
    if True:
        with translation.override("en"):
            assert "only figure so far" in headline(summary) and "22,115" in headline(summary)
        html = client.get(f"/en/boordtabel/{bare.code}/").content.decode()
        assert 'class="single-value"' in html and 'id="indicator-chart"' not in html
    html = client.get("/nl/boordtabel/").content.decode()
    assert "· ·" not in html and "tile-headline" in html
