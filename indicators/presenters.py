"""Page-shaped boordtabel data: the chart of an indicator page and the labels around it.

Reads come from indicators.selectors; the Vega-Lite spec is built with core.vega, so that every
app draws its charts the same way.
"""

from __future__ import annotations

from core import vega

from .models import Indicator
from .progress import period_time
from .selectors import Summary, number

RULE_COLORS = {"baseline": "#4f5661", "target": "#b35c00"}


def unit_label(indicator: Indicator) -> str:
    return str(Indicator.Unit(indicator.unit).label)


def chart_rules(summary: Summary, *, labels: dict[str, str]) -> list[dict]:
    """The baseline and targets drawn as reference lines (on the headline series only)."""
    indicator = summary.indicator
    if summary.selection != (indicator.headline or {}):
        return []
    rules = []
    if indicator.baseline_period and indicator.baseline_value is not None:
        rules.append(
            {
                "value": number(indicator.baseline_value),
                "label": f"{labels['baseline']} {indicator.baseline_period}",
                "kind": "baseline",
                "period": indicator.baseline_period,
            }
        )
    for target in indicator.targets.all():
        rules.append(
            {
                "value": number(target.value),
                "label": f"{labels['target']} {target.period or ''}".strip(),
                "kind": "target",
                "period": target.period,
            }
        )
    return rules


def chart_spec(
    summary: Summary,
    *,
    title: str,
    unit_label: str,
    labels: dict[str, str],
    locale: dict | None = None,
) -> dict:
    """A Vega-Lite spec: the series as line and points, the baseline and targets as rules.

    The x axis shows the series' periods and those of the baseline and targets, in time order."""
    data = [
        {"period": o.period, "value": number(o.value), "kind": labels["observed"]}
        for o in summary.series
    ]
    periods = {o.period: o.period_time for o in summary.series}
    rules = chart_rules(summary, labels=labels)
    for rule in rules:
        if rule["period"]:
            periods.setdefault(rule["period"], period_time(rule["period"]))
    domain = [p for p, _t in sorted(periods.items(), key=lambda item: item[1])]
    series = vega.line_layer(
        data, x_title=labels["period"], y_title=unit_label, x_domain=domain, points=True
    )
    reference_lines = vega.rule_layers(
        [{k: r[k] for k in ("value", "label", "kind")} for r in rules], colors=RULE_COLORS
    )
    return vega.chart(title=title, layers=[series, *reference_lines], locale=locale)


def headline(summary: Summary) -> str:
    """One plain-language line on what the series says (as Open SDG pages do), e.g.
    "22.115 jobs in 2014: the only figure so far, so no trend yet." or
    "3,3 % in 2024, up from 2,9 % in 2023; target 5 % by 2030."."""
    from django.utils.translation import gettext as _

    from core import formats

    if summary.latest is None:
        return _("No figure yet for this series.")
    unit = unit_label(summary.indicator)

    def value(v) -> str:
        text = formats.number(number(v))
        return f"{text}\u00a0{unit}" if unit else text

    latest = summary.latest
    points = [o for o in summary.series if o.value is not None]
    if len(points) < 2:
        line = _("%(value)s in %(period)s: the only figure so far, so no trend yet.") % {
            "value": value(latest.value),
            "period": latest.period,
        }
    else:
        previous = points[-2]
        change = number(latest.value) - number(previous.value)
        template = (
            _("%(value)s in %(period)s, up from %(before)s in %(before_period)s.")
            if change > 0
            else _("%(value)s in %(period)s, down from %(before)s in %(before_period)s.")
            if change < 0
            else _("%(value)s in %(period)s, the same as in %(before_period)s.")
        )
        line = template % {
            "value": value(latest.value),
            "period": latest.period,
            "before": value(previous.value),
            "before_period": previous.period,
        }
    if summary.target is not None and summary.target.value is not None:
        if summary.target.period:
            line += " " + _("Target: %(value)s by %(period)s.") % {
                "value": value(summary.target.value),
                "period": summary.target.period,
            }
        else:
            line += " " + _("Norm: %(value)s.") % {"value": value(summary.target.value)}
    return line


def single_value(summary: Summary) -> bool:
    """A series of one figure, with no baseline or target to draw beside it, is shown as that
    figure, not as a chart with one point in an empty frame."""
    labels = {"baseline": "", "target": ""}
    return len(summary.series) == 1 and not chart_rules(summary, labels=labels)
