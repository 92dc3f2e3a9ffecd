"""The boordtabel's pages. Views stay thin: selectors read, presenters shape the chart."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.exports import export_if_requested

from .presenters import chart_spec, unit_label
from .progress import Thresholds
from .selectors import (
    INDICATOR_FILTERS,
    STATUS_LABELS,
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
)


def overview(request):
    filters = {name: request.GET.get(name, "").strip() for name in INDICATOR_FILTERS}
    group_by = "sector" if request.GET.get("group") == "sector" else "challenge"
    summaries = indicator_list(filters=filters)
    exported = export_if_requested(request, lambda: indicator_export_table(summaries), "boordtabel")
    if exported:
        return exported
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
    exported = export_if_requested(
        request,
        lambda: observation_table(indicator, observations),
        f"indicator-{indicator.code}",
        json_data=lambda: indicator_json(indicator),
    )
    if exported:
        return exported
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
