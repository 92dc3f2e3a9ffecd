"""JSON API (v1) routes of this app, included under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path("economy/snapshots/", api.snapshots, name="economy-snapshots"),
    path("economy/figures/", api.figures, name="economy-figures"),
    path("economy/trend/", api.trend, name="economy-trend"),
    path("economy/stats/", api.stats, name="economy-stats"),
    path("economy/enterprises/", api.enterprises, name="economy-enterprises"),
    path("economy/enterprises/<str:number>/", api.enterprise, name="economy-enterprise-detail"),
]
