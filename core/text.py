"""Text helpers shared by every app: accent-insensitive search keys and translated values."""

import unicodedata

from django.conf import settings
from django.utils.translation import get_language


def fold(text: str | None) -> str:
    """Lowercase, strip accents and collapse whitespace, so 'Créer' matches 'creer'."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def current_language() -> str:
    """The active content language (nl, fr or en); Dutch when none is active."""
    lang = (get_language() or settings.LANGUAGE_CODE)[:2]
    return lang if lang in settings.CONTENT_LANGUAGES else settings.LANGUAGE_CODE


def translated(obj, field: str, lang: str | None = None) -> str:
    """The value of `field_<lang>` on obj, falling back to Dutch (the plan's original)."""
    lang = lang or current_language()
    value = getattr(obj, f"{field}_{lang}", "") or ""
    if not value and lang != "nl":
        value = getattr(obj, f"{field}_nl", "") or ""
    return value
