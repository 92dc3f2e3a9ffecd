from django.urls import path

from . import views_dashboard

urlpatterns = [
    path("", views_dashboard.dashboard, name="dashboard"),
    path("internal/", views_dashboard.dashboard_internal, name="dashboard_internal"),
    path("timeline/", views_dashboard.timeline, name="timeline"),
]
