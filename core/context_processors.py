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
