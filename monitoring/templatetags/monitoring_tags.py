"""Monitoring shown where the plan is shown: the public status block of a measure page."""

from django import template
from django.utils import timezone

from monitoring.selectors import measure_timeline, schedule_health

register = template.Library()


@register.inclusion_tag("monitoring/measure_block.html", takes_context=True)
def measure_monitoring(context, measure):
    """Latest validated status, progress and narrative, and the timeline of validated reports."""
    timeline = list(measure_timeline(measure=measure))
    latest = timeline[-1] if timeline else None
    planning = getattr(measure, "planning", None)
    health = None
    if latest and planning:
        health = schedule_health(
            progress=latest.effective_progress,
            start_year=planning.planned_start_year,
            end_year=planning.planned_end_year,
            today=timezone.localdate(),
        )
    request = context.get("request")
    return {
        "measure": measure,
        "latest": latest,
        "timeline": list(reversed(timeline)),
        "planning": planning,
        "health": health,
        "lang": getattr(request, "LANGUAGE_CODE", "nl"),
        "request": request,
        "user": context.get("user"),
    }


@register.inclusion_tag("monitoring/home_status.html", takes_context=True)
def home_status(context):
    """Where the plan stands now, from validated reports only: the home page's first section."""
    from monitoring.presenters import home_status_data

    return {**home_status_data(), "request": context.get("request")}
