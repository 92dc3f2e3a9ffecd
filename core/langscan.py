"""Find text outside a page's language: the visible text of a page, and the English words in it.

Used by tests/test_language_scan.py (and handy from a shell against a running server). A page's
visible text is everything outside <script>, <style>, <code>, <svg> metadata and elements whose
`lang` differs from the page's; a "foreign" word is one of a short list of English words that
are not Dutch or French words, so that a hit is almost always an untranslated English string.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# English words that are neither Dutch nor French words (nor usual in names on these pages).
ENGLISH_WORDS = frozenset(
    """
    the and with by from which this these those are were not for download shows shown there
    their they them been being has have having should would could will can cannot only also
    into than then when where while about after before between each every other some such
    more most under your you our its none yes any how what who why see read here that
    full extract extracts synthetic municipalities enterprises reports progress baseline
    targets quoted cited computed validated daily
    """.split()
)
# Words of the list above that are also Dutch or French words, or that appear in names.
NOT_ENGLISH_ONLY = frozenset()
FLAGGED = ENGLISH_WORDS - NOT_ENGLISH_ONLY

SKIP_TAGS = {"script", "style", "code", "pre", "template", "noscript", "kbd", "samp"}
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
WORD = re.compile(r"[A-Za-zÀ-ÿ'’]+")
URLISH = re.compile(r"\S+(?:://|www\.|@)\S*|\S+\.(?:md|yaml|csv|json|xlsx|zip)\b|/\S+")


class _Text(HTMLParser):
    def __init__(self, lang: str):
        super().__init__(convert_charrefs=True)
        self.lang = lang
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.chunks: list[str] = []

    def _skipping(self) -> bool:
        return any(skipped for _tag, skipped in self.stack)

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        attrs = dict(attrs)
        lang = (attrs.get("lang") or "").split("-")[0].lower()
        skipped = (
            tag in SKIP_TAGS
            or (lang and lang != self.lang and tag != "html")
            or "translate" in attrs
            and attrs.get("translate") == "no"
            or "hidden" in attrs
        )
        self.stack.append((tag, bool(skipped)))

    def handle_startendtag(self, tag, attrs):
        return

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        # Pop to the matching tag (tolerates unclosed <p>, <li>…).
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if not self._skipping() and data.strip():
            self.chunks.append(" ".join(data.split()))


def visible_text(html: str, lang: str) -> list[str]:
    """The page's visible text chunks in its own language (foreign-`lang` elements left out)."""
    parser = _Text(lang)
    parser.feed(html)
    parser.close()
    return parser.chunks


def english_hits(html: str, lang: str, *, allow: frozenset[str] = frozenset()) -> list[str]:
    """The text chunks that contain an English-only word, minus the allowed phrases."""
    hits = []
    for chunk in visible_text(html, lang):
        text = URLISH.sub(" ", chunk)
        for phrase in allow:
            text = text.replace(phrase, " ")
        # Codes (KBO-ENTERPRISES, NACE) are not words of any language.
        words = {w.lower() for w in WORD.findall(text) if not w.isupper()}
        found = sorted(words & FLAGGED)
        if found:
            hits.append(f"{chunk[:140]}  [{', '.join(found)}]")
    return hits
