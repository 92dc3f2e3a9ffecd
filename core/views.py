"""Views of no app in particular: the health endpoint."""

from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .health import health_report


@never_cache
@require_safe
def healthz(request):
    """`/healthz`: 200 when every required check passes, 503 otherwise (core/health.py)."""
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503)
