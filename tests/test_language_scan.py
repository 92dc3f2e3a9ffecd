"""Every page type, fetched in Dutch and French, shows no English text outside elements marked
lang="en" (issue "What a civil servant and a citizen hit", item 2).

Request-level (Django's test client, no browser). The visible text is read by core.langscan:
script, style, code and elements whose `lang` differs from the page's are left out; a hit is a
text chunk holding an English-only word (a short stop-word list that is not Dutch or French).
Proper names and quoted source terms that stay English are allowed below, each for a reason.
"""

from __future__ import annotations

import pytest
from django.test import override_settings

from core.langscan import english_hits, visible_text

pytestmark = pytest.mark.django_db

# English that is right on a Dutch or French page: names and terms quoted from the sources.
ALLOWED = frozenset(
    {
        "invest for jobs",  # the plan quotes the fund's English name (measure 1.1.x)
        "CC BY 4.0",  # a licence's name
        "Brussels Industries Synergy",  # an organisation's own name
    }
)

PAGES = [
    "",  # home
    "plan/",
    "plan/1.1/",
    "measures/",
    "measures/1.1.1/",
    "organisations/",
    "organisations/actiris/",
    "strategies/",
    "strategies/brussels-industries-synergy-memorandum/",
    "monitoring/",
    "monitoring/?sector=manufacturing",
    "monitoring/timeline/",
    "boordtabel/",
    "boordtabel/method/",
    "boordtabel/T1-JOBS/",
    "boordtabel/KBO-ENTERPRISES/",
    "boordtabel/R-MEASURES-STARTED/",
    "economy/",
    "economy/sectors/manufacturing/",
    "economy/enterprises/",
    "accounts/login/",
    "no-such-page/",  # the 404 page
    "ecosystem/",
]


def test_the_scanner_catches_english_and_leaves_dutch_and_french_alone():
    html = (
        '<html lang="nl"><body><p>Evolutie over de periodes, of niet</p>'
        "<p>Page 1 sur 4 · Tableau</p><p>Download the table</p>"
        '<p lang="en">The rule, verbatim</p><script>var the = 1;</script>'
        "<code>the code</code><p>KBO-ENTERPRISES</p></body></html>"
    )
    assert [h.split("  [")[0] for h in english_hits(html, "nl")] == ["Download the table"]
    assert "The rule, verbatim" not in visible_text(html, "nl")


# Known gaps, each with its owner; remove the entry when it is fixed (xfail is not strict so the
# list can be trimmed after the fact, but a page listed here is still scanned and reported).
KNOWN_GAPS = {
    "": "home page strings of the navigation/home work: in its own catalogue, not merged yet",
    "measures/": "the skip link of the mobile-layout work: in its own catalogue, not merged yet",
    "no-such-page/": "the new error pages: in their own catalogue, not merged yet",
    "boordtabel/T1-JOBS/": "source metadata in data/indicators/registry.yaml is English only",
    "boordtabel/KBO-ENTERPRISES/": "source metadata in data/indicators/registry.yaml is English only",
    "boordtabel/R-MEASURES-STARTED/": "source metadata in data/indicators/registry.yaml is English only",
}


def _page(path):
    if path in KNOWN_GAPS:
        return pytest.param(path, marks=pytest.mark.xfail(reason=KNOWN_GAPS[path], strict=False))
    return path


@pytest.mark.parametrize("lang", ["nl", "fr"])
@pytest.mark.parametrize("path", [_page(p) for p in PAGES])
@override_settings(DEBUG=False)
def test_page_has_no_english_outside_lang_en(client, lang, path):
    response = client.get(f"/{lang}/{path}")
    assert response.status_code in (200, 404), (path, response.status_code)
    html = response.content.decode()
    hits = english_hits(html, lang, allow=ALLOWED)
    assert not hits, f"/{lang}/{path}: English text on a {lang} page:\n" + "\n".join(hits)
