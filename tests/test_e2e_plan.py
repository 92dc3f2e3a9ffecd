"""Main journeys through the plan register in a real headless browser, with axe-core checks."""

import re

import pytest
from playwright.sync_api import expect

from tests.a11y import serious_violations

pytestmark = pytest.mark.e2e


def test_search_filter_open_follow_reference_and_switch_language(page, site):
    page.goto(f"{site}/nl/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Industrieplan")

    # Search a measure from the home page (accent-insensitive).
    page.get_by_label("De maatregelen doorzoeken").fill("synerjob")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.locator(".result-count")).to_contain_text("1")
    expect(page.locator(".measure-card").first).to_contain_text("MET.4.1")

    # Filter the quick wins of one sector with the facets (HTMX updates the results in place).
    page.goto(f"{site}/nl/measures/")
    page.locator("#measure-filters input[name=remark][value=QW]").check()
    expect(page).to_have_url(re.compile(r"remark=QW"))
    cards = page.locator(".measure-card")
    expect(cards.first).to_be_visible()
    for badge_text in cards.all_inner_texts():
        assert "QW" in badge_text
    page.goto(f"{site}/nl/measures/?sector=construction")
    expect(page.locator(".measure-card").first).to_contain_text("C.1")

    # Open a measure and follow its cross-reference.
    page.goto(f"{site}/nl/measures/?q=opslagruimte")
    page.get_by_role("link", name=re.compile(r"C\.3")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("C.3")
    page.locator("a.ref-link", has_text="C.8").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("C.8")
    expect(page.locator("a.ref-link", has_text="C.3").first).to_be_visible()

    # Switch to French: same measure, French text, unofficial-translation notice.
    page.get_by_role("navigation", name="Taal").get_by_role(
        "link", name=re.compile("Français")
    ).click()
    expect(page).to_have_url(re.compile(r"/fr/measures/C\.8/"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator(".notice")).to_be_visible()
    expect(page.get_by_role("navigation", name="Navigation principale")).to_contain_text("Mesures")


def test_home_list_and_measure_pages_have_no_serious_accessibility_violations(page, site):
    for path in (
        "/nl/",
        "/nl/measures/?remark=QW",
        "/nl/measures/C.3/",
        "/fr/",
        "/fr/measures/GMO.3/",
    ):
        page.goto(f"{site}{path}")
        assert serious_violations(page) == [], path


def test_keyboard_user_can_skip_to_content_and_filter(page, site):
    page.goto(f"{site}/fr/measures/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main"))
    page.get_by_label("Rechercher (néerlandais, français ou anglais)").fill("fablab")
    page.keyboard.press("Enter")
    expect(page.locator(".result-count")).not_to_contain_text(" 0 ")
