"""Template helpers of the boordtabel: figures in the reader's number format, with their unit."""

import re

from django import template

from core import formats
from indicators.models import Indicator

register = template.Library()


@register.filter
def figure(value) -> str:
    """22115 → '22.115' (nl), '22 115' (fr), '22,115' (en); decimals kept, trailing zeros dropped
    (the one number path: core.formats)."""
    if value is None or value == "":
        return ""
    return formats.number(value)


@register.filter
def unit_label(unit: str) -> str:
    try:
        return str(Indicator.Unit(unit).label)
    except ValueError:
        return unit


@register.filter
def with_unit(value, unit: str) -> str:
    """A figure followed by its unit ('3,3 %', '22.115 jobs')."""
    text = figure(value)
    if not text:
        return ""
    label = unit_label(unit)
    return f"{text}\u00a0{label}" if label else text


@register.filter
def get_item(mapping, key):
    """{{ selection|get_item:"sector" }}: a mapping's value, '' when absent."""
    if not isinstance(mapping, dict):
        return ""
    return mapping.get(key, "")


@register.filter
def headline(summary) -> str:
    """{{ s|headline }}: the one-line plain-language reading of a series (indicators.presenters)."""
    from indicators.presenters import headline as line

    return line(summary)


_MONITORING_NOTE = re.compile(
    r"^Bruprod monitoring: validated progress reports as of (?P<period>.+)$"
)
_KBO_NOTE = re.compile(
    r"^KBO open data, snapshot (?P<d>\d\d)-(?P<m>\d\d)-(?P<y>\d{4})(?P<synthetic> \(synthetic\))?$"
)


@register.filter
def source_note(text: str) -> str:
    """A computed observation's source note (written in English by the software) in the reader's
    language; other notes are data and are shown as stored."""
    from datetime import date

    from django.utils.translation import gettext as _

    text = text or ""
    if match := _MONITORING_NOTE.match(text):
        return _("Bruprod monitoring: validated progress reports as of %(period)s") % {
            "period": match["period"]
        }
    if match := _KBO_NOTE.match(text):
        day = date(int(match["y"]), int(match["m"]), int(match["d"]))
        out = _("KBO open data, snapshot of %(date)s") % {"date": formats.day(day)}
        return f"{out} {_('(synthetic)')}" if match["synthetic"] else out
    return text


@register.filter
def vintage(text: str) -> str:
    """An observation's release: 'live' (computed on each visit) in words."""
    from django.utils.translation import gettext as _

    return _("live (computed on each visit)") if text == "live" else text


@register.filter
def single_value(summary) -> bool:
    """{% if summary|single_value %}: one figure and nothing to compare it with (no chart)."""
    from indicators.presenters import single_value as single

    return single(summary)
