from django.urls import include, path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("workspace/", views.workspace, name="workspace"),
    path("reports/<str:code>/<slug:period>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("reports/<int:pk>/validate/", views.report_validate, name="report_validate"),
    path("reports/<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("reports/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("review/", views.review_queue, name="review"),
    path("periods/", views.periods, name="periods"),
    path("periods/<slug:key>/close/", views.period_close, name="period_close"),
    path("periods/<slug:key>/reopen/", views.period_reopen, name="period_reopen"),
    # Dashboards and the execution-plan timeline.
    path("", include("monitoring.urls_dashboard")),
    # Imports/exports, reminders, comments.
    path("", include("monitoring.urls_io")),
]
