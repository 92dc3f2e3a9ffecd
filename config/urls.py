from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from plan import api as plan_api
from strategies import api as strategies_api

router = DefaultRouter()
router.register("measures", plan_api.MeasureViewSet, basename="measure")
router.register("organisations", plan_api.OrganisationViewSet, basename="organisation")
router.register("sections", plan_api.PlanNodeViewSet, basename="section")
router.register("strategies", strategies_api.DocumentViewSet, basename="strategy")

urlpatterns = [
    path("api/v1/", include(router.urls)),
    path("api/v1/plan/", plan_api.plan_editions, name="api-plan"),
    path("api/v1/", include("monitoring.api_urls")),
    path("api/v1/", include("indicators.api_urls")),
    path("api/v1/", include("economy.api_urls")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/setlang/", set_language, name="set_language"),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("plan.urls")),
    path("strategies/", include("strategies.urls")),
    path("accounts/", include("accounts.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("boordtabel/", include("indicators.urls")),
    path("economy/", include("economy.urls")),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
