"""Imports, exports, reminders and comment moderation in a real browser, with axe-core checks."""

import re

import pytest
from playwright.sync_api import expect

from tests.a11y import serious_violations

pytestmark = pytest.mark.e2e
PASSWORD = "a-long-e2e-password"


@pytest.fixture
def people(site):
    from accounts.models import Role
    from accounts.tests.factories import user_with_role
    from monitoring.models import Comment
    from monitoring.reference import monitoring_reference_load
    from monitoring.tests.factories_io import CommentFactory

    monitoring_reference_load()
    accounts = {
        "tina": user_with_role(Role.TASKFORCE, username="tina"),
        "carl": user_with_role(Role.COORDINATOR, "actiris", username="carl", language="fr"),
        "sara": user_with_role(Role.STEERING, username="sara"),
    }
    for user in accounts.values():
        user.set_password(PASSWORD)
        user.save()
    CommentFactory(
        author=accounts["sara"],
        body="Is the budget realistic?",
        moderation=Comment.Moderation.PENDING,
    )
    return site


def login(page, site, username):
    page.goto(f"{site}/en/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile("/accounts/login/"))


def test_comment_then_task_force_imports_a_snapshot_previews_reminders_and_moderates(
    page, people, tmp_path
):
    from monitoring.models import Comment, Report

    site = people
    steering_member_comments(page, site)
    login(page, site, "tina")

    # Download the snapshot of a period.
    page.goto(f"{site}/en/monitoring/io/export/?period=2025-h1")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename == "reports-2025-h1.csv"
    assert serious_violations(page) == []

    # A file with one bad row is refused as a whole, naming file, row and column.
    bad = tmp_path / "reports.csv"
    bad.write_text(
        "measure_code,period,status,progress,narrative_nl\n"
        "MET.4.1,2025-h1,in_progress,35,Opgestart\n"
        "1.1.3,2025-h1,in_progress,135,Te veel\n",
        encoding="utf-8",
    )
    page.goto(f"{site}/en/monitoring/io/import/")
    page.get_by_label("Snapshot file (.xlsx or .csv)").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("reports.csv: row 3, column progress")
    expect(alert).to_contain_text("nothing was changed")
    assert not Report.objects.exists()
    assert serious_violations(page) == []

    # Corrected, imported and submitted in one go.
    bad.write_text(
        "measure_code,period,status,progress,narrative_nl\n"
        "MET.4.1,2025-h1,in_progress,35,Opgestart\n"
        "1.1.3,2025-h1,in_progress,60,Goed op weg\n",
        encoding="utf-8",
    )
    page.get_by_label("Snapshot file (.xlsx or .csv)").set_input_files(str(bad))
    page.get_by_label("Submit the imported reports for validation").check()
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("status")).to_contain_text("2 created")
    assert set(Report.objects.values_list("state", flat=True)) == {"submitted"}

    # The reminders preview: Carl (Actiris, French) still owes the other Actiris measures.
    page.goto(f"{site}/en/monitoring/reminders/preview/?today=2025-08-10&period=2025-h1")
    row = page.get_by_role("row", name=re.compile("carl"))
    expect(row).to_contain_text("FR")
    row.locator("summary").click()
    expect(row.locator("pre")).to_contain_text("/fr/monitoring/reports/A.13/2025-h1/edit/")
    expect(row.locator("pre")).not_to_contain_text("MET.4.1")
    assert serious_violations(page) == []

    # The moderation queue: approve the steering member's comment.
    page.goto(f"{site}/en/monitoring/moderation/")
    expect(page.get_by_role("table")).to_contain_text("Is the budget realistic?")
    expect(page.get_by_role("table")).to_contain_text("Graag een stand van zaken.")
    assert serious_violations(page) == []
    page.locator("tr", has_text="Is the budget realistic?").get_by_role(
        "button", name="Approve the comment on MET.4.1"
    ).click()
    expect(page.get_by_role("status")).to_contain_text("Comment approved")
    page.get_by_role("button", name="Reject the comment on MET.4.1").click()
    expect(page.get_by_role("status")).to_contain_text("Comment rejected")
    expect(page.get_by_role("table")).to_contain_text("No comment awaits moderation.")
    assert dict(Comment.objects.values_list("body", "moderation")) == {
        "Is the budget realistic?": "approved",
        "Graag een stand van zaken.": "rejected",
    }


def steering_member_comments(page, site):
    login(page, site, "sara")
    # Posting an empty comment lands on the comment form with the errors (no JavaScript needed).
    page.goto(f"{site}/en/measures/MET.4.1/")
    page.evaluate(
        """() => { const f = document.createElement('form'); f.method = 'post';
        f.action = '/en/monitoring/measures/MET.4.1/comments/';
        const t = document.createElement('input'); t.name = 'csrfmiddlewaretoken';
        t.value = document.cookie.split('; ').find(c => c.startsWith('csrftoken=')).split('=')[1];
        f.appendChild(t); document.body.appendChild(f); f.submit(); }"""
    )
    expect(page.get_by_role("alert")).to_contain_text("This field is required.")
    page.get_by_label("Your comment").fill("Graag een stand van zaken.")
    page.get_by_label("Public: everyone, on this page").check()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Post the comment").click()
    expect(page).to_have_url(re.compile(r"/en/measures/MET\.4\.1/#comment-\d+"))
    from monitoring.models import Comment

    comment = Comment.objects.get(body="Graag een stand van zaken.")
    assert (comment.visibility, comment.moderation) == ("public", "pending")
    page.context.clear_cookies()
