"""The public dashboard in nl and fr and the execution-plan timeline in a real browser, with axe-core."""

import re

import pytest
from playwright.sync_api import expect

from tests.a11y import serious_violations

pytestmark = pytest.mark.e2e


@pytest.fixture
def history(site):
    """A few validated reports and a published overdue milestone, so that the charts have data."""
    from datetime import timedelta

    from django.utils import timezone

    from monitoring.models import ImplementationStatus, Milestone, Report, ReportingPeriod
    from plan.models import Measure

    status = {s.key: s for s in ImplementationStatus.objects.all()}
    for code, period, key, progress in (
        ("C.1", "2023-h2", "in_progress", 45),
        ("C.1", "2024-h2", "completed", 100),
        ("1.1.1", "2024-h1", "advanced", 80),
        ("MET.4.1", "2024-h2", "preparation", None),
    ):
        report = Report.objects.create(
            measure=Measure.objects.get(code=code),
            period=ReportingPeriod.objects.get(key=period),
            state=Report.State.VALIDATED,
            status=status[key],
            progress=progress,
        )
    Milestone.objects.create(
        measure=report.measure,
        report=report,
        title_nl="Oproep gelanceerd",
        title_fr="Appel lancé",
        due_date=timezone.localdate() - timedelta(days=30),
    )
    return site


def test_public_dashboard_in_dutch_and_french(page, history):
    page.goto(f"{history}/nl/monitoring/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # Each chart is an image with a name, and has a captioned table beside it.
    charts = page.locator("svg.chart.chart-wide[role=img]")  # the phone drawing is hidden here
    expect(charts.first).to_have_attribute("aria-label", re.compile(".+"))
    assert charts.count() == 7
    expect(page.locator("#by-sector table caption")).to_be_visible()
    expect(page.locator("#by-sector table")).to_contain_text("100")
    expect(page.locator("#overdue table")).to_contain_text("Oproep gelanceerd")
    expect(page.locator("#method blockquote").first).to_contain_text("De aggregatieregel")
    expect(page.locator("#method blockquote[lang=en]")).to_contain_text("THE ROLL-UP RULE")
    assert serious_violations(page) == []

    page.get_by_role("navigation", name=re.compile("Taal|Language")).get_by_role(
        "link", name=re.compile("Français")
    ).click()
    expect(page).to_have_url(re.compile(r"/fr/monitoring/$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#overdue table")).to_contain_text("Appel lancé")
    expect(page.locator("#by-status table")).to_contain_text("Réalisé")
    assert serious_violations(page) == []

    # Every table downloads; the browser gets a CSV file.
    with page.expect_download() as download:
        page.locator("#by-sector .export-links a", has_text="CSV").click()
    assert download.value.suggested_filename == "monitoring-sector.csv"


def test_timeline_grouping_and_table_view_by_keyboard(page, history):
    from reference.models import Sector

    page.goto(f"{history}/nl/monitoring/timeline/")
    expect(page.locator(".gantt")).to_be_visible()
    assert serious_violations(page) == []

    # Change the grouping to sectors with the keyboard only: focus the select, choose, submit.
    page.locator("#tl-group").focus()
    page.locator("#tl-group").select_option("sector")
    page.keyboard.press("Tab")  # the radio group (one tab stop)
    expect(page.locator(".timeline-controls input[value=bars]")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator(".timeline-controls button[type=submit]")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"group=sector"))
    construction = Sector.objects.get(slug="construction").label("nl")
    expect(page.locator(".gantt-group h2").first).to_contain_text(construction)
    expect(page.locator(".gantt-group").first.locator(".gantt-row").first).to_contain_text("C.1")

    # The same data as a table.
    page.locator(".timeline-controls input[value=table]").check()
    page.locator(".timeline-controls button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"view=table"))
    first_table = page.locator("main table").first
    expect(first_table).to_contain_text("C.1")
    expect(page.locator(".gantt")).to_have_count(0)
    assert serious_violations(page) == []

    # Grouped by coordinating body.
    page.goto(f"{history}/fr/monitoring/timeline/?group=coordinator")
    expect(page.locator("#tl-group")).to_have_value("coordinator")
    expect(page.locator(".gantt-group").first).to_be_visible()
