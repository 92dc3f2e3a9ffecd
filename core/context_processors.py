from django.conf import settings


def site(request):
    return {"SITE_NAME": settings.SITE_NAME}


def navigation(request):
    """The site and account navigation, as the apps registered it (core.registry)."""
    from django.urls import NoReverseMatch, reverse

    from .registry import navigation as registry

    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)

    def items(area):
        out = []
        for entry in registry.entries(area=area, user=user):
            try:
                url = reverse(entry.url_name)
            except NoReverseMatch:
                continue
            out.append({"label": entry.label, "url": url, "current": entry.is_current(match)})
        return out

    return {"nav_main": items("main"), "nav_user": items("user")}


def demo_data_present(request=None) -> bool:
    """Whether any demo or synthetic data is in the database, asked once per request.

    The check itself belongs to the apps that hold such data; settings.BRUPROD_DEMO_CHECK names
    it (a dotted path, so that core imports no app)."""
    if request is not None and hasattr(request, "_bruprod_demo"):
        return request._bruprod_demo
    from django.utils.module_loading import import_string

    path = getattr(settings, "BRUPROD_DEMO_CHECK", "")
    try:
        present = bool(import_string(path)()) if path else False
    except Exception:  # noqa: BLE001 — a missing table (fresh database) is no demo data
        present = False
    if request is not None:
        request._bruprod_demo = present
    return present


def demo_notice(request):
    """`demo_data`: true while demo or synthetic data exists (base.html then says so)."""
    return {"demo_data": demo_data_present(request)}
