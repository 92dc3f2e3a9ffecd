"""What a civil servant and a citizen hit, in a browser: the navigation on a phone (item 7), the
skip link and live facet counts of the measure list (item 13), the error pages (item 10)."""

import re

import pytest
from playwright.sync_api import expect

from tests.a11y import serious_violations

pytestmark = pytest.mark.e2e


def test_the_navigation_folds_behind_a_menu_button_on_a_phone(browser, site):
    context = browser.new_context(locale="nl-BE", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{site}/nl/")
    toggle = page.locator(".nav-toggle")
    nav = page.get_by_role("navigation", name=re.compile("Hoofdnavigatie|Main navigation"))
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    header = page.locator(".site-header").bounding_box()
    assert header["height"] < 0.2 * 844  # was 35 % of the screen
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav).to_be_visible()
    nav.get_by_role("link").nth(2).click()  # Measures
    expect(page).to_have_url(re.compile(r"/nl/measures/$"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for path in ("/nl/monitoring/", "/nl/boordtabel/"):
        page.goto(f"{site}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    context.close()


def test_skip_to_results_and_facet_counts_follow_the_filters(page, site):
    page.goto(f"{site}/nl/measures/")
    page.keyboard.press("Tab")  # "skip to main content"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # the first stop in the page: past the 100 filters to the results
    skip = page.locator(".skip-results a")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#results-title")).to_be_focused()
    page.keyboard.press("Tab")
    # the next stop is in the results (export links, then the first measure), not in the filters
    assert page.evaluate("document.activeElement.closest('#results') !== null")

    count = page.locator('label[for="f-kind-table"] .count')
    before = count.inner_text()
    page.locator('label[for="f-sector-agrofood"]').click()
    expect(count).not_to_have_text(before)
    expect(page.locator("#f-sector-agrofood")).to_be_checked()


def test_error_pages_are_the_sites_with_a_way_on(page, site):
    from accounts.tests.factories import coordinator

    user = coordinator("actiris", username="anna")
    user.set_password("a-long-e2e-password")
    user.save()
    response = page.goto(f"{site}/nl/bestaat-niet/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Pagina niet gevonden")
    expect(page.get_by_role("link", name="Het Industrieplan in één oogopslag")).to_be_visible()
    assert serious_violations(page) == []
    page.goto(f"{site}/nl/accounts/login/")
    page.get_by_label("Gebruikersnaam").fill("anna")
    page.get_by_label("Wachtwoord").fill("a-long-e2e-password")
    page.locator("form.stack-form button[type=submit]").click()
    response = page.goto(f"{site}/nl/monitoring/review/")
    assert response.status == 403
    expect(page.locator(".error-page")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    assert "403 Forbidden" not in page.content()
    response = page.goto(f"{site}/nl/measures/met.4.1/")
    expect(page).to_have_url(re.compile(r"/nl/measures/MET\.4\.1/$"))
