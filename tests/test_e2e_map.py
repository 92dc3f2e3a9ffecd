"""The shared map component in a real headless browser: Leaflet draws, links work by mouse and
keyboard, numbers follow the page's language, no console error, axe-core finds nothing serious.

The page is the test-only /map-test/ of core/tests/map_urls.py (two maps and their tables)."""

import re

import pytest
from playwright.sync_api import expect

from tests.a11y import serious_violations

pytestmark = pytest.mark.e2e


@pytest.fixture
def map_site(site, settings):
    from geo.services import geo_load

    geo_load()
    settings.ROOT_URLCONF = "core.tests.map_urls"
    return site


def test_maps_draw_follow_links_format_numbers_and_are_accessible(page, map_site):
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))

    response = page.goto(f"{map_site}/map-test/?lang=nl")
    assert "script-src 'self'" in response.headers["content-security-policy"]  # CSP-ready
    areas = page.locator("#areas-map")
    expect(areas).to_have_class(re.compile(r"\bleaflet-container\b"))
    expect(page.locator("#sites-map")).to_have_class(re.compile(r"\bleaflet-container\b"))
    expect(page.locator(".bp-map-fallback")).to_have_count(0)
    # 14 areas drawn as SVG paths, plus the Region's outline (halo and line), not interactive.
    expect(areas.locator("path.leaflet-interactive")).to_have_count(14)
    expect(areas.locator(".leaflet-overlay-pane path")).to_have_count(16)
    expect(page.locator("#sites-map path.leaflet-interactive")).to_have_count(3)
    assert page.evaluate("window.BruprodMap.maps().length") == 2

    # Legend: numbers in Dutch (12.345), the zero class, the unit; one legend per map.
    legend = areas.locator(".bp-map-legend")
    expect(legend).to_contain_text("Establishments")
    expect(legend.locator("li").first).to_have_text("0\u00a0establishments")
    expect(legend).to_contain_text("12.345\u00a0establishments")
    expect(page.locator("#sites-map .bp-map-legend")).to_contain_text("Productive sites")

    # Linked areas are keyboard links with a name; focus shows the tooltip, Enter follows.
    anderlecht = areas.locator("path[role=link][aria-label^='Anderlecht']")
    expect(anderlecht).to_have_attribute("aria-label", "Anderlecht: 12.345\u00a0establishments")
    expect(areas.locator("path[role=link]")).to_have_count(10)  # 4 areas have 2–3 municipalities
    # Tab from the map goes through the linked features only (not the 4 shared areas).
    areas.focus()
    page.keyboard.press("Tab")
    expect(anderlecht).to_be_focused()
    page.keyboard.press("Tab")
    expect(areas.locator("path[role=link][aria-label^='Brussel']")).to_be_focused()
    anderlecht.focus()
    expect(page.get_by_role("tooltip", name="Anderlecht 12.345")).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/map-test/\?municipality=21001$"))

    # The map itself takes the keyboard: + zooms in.
    page.locator("#areas-map").focus()
    before = page.evaluate("window.BruprodMap.maps()[0].map.getZoom()")
    page.keyboard.press("+")
    page.wait_for_function(f"window.BruprodMap.maps()[0].map.getZoom() > {before}")

    # A click on a linked point follows it; the label is text, not markup.
    page.goto(f"{map_site}/map-test/?lang=nl")
    evere = page.locator("#sites-map path[role=link][aria-label^='Evere']")
    expect(evere).to_have_attribute("aria-label", "Evere <industriezone>: 7,25\u00a0ha")
    evere.click()
    expect(page).to_have_url(re.compile(r"site=evere$"))

    # French numbers: a narrow no-break space groups thousands.
    page.goto(f"{map_site}/map-test/?lang=fr")
    expect(page.locator("#areas-map .bp-map-legend")).to_contain_text(
        re.compile(r"12[\u202f\u00a0]345")
    )
    page.screenshot(path="/tmp/bruprod-map-e2e.png", full_page=True)

    page.goto(f"{map_site}/map-test/?lang=nl")
    expect(page.locator("#areas-map path.leaflet-interactive")).to_have_count(14)
    assert serious_violations(page) == []
    assert problems == []
