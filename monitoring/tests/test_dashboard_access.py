"""Who may see what on the dashboards and the timeline (role × page), and what the public never sees."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import INTERNAL_ROLES, ROLES, user_for
from monitoring.models import Report
from monitoring.reference import monitoring_reference_load

from .factories_dashboard import milestone, report

CODE = "C.5"
PUBLIC_PAGES = (
    "/fr/monitoring/",
    "/nl/monitoring/timeline/",
    "/fr/monitoring/timeline/?group=coordinator&view=table",
)


@pytest.fixture
def reference(db):
    monitoring_reference_load()


def client_as(client, role):
    user = user_for(role)
    if user is not None:
        client.force_login(user)
    return client


EXPECTED_INTERNAL = {
    "anonymous": 302,
    "coordinator": 403,
    "taskforce": 200,
    "steering": 200,
    "commission": 200,
    "admin": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_internal_dashboard_by_role(client, reference, role):
    client = client_as(client, role)
    page = client.get("/nl/monitoring/internal/")
    export = client.get("/nl/monitoring/internal/", {"table": "compliance", "format": "csv"})
    assert page.status_code == EXPECTED_INTERNAL[role]
    assert export.status_code == EXPECTED_INTERNAL[role]
    if role == "anonymous":
        assert page["Location"].startswith("/nl/accounts/login/?next=/nl/monitoring/internal/")
    if role in INTERNAL_ROLES:
        assert 'id="compliance"' in page.content.decode()
        assert export.content.decode("utf-8-sig").startswith("period,organisation,")


def test_user_without_a_role_is_refused(client, reference, django_user_model):
    client.force_login(django_user_model.objects.create_user("norole"))
    assert client.get("/nl/monitoring/internal/").status_code == 403


def test_inactive_internal_user_is_not_let_in(client, reference):
    user = user_for("steering")
    user.is_active = False
    user.save()
    client.force_login(user)
    assert client.get("/nl/monitoring/internal/").status_code in (302, 403)


@pytest.mark.parametrize("role", ROLES)
def test_public_pages_are_open_to_everybody(client, reference, role):
    client = client_as(client, role)
    assert client.get("/nl/monitoring/timeline/").status_code == 200
    response = client.get("/nl/monitoring/")
    assert response.status_code == 200
    html = response.content.decode()
    assert ("/nl/monitoring/internal/" in html) == (
        role in INTERNAL_ROLES
    )  # the link only for those who may


@pytest.fixture
def unpublished(reference):
    """C.5: validated at 30 % in 2024-h1; later a submitted, a returned and a draft report with tell-tale values."""
    today = timezone.localdate()
    validated = report(
        CODE, "2024-h1", status_key="in_progress", progress=30, narrative_nl="Gepubliceerd verhaal"
    )
    submitted = report(
        CODE,
        "2024-h2",
        state=Report.State.SUBMITTED,
        status_key="advanced",
        progress=87,
        narrative_nl="GEHEIM-INGEDIEND",
        narrative_fr="SECRET-SOUMIS",
    )
    returned = report(
        CODE,
        "2025-h1",
        state=Report.State.RETURNED,
        status_key="completed",
        progress=93,
        narrative_nl="GEHEIM-TERUG",
        return_comment="GEHEIM-COMMENTAAR",
    )
    draft = report(
        CODE,
        "2025-h2",
        state=Report.State.DRAFT,
        status_key="completed",
        progress=97,
        narrative_fr="SECRET-BROUILLON",
        risks="GEHEIM-RISICO",
    )
    for r, title in (
        (submitted, "GEHEIM-MIJLPAAL-INGEDIEND"),
        (returned, "GEHEIM-MIJLPAAL-TERUG"),
        (draft, "GEHEIM-MIJLPAAL-ONTWERP"),
    ):
        milestone(CODE, today - timedelta(days=20), report=r, title=title)
    milestone(CODE, today - timedelta(days=20), report=validated, title="Publieke mijlpaal")
    return validated


SECRETS = ("GEHEIM", "SECRET-")


@pytest.mark.parametrize("role", ["anonymous", "coordinator"])
def test_public_pages_never_show_unvalidated_reports(client, unpublished, role):
    client = client_as(client, role)
    pages = {url: client.get(url).content.decode() for url in PUBLIC_PAGES}
    for url, html in pages.items():
        for secret in SECRETS:
            assert secret not in html, (url, secret)
    assert (
        "Publieke mijlpaal" in pages["/fr/monitoring/"]
    )  # the validated report's milestone is public


@pytest.mark.parametrize("role", ["anonymous", "coordinator"])
def test_public_exports_never_show_unvalidated_reports(client, unpublished, role):
    client = client_as(client, role)
    tables = (
        "status",
        "challenge",
        "sector",
        "dimension",
        "priority",
        "coordinator",
        "evolution",
        "overdue",
        "stale",
        "quick_wins",
        "weights",
    )
    for table in tables:
        body = client.get("/nl/monitoring/", {"table": table, "format": "json"}).content.decode()
        for secret in SECRETS:
            assert secret not in body, table
    rows = json.loads(
        client.get("/nl/monitoring/timeline/", {"format": "json", "group": "sector"}).content
    )
    c5 = next(r for r in rows if r["measure"] == CODE)
    assert (c5["status"], c5["progress"]) == (
        "in_progress",
        30,
    )  # the validated report, not 87/93/97
    assert not any("GEHEIM" in m for m in c5["milestones"])
    status_rows = {
        r["status"]: r["measures"]
        for r in json.loads(
            client.get("/nl/monitoring/", {"table": "status", "format": "json"}).content
        )
    }
    assert status_rows.get("completed", 0) == 0 and status_rows.get("advanced", 0) == 0
    sectors = {
        r["group"]: r
        for r in json.loads(
            client.get("/nl/monitoring/", {"table": "sector", "format": "json"}).content
        )
    }
    assert sectors["construction"]["weighted_progress"] == round(
        30 / sectors["construction"]["measures"], 1
    )


def test_internal_pages_show_unvalidated_milestones_but_keep_the_roll_up_rule(client, unpublished):
    client = client_as(client, "steering")
    html = client.get("/nl/monitoring/internal/").content.decode()
    assert "GEHEIM-MIJLPAAL-INGEDIEND" in html
    assert "GEHEIM-MIJLPAAL-ONTWERP" in html
    assert "GEHEIM-INGEDIEND" not in html.replace(
        "GEHEIM-MIJLPAAL-INGEDIEND", ""
    )  # narratives are not on dashboards
    sectors = {
        r["group"]: r
        for r in json.loads(
            client.get("/nl/monitoring/internal/", {"table": "sector", "format": "json"}).content
        )
    }
    assert sectors["construction"]["weighted_progress"] == round(
        30 / sectors["construction"]["measures"], 1
    )
