"""One formatting path for every number, amount, percentage and date a reader sees.

Templates use the filters of core/templatetags/bruprod.py (`|num`, `|eur`, `|pct`, `|day`),
presenters and charts call these functions, Vega charts get `vega_locale(lang)`:

    number(2447)       → '2.447' (nl), '2 447' (fr), '2,447' (en)
    amount(12000)      → '€ 12.000' (nl), '12 000 €' (fr), '€12,000' (en); cents only when there are
    percent(73.25)     → '73,3 %' (nl, fr), '73.3 %' (en): a no-break space before % everywhere
    day(date(2026,7,30)) → '30 juli 2026', '30 juillet 2026', '30 July 2026'

French groups thousands with a no-break space (U+00A0, Django's French THOUSAND_SEPARATOR) and
puts a no-break space before % and €. Identifiers (years, REFNIS and NACE codes, enterprise
numbers) are not numbers: never pass them through here.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import formats, timezone
from django.utils.translation import get_language

NBSP = "\u00a0"
MISSING = "–"


def _lang(lang: str | None) -> str:
    return (lang or get_language() or "nl").split("-")[0]


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _group(value: Decimal, decimals: int, lang: str) -> str:
    sep = formats.get_format("THOUSAND_SEPARATOR", lang)
    dec = formats.get_format("DECIMAL_SEPARATOR", lang)
    quantum = Decimal(1).scaleb(-decimals)
    value = value.quantize(quantum if decimals else Decimal(1), rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    whole, _, frac = f"{abs(value):f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = sep.join(groups)
    if decimals:
        text += dec + frac.ljust(decimals, "0")[:decimals]
    return f"{sign}{text}"


def number(value, decimals: int | None = None, lang: str | None = None) -> str:
    """A quantity with the reader's thousands and decimal marks; `decimals=None` keeps the
    value's own decimals (trailing zeros dropped); '–' for a missing value."""
    d = _decimal(value)
    if d is None:
        return MISSING
    if decimals is None:
        d = d.normalize()
        decimals = max(0, -d.as_tuple().exponent) if d == d else 0
    return _group(d, decimals, _lang(lang))


def amount(value, lang: str | None = None) -> str:
    """An amount in euro: cents only when the amount has them."""
    d = _decimal(value)
    if d is None:
        return MISSING
    text = number(d, 0 if d == d.to_integral_value() else 2, lang)
    lang = _lang(lang)
    if lang == "fr":
        return f"{text}{NBSP}€"
    if lang == "en":
        return f"€{text}"
    return f"€{NBSP}{text}"


def percent(value, decimals: int = 1, lang: str | None = None) -> str:
    """A percentage ('73,3 %'): at most `decimals` decimals, none when the value is whole."""
    d = _decimal(value)
    if d is None:
        return MISSING
    d = d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = number(d, 0 if d == d.to_integral_value() else decimals, lang)
    return f"{text}{NBSP}%"


def day(value, lang: str | None = None) -> str:
    """A date in words ('30 juli 2026'); a datetime is shown as its Brussels date."""
    if not value:
        return MISSING
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    from django.utils import translation

    with translation.override(_lang(lang)):
        return formats.date_format(value, "j F Y")


def moment(value, lang: str | None = None) -> str:
    """A date and time ('30 juli 2026, 14:05'), Brussels time."""
    if not value:
        return MISSING
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    from django.utils import translation

    with translation.override(_lang(lang)):
        return formats.date_format(value, "j F Y, H:i")


def vega_locale(lang: str | None = None) -> dict:
    """Vega's number locale (d3-format) of the reader's language, the same marks as number()."""
    lang = _lang(lang)
    return {
        "decimal": str(formats.get_format("DECIMAL_SEPARATOR", lang)),
        "thousands": str(formats.get_format("THOUSAND_SEPARATOR", lang)),
        "grouping": [3],
        "currency": ["€", ""]
        if lang == "en"
        else ["", f"{NBSP}€"]
        if lang == "fr"
        else [f"€{NBSP}", ""],
    }
