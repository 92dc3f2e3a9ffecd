"""Template helpers of the boordtabel: figures in the reader's number format, with their unit."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

from indicators.models import Indicator

register = template.Library()


@register.filter
def figure(value) -> str:
    """22115 → '22.115' (nl), '22 115' (fr), '22,115' (en); decimals kept, trailing zeros dropped."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    if value == value.to_integral_value():
        return number_format(int(value), force_grouping=True, use_l10n=True)
    text = format(value.normalize(), "f")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return number_format(value, decimal_pos=decimals, force_grouping=True, use_l10n=True)


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
