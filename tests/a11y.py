"""axe-core in the page under test: the serious and critical WCAG violations, readable."""

from axe_playwright_python.sync_playwright import Axe


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
