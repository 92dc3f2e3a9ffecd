"""The Content-Security-Policy breaks no page: each kind of page in a real browser, with its
scripts at work (HTMX filtering, the Vega-Lite chart, the map), reports no CSP violation and no
console error."""

import re

import pytest
from playwright.sync_api import expect

from economy.tests.test_web import import_web_dump

pytestmark = pytest.mark.e2e

# Runs before any script of the page: keeps every violation the browser reports.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " +
                    (e.sourceFile || "") + ":" + (e.lineNumber || ""));
});
"""


@pytest.fixture
def full_site(site, settings, tmp_path):
    """The plan, the boordtabel, a few validated reports and a small KBO register."""
    from indicators.loader import indicators_load_defaults
    from monitoring.models import ImplementationStatus, Report, ReportingPeriod
    from plan.models import Measure

    indicators_load_defaults()
    status = {s.key: s for s in ImplementationStatus.objects.all()}
    for code, period, key, progress in (
        ("C.1", "2023-h2", "in_progress", 45),
        ("C.1", "2024-h2", "completed", 100),
        ("1.1.1", "2024-h1", "advanced", 80),
    ):
        Report.objects.create(
            measure=Measure.objects.get(code=code),
            period=ReportingPeriod.objects.get(key=period),
            state=Report.State.VALIDATED,
            status=status[key],
            progress=progress,
        )
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    import_web_dump(tmp_path / "full", synthetic=True)
    return site


@pytest.fixture
def watched(page):
    """The page, with every CSP violation and console error it reports."""
    problems: list[str] = []
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.problems = problems
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.__csp || []")


def visit(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")


def assert_clean(page, where: str) -> None:
    found = violations(page) + page.problems
    assert found == [], f"{where}: {found}"


def test_no_csp_violation_on_any_kind_of_page(watched, full_site):
    page, site = watched, full_site

    visit(page, f"{site}/nl/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_clean(page, "home")

    # The measures list, filtered with HTMX (results swapped in place, the URL pushed).
    visit(page, f"{site}/nl/measures/")
    page.locator("#measure-filters input[name=remark][value=QW]").check()
    expect(page).to_have_url(re.compile(r"remark=QW"))
    expect(page.locator(".measure-card").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert_clean(page, "measures, filtered")

    visit(page, f"{site}/nl/measures/C.1/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("C.1")
    assert_clean(page, "measure")

    for path in ("/nl/monitoring/", "/nl/monitoring/timeline/"):
        visit(page, site + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_clean(page, path)

    visit(page, f"{site}/nl/boordtabel/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_clean(page, "boordtabel")

    # The indicator's Vega-Lite chart is drawn, without eval and without inline styles.
    visit(page, f"{site}/nl/boordtabel/T1-JOBS/")
    expect(page.locator("#indicator-chart svg")).to_be_visible()
    page.locator("#indicator-chart svg").hover()
    assert_clean(page, "indicator")

    visit(page, f"{site}/nl/economy/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_clean(page, "economy")

    visit(page, f"{site}/nl/accounts/login/")
    assert_clean(page, "login")


def test_the_chart_draws_under_a_policy_without_eval_or_inline_style(watched, full_site):
    """Vega is embedded with {ast: true} (vega-embed bundles vega-interpreter) and without its
    default <style> elements, so the policy needs neither 'unsafe-eval' nor style hashes."""
    page, site = watched, full_site
    response = page.goto(f"{site}/nl/boordtabel/T1-JOBS/")
    header = response.headers["content-security-policy"]
    policy = dict(d.strip().split(" ", 1) for d in header.split(";") if d.strip())
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert "unsafe-eval" not in header and "sha256-" not in header
    expect(page.locator("#indicator-chart svg")).to_be_visible()
    page.locator("#indicator-chart svg").hover()
    assert_clean(page, "indicator under the strict policy")
