"""JSON API (v1) routes of the ecosystem map, included under /api/v1/."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("ecosystem/actors", api.ActorViewSet, basename="ecosystem-actor")
router.register("ecosystem/relations", api.RelationViewSet, basename="ecosystem-relation")
router.register("ecosystem/stages", api.StageViewSet, basename="ecosystem-stage")
router.register("ecosystem/metrics", api.MetricRunViewSet, basename="ecosystem-metric")

urlpatterns = [path("", include(router.urls))]
