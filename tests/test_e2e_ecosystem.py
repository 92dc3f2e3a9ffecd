"""The ecosystem map in a real browser: open a sector's chain, see a gap, open an actor, its
neighbourhood (drawn by Cytoscape under the strict CSP), follow it to a plan measure and switch
to French — with no serious or critical axe-core violation, no console error and no CSP
violation on any page."""

import re

import pytest
from playwright.sync_api import expect

from tests.a11y import serious_violations

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
def ecosystem_site(site):
    """The live server with the plan and the seeded ecosystem map (load-ecosystem); returns
    the site, a sector with a gap (the seed places no actor on a stage yet: every stage is one),
    an actor of that sector and a neighbour of it linked to plan measures (or itself)."""
    from ecosystem.loader import ecosystem_load
    from ecosystem.models import Actor
    from ecosystem.selectors import neighbourhood, sector_graph, stage_matrix
    from reference.models import Sector

    ecosystem_load()
    with_measures = set(
        Actor.objects.filter(measures__isnull=False).values_list("pk", flat=True).distinct()
    )
    for slug, cells in stage_matrix().items():
        if not any(c.is_gap for c in cells):
            continue
        for actor in sector_graph(sector=Sector.objects.get(slug=slug)).nodes:
            if actor.pk in with_measures:
                return site, slug, actor, actor
            linked = [a for a in neighbourhood(actor=actor).nodes if a.pk in with_measures]
            if linked:
                return site, slug, actor, linked[0]
    pytest.fail("the seed has no sector with a gap whose actors lead to a plan measure")


@pytest.fixture
def watched(page):
    problems: list[str] = []
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.problems = problems
    return page


def check(page, where: str) -> None:
    page.wait_for_load_state("networkidle")
    found = page.evaluate("window.__csp || []") + page.problems
    assert found == [], f"{where}: {found}"
    assert serious_violations(page) == [], where


def test_chain_gap_actor_neighbourhood_measure_in_french(watched, ecosystem_site):
    page = watched
    site, sector, actor, linked = ecosystem_site

    # A sector's value chain, with a gap.
    page.goto(f"{site}/nl/ecosystem/?sector={sector}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("tr.gap").first).to_be_visible()
    expect(page.locator("tr.gap .badge-gap").first).to_be_visible()
    check(page, "chain")

    # The sector's network (Cytoscape under the CSP), then one of its actors.
    page.locator(f"a[href$='network/?sector={sector}']").click()
    expect(page.locator("#network[data-drawn]")).to_be_attached()
    check(page, "sector network")
    page.locator(f"main a[href$='/ecosystem/actors/{actor.key}/']").first.click()
    expect(page).to_have_url(re.compile(rf"/nl/ecosystem/actors/{actor.key}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(actor.name_nl)
    check(page, "actor")

    # Its neighbourhood: Cytoscape draws it (no <style> injected: the CSP would block it).
    page.locator(f"a[href$='network/?actor={actor.key}']").click()
    expect(page).to_have_url(re.compile(rf"network/\?actor={actor.key}$"))
    expect(page.locator("#network[data-drawn]")).to_be_attached()
    assert int(page.locator("#network").get_attribute("data-drawn")) >= 1
    assert page.locator("#network canvas").count() >= 1
    expect(page.locator("#network-table")).to_be_visible()
    check(page, "neighbourhood")

    # Follow the neighbourhood to an actor linked to plan measures, and on to one of them.
    page.locator(f"main a[href$='/ecosystem/actors/{linked.key}/']").first.click()
    expect(page).to_have_url(re.compile(rf"/ecosystem/actors/{linked.key}/$"))
    measure = page.locator("section[aria-labelledby=measures-title] a").first
    code = measure.inner_text()
    measure.click()
    expect(page).to_have_url(re.compile(r"/nl/.*measures/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    check(page, "measure")

    # Switch to French: the same measure, then the actor's page in French.
    page.locator(".lang-switch a[hreflang=fr]").click()
    expect(page).to_have_url(re.compile(r"/fr/"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    check(page, "measure (fr)")
    page.goto(f"{site}/fr/ecosystem/actors/{linked.key}/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#measures-title")).to_be_visible()
    check(page, "actor (fr)")
    page.goto(f"{site}/fr/ecosystem/network/?actor={actor.key}&depth=2")
    expect(page.locator("#network[data-drawn]")).to_be_attached()
    check(page, "neighbourhood depth 2 (fr)")
