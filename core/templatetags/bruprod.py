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


# Numbers and dates in the reader's language: one path, core/formats.py.
@register.filter
def num(value, decimals=None) -> str:
    """{{ count|num }} → '2.447' (nl), '2 447' (fr); {{ share|num:1 }} with one decimal."""
    from core import formats

    return formats.number(value, None if decimals in (None, "") else int(decimals))


@register.filter
def eur(value) -> str:
    """{{ budget|eur }} → '€ 12.000' (nl), '12 000 €' (fr)."""
    from core import formats

    return formats.amount(value)


@register.filter
def pct(value, decimals=1) -> str:
    """{{ progress|pct }} → '73,3 %'."""
    from core import formats

    return formats.percent(value, int(decimals))


@register.filter
def day(value) -> str:
    """{{ report.submitted_at|day }} → '30 juli 2026', '30 juillet 2026'."""
    from core import formats

    return formats.day(value)


@register.filter
def moment(value) -> str:
    """{{ record.history_date|moment }} → '30 juli 2026, 14:05' (Brussels time)."""
    from core import formats

    return formats.moment(value)
