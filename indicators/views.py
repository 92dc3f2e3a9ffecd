"""The boordtabel's pages. Views stay thin: selectors do the reading."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.exports import EXPORT_FORMATS, export_response, json_attachment

from .progress import Thresholds
from .selectors import (
    INDICATOR_FILTERS,
    STATUS_LABELS,
    chart_spec,
    disaggregation_choices,
    indicator_detail,
    indicator_export_table,
    indicator_filter_options,
    indicator_groups,
    indicator_json,
    indicator_list,
    indicator_sources,
    indicator_summary,
    observation_table,
    selection_from,
    superseded_observations,
    table1,
    unit_label,
)


def overview(request):
    filters = {name: request.GET.get(name, "").strip() for name in INDICATOR_FILTERS}
    group_by = "sector" if request.GET.get("group") == "sector" else "challenge"
    summaries = indicator_list(filters=filters)
    fmt = request.GET.get("format")
    if fmt in EXPORT_FORMATS:
        return export_response(indicator_export_table(summaries), fmt, "boordtabel")
    context = {
        "groups": indicator_groups(summaries, group_by=group_by),
        "total": len(summaries),
        "filters": filters,
        "group_by": group_by,
        "options": indicator_filter_options(),
        "table1": table1(),
        "filtered": any(filters.values()),
    }
    return render(request, "indicators/overview.html", context)


def detail(request, code: str):
    indicator = indicator_detail(code=code)
    if indicator is None:
        raise Http404(_("No indicator with this code."))
    summary = indicator_summary(indicator, selection_from(indicator, request.GET))
    observations = summary.observations
    fmt = request.GET.get("format")
    if fmt == "json":
        return json_attachment(indicator_json(indicator), f"indicator-{indicator.code}")
    if fmt in EXPORT_FORMATS:
        return export_response(
            observation_table(indicator, observations), fmt, f"indicator-{indicator.code}"
        )
    labels = {
        "observed": _("Observed"),
        "period": _("Period"),
        "baseline": _("Baseline"),
        "target": _("Target"),
    }
    title = f"{indicator.tr('name')} — {summary.selection_label}"
    context = {
        "indicator": indicator,
        "summary": summary,
        "choices": disaggregation_choices(indicator, observations),
        "revisions": [
            o
            for o in superseded_observations(observations)
            if o.disaggregation == summary.selection
        ],
        "all_revisions": superseded_observations(observations),
        "spec": chart_spec(summary, title=title, unit_label=unit_label(indicator), labels=labels),
        "chart_title": title,
        "value_notes": [
            v
            for dis in indicator.disaggregations.all()
            for v in dis.values.all()
            if summary.selection.get(dis.code) == v.code and v.note_nl
        ],
        "challenges": list(indicator.plan_nodes.all()),
        "sources": indicator_sources(indicator),
    }
    return render(request, "indicators/detail.html", context)


def method(request):
    context = {"thresholds": Thresholds(), "statuses": STATUS_LABELS}
    return render(request, "indicators/method.html", context)
