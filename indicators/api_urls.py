"""JSON API (v1) routes of the boordtabel, included under /api/v1/."""

from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("indicators", api.IndicatorViewSet, basename="indicator")
router.register("observations", api.ObservationViewSet, basename="observation")

urlpatterns = router.urls
