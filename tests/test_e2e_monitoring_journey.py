"""The monitoring journey in a browser: draft → submit → return → correct → resubmit → validate → public."""

import re

import pytest
from playwright.sync_api import expect

from tests.a11y import serious_violations

pytestmark = pytest.mark.e2e
PASSWORD = "a-long-e2e-password"


def login(page, site, username):
    page.goto(f"{site}/nl/accounts/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rapportering")


def logout(page):
    page.get_by_role("button", name=re.compile("Uitloggen")).click()


@pytest.fixture
def people(site):
    from accounts.tests.factories import coordinator, taskforce

    actiris = coordinator("actiris", username="anna")
    actiris.set_password(PASSWORD)
    actiris.save()
    tf = taskforce(username="tom")
    tf.set_password(PASSWORD)
    tf.save()
    return site


def test_report_goes_from_draft_to_published(page, people, tmp_path):
    site = people
    evidence = tmp_path / "voortgang.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% Bruprod e2e evidence\n")

    # The coordinator drafts a report for MET.4.1 (an Actiris measure).
    login(page, site, "anna")
    page.get_by_label("Periode").select_option("2025-h2")
    page.get_by_role("button", name="Tonen").click()
    page.get_by_role("link", name=re.compile(r"Rapport schrijven MET\.4\.1")).click()
    page.get_by_label("Uitvoeringsstatus").select_option(label="In uitvoering")
    page.get_by_label("Voortgang (%)").fill("35")
    page.get_by_label("Voortgangsverslag (Nederlands)").fill(
        "De gemeenschappelijke wervingsbureaus zijn opgestart."
    )
    page.get_by_label("Voortgangsverslag (Frans)").fill(
        "Les bureaux de recrutement communs ont démarré."
    )
    page.get_by_role("button", name="Concept opslaan").click()
    expect(page.locator(".message-success")).to_be_visible()

    # A milestone and an uploaded evidence file.
    page.get_by_label("Mijlpaal (Nederlands)").fill("Eerste bureau open")
    page.get_by_label("Vervaldatum").fill("2026-03-31")
    page.get_by_role("button", name="Mijlpaal toevoegen").click()
    expect(page.get_by_text("Eerste bureau open")).to_be_visible()
    page.get_by_label("Titel van het bewijsstuk").fill("Voortgangsnota")
    page.get_by_label("Bestand").set_input_files(str(evidence))
    page.get_by_role("button", name="Bewijsstuk toevoegen").click()
    expect(page.get_by_role("link", name="Voortgangsnota")).to_be_visible()
    page.get_by_role("button", name="Indienen bij de taskforce").click()
    expect(page.locator(".badge.state-submitted")).to_be_visible()
    logout(page)

    # The task force returns it with a comment.
    login(page, site, "tom")
    page.goto(f"{site}/nl/monitoring/review/")
    page.get_by_role("link", name="MET.4.1").click()
    page.get_by_label("Wat moet worden verbeterd").fill("Vermeld ook het vastgelegde budget.")
    page.get_by_role("button", name="Terugsturen voor correctie").click()
    expect(page.locator(".badge.state-returned")).to_be_visible()
    logout(page)

    # The coordinator corrects and resubmits.
    login(page, site, "anna")
    page.get_by_label("Periode").select_option("2025-h2")
    page.get_by_role("button", name="Tonen").click()
    page.get_by_role("link", name=re.compile(r"Openen MET\.4\.1")).click()
    expect(page.locator(".notice[role=alert]")).to_contain_text(
        "Vermeld ook het vastgelegde budget."
    )
    page.get_by_role("link", name="Rapport bewerken").click()
    page.get_by_label("Vastgelegd budget (€)").fill("25000")
    page.get_by_role("button", name="Concept opslaan").click()
    page.get_by_role("button", name="Indienen bij de taskforce").click()
    expect(page.locator(".badge.state-submitted")).to_be_visible()
    logout(page)

    # The task force validates: the report is published.
    login(page, site, "tom")
    page.goto(f"{site}/nl/monitoring/review/")
    page.get_by_role("link", name="MET.4.1").click()
    # The confirmation step: without ticking the box nothing is published; the error summary
    # takes the focus and links to the checkbox.
    page.get_by_role("button", name="Valideren en publiceren").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^(Error|Fout):"))
    summary.locator('a[href="#id_confirm"]').click()
    expect(page.locator("#id_confirm")).to_be_focused()
    page.locator("#id_confirm").check()
    page.get_by_role("button", name="Valideren en publiceren").click()
    expect(page.locator(".badge.state-validated")).to_be_visible()
    logout(page)

    # The public sees it on the measure page, in Dutch and in French.
    page.goto(f"{site}/nl/measures/MET.4.1/")
    block = page.locator(".monitoring-block")
    expect(block).to_contain_text("35 %")
    expect(block).to_contain_text("De gemeenschappelijke wervingsbureaus zijn opgestart.")
    page.goto(f"{site}/fr/measures/MET.4.1/")
    expect(page.locator(".monitoring-block")).to_contain_text(
        "Les bureaux de recrutement communs ont démarré."
    )
    expect(page.locator(".monitoring-block")).to_contain_text("En cours")
    assert serious_violations(page) == []
