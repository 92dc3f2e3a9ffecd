"""Journeys through the productive-economy pages in a real headless browser, with axe-core."""

import re

import pytest
from playwright.sync_api import expect

from economy.tests.test_web import A, B, import_web_dump
from tests.a11y import serious_violations

pytestmark = pytest.mark.e2e


@pytest.fixture
def economy_site(site, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    import_web_dump(tmp_path / "full", synthetic=True)
    return site


def test_overview_map_search_detail_and_accessibility(page, economy_site):
    page.goto(f"{economy_site}/nl/economy/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".kbo-synthetic")).to_be_visible()
    expect(page.locator(".stat-value").first).to_have_text("3")

    # The map (the shared Leaflet component): every area of one municipality is a
    # keyboard-reachable link; choosing Elsene filters the page.
    areas = page.locator("#kbo-map path[role=link]")
    expect(areas).to_have_count(10)  # 14 areas, of which 4 group several municipalities
    ixelles = page.locator("#kbo-map path[role=link][aria-label^='Elsene']")
    ixelles.focus()
    expect(ixelles).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"municipality=21009"))
    expect(page.locator(".stat-value").first).to_have_text("1")
    expect(page.locator("#f-municipality")).to_have_value("21009")

    # The table beside the map does the same.
    page.locator("#kbo-map-table a", has_text="Anderlecht").click()
    expect(page).to_have_url(re.compile(r"municipality=21001"))
    expect(page.locator(".stat-value").first).to_have_text("1")

    # Search an enterprise by name and open its page.
    page.goto(f"{economy_site}/nl/economy/enterprises/")
    page.locator("#id_q").fill("peeters")
    page.locator("form[role=search] button[type=submit]").click()
    expect(page.locator(".kbo-results tbody tr")).to_have_count(1)
    page.get_by_role("link", name=B).click()
    expect(page).to_have_url(re.compile(rf"/nl/economy/enterprises/{re.escape(B)}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Peeters, Ahmed")
    expect(page.locator(".kbo-reasons a[href$='/sectors/creative/']")).to_be_visible()
    expect(page.locator(".kbo-reasons")).to_contain_text("90111")

    # axe-core: no serious or critical violation on the overview, a sector, search and detail.
    for path in (
        "/nl/economy/",
        "/fr/economy/?sector=construction",
        "/nl/economy/sectors/construction/",
        "/nl/economy/enterprises/?q=kanaal",
        f"/nl/economy/enterprises/{A}/",
    ):
        page.goto(f"{economy_site}{path}")
        assert serious_violations(page) == [], path
