"""Template helpers: translated content fields and query-string editing for filters."""

from django import template
from django.urls import translate_url

from core.text import current_language, translated

register = template.Library()


@register.filter
def tr(obj, field: str) -> str:
    """{{ measure|tr:"title" }}: the field in the active language, Dutch as fallback."""
    return translated(obj, field)


@register.simple_tag(takes_context=True)
def url_in_language(context, lang: str) -> str:
    """The current page in another language (the language is the URL's first segment)."""
    request = context["request"]
    url = translate_url(request.get_full_path(), lang)
    return url


@register.filter
def trd(value) -> str:
    """{{ figure.label|trd }}: a {nl, fr, en} mapping in the active language, Dutch as fallback."""
    if not isinstance(value, dict):
        return value or ""
    lang = current_language()
    return value.get(lang) or value.get("nl") or ""


@register.simple_tag(takes_context=True)
def panels(context, slot: str, obj=None):
    """{% panels "measure.main" measure as items %}: the panels other apps registered for a slot."""
    from core.registry import panels as registry

    return registry.for_slot(slot, request=context.get("request"), obj=obj)
