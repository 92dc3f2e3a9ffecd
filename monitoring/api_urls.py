"""JSON API (v1) routes of this app, included under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("progress", api.ProgressViewSet, basename="progress")

urlpatterns = [
    *router.urls,
    path("reports/", api.ReportListView.as_view(), name="api-reports"),
    path("reports/<str:code>/<slug:period>/", api.ReportDetailView.as_view(), name="api-report"),
    path(
        "reports/<str:code>/<slug:period>/submit/",
        api.ReportSubmitView.as_view(),
        name="api-report-submit",
    ),
]
