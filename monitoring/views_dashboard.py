"""Dashboards (public and internal) and the execution-plan timeline: HTTP only.

Figures come from monitoring.selectors (the roll-up rule lives there and only there) and are
shaped for the page and the exports by monitoring.presenters. The public pages use validated data
only; the internal dashboard adds what the public must not see (reporting compliance, milestones
of reports not yet validated).
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from core.exports import export_if_requested

from . import presenters, selectors


def _table_export(request, data: presenters.DashboardData, basename: str) -> HttpResponse | None:
    """?table=…&format=…: the export of one of the dashboard's tables (None without a format)."""
    key = request.GET.get("table", "")
    return export_if_requested(
        request,
        {key: lambda: presenters.dashboard_export_table(data, key)},
        lambda key: presenters.dashboard_export_name(data, basename, key),
    )


def dashboard(request):
    """The public dashboard: the same aggregates as the internal one, over validated data only."""
    data = presenters.DashboardData(internal=False, today=timezone.localdate())
    exported = _table_export(request, data, "monitoring")
    if exported:
        return exported
    context = presenters.dashboard_context(data)
    context["can_view_internal"] = access.can_view_internal(request.user)
    return render(request, "monitoring/dashboard_public.html", context)


def dashboard_internal(request):
    """The internal dashboard of the task force, steering committee and industry commission."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not access.can_view_internal(request.user):
        raise PermissionDenied(
            _(
                "The internal dashboard is for the task force, the steering committee and the industry commission."
            )
        )
    today = timezone.localdate()
    period = selectors.period_chosen(key=request.GET.get("period"), today=today)
    data = presenters.DashboardData(internal=True, today=today, period=period)
    exported = _table_export(request, data, "monitoring-internal")
    if exported:
        return exported
    context = presenters.internal_dashboard_context(
        data, periods=list(selectors.periods_started(today=today))
    )
    return render(request, "monitoring/dashboard_internal.html", context)


def timeline(request):
    """The execution plan: planned years and milestones per measure, grouped as the visitor asks."""
    grouping = request.GET.get("group", "challenge")
    if grouping not in presenters.TIMELINE_GROUPINGS:
        grouping = "challenge"
    display = "table" if request.GET.get("view") == "table" else "bars"
    context = presenters.timeline_context(
        grouping=grouping,
        display=display,
        internal=access.can_view_internal(request.user),
        today=timezone.localdate(),
    )
    exported = export_if_requested(
        request,
        lambda: presenters.timeline_export_table(context["groups"]),
        f"execution-plan-{grouping}",
    )
    if exported:
        return exported
    return render(request, "monitoring/timeline.html", context)
