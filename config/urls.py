from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts.forms import AdminLoginForm
from core.views import healthz
from plan import api as plan_api
from strategies import api as strategies_api

# The admin's login refuses the demo accounts under production settings, like the site's.
admin.site.login_form = AdminLoginForm

# Swagger UI's page, its init script served apart (no inline script); its one inline <style> is
# the only inline style the Content-Security-Policy lets through, on this page only.
api_docs = csp_update({"style-src": [UNSAFE_INLINE]})(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema")
)

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
    path("api/v1/", include("ecosystem.api_urls")),
    path(
        "api/v1/schema/",
        SpectacularAPIView.as_view(),
        name="api-schema",
    ),
    path("api/v1/docs/", api_docs, name="api-docs"),
    path("i18n/setlang/", set_language, name="set_language"),
    # Not language-prefixed: load balancers and monitoring probe it (core/health.py).
    path("healthz", healthz, name="healthz"),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("plan.urls")),
    path("strategies/", include("strategies.urls")),
    path("accounts/", include("accounts.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("boordtabel/", include("indicators.urls")),
    path("economy/", include("economy.urls")),
    path("ecosystem/", include("ecosystem.urls")),
    prefix_default_language=True,
)

# Uploaded files (MEDIA_ROOT) are never served as such, in any mode: evidence files only through
# monitoring's evidence_download, which checks who may see the report.

# JSON errors under /api/, the site's pages elsewhere (core/api.py).
handler403 = "core.api.api_permission_denied"
handler404 = "core.api.api_not_found"
handler500 = "core.api.api_server_error"
