"""The boordtabel in a real headless browser: overview → indicator → series → CSV, with axe-core."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from tests.a11y import serious_violations

pytestmark = pytest.mark.e2e


@pytest.fixture
def boordtabel(site):
    from indicators.loader import indicators_load_defaults

    indicators_load_defaults()
    return site


def test_open_indicator_change_series_and_download_csv(page, boordtabel):
    page.goto(f"{boordtabel}/nl/boordtabel/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    table1 = page.locator("section.table1")
    expect(table1).to_contain_text("22.115")
    expect(table1).to_contain_text("33.013")
    expect(table1).to_contain_text("667.889")
    assert serious_violations(page) == [], "overview"

    page.locator(".indicator-tile a[href$='/boordtabel/T1-JOBS/']").first.click()
    expect(page).to_have_url(re.compile(r"/nl/boordtabel/T1-JOBS/$"))
    expect(page.locator("#observations-table")).to_contain_text("667.889")
    # The Vega-Lite chart is drawn from the vendored scripts (no CDN).
    expect(page.locator("#indicator-chart svg")).to_be_visible()

    page.locator("#d-sector").select_option("construction")
    page.locator(".disaggregation-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"sector=construction"))
    expect(page.locator("#observations-table")).to_contain_text("33.013")
    expect(page.locator("#observations-table")).not_to_contain_text("667.889")
    assert serious_violations(page) == [], "indicator page"

    with page.expect_download() as info:
        page.locator(".export-links a", has_text="CSV").click()
    download = info.value
    assert download.suggested_filename == "indicator-T1-JOBS.csv"
    with open(download.path(), encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read())))
    assert {r["sector"]: r["value"] for r in rows}["construction"] == "33013"


def test_method_page_and_french_overview_are_accessible(page, boordtabel):
    for path in (
        "/fr/boordtabel/",
        "/fr/boordtabel/method/",
        "/en/boordtabel/CTX-CHARGING-POINTS/",
    ):
        page.goto(f"{boordtabel}{path}")
        assert serious_violations(page) == [], path
