"""JSON API: public validated progress; reporters' token writes on their own measures only."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from monitoring.models import Report, ReportingPeriod
from monitoring.tests.factories_io import (  # noqa: F401
    MEASURE_A,
    MEASURE_B,
    ReportFactory,
    _english,
    _reference,
    _users,
)
from plan.models import Measure

pytestmark = pytest.mark.django_db


def token_client(user) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return api


def test_public_progress_shows_validated_reports_only(client, users):
    ReportFactory(
        period=ReportingPeriod.objects.get(key="2024-h1"),
        state=Report.State.VALIDATED,
        progress=20,
        narrative_nl="Gestart",
    )
    ReportFactory(
        period=ReportingPeriod.objects.get(key="2024-h2"),
        state=Report.State.VALIDATED,
        progress=None,
    )
    ReportFactory(
        period=ReportingPeriod.objects.get(key="2025-h1"),
        state=Report.State.SUBMITTED,
        progress=90,
        narrative_nl="Geheim",
    )
    data = client.get(f"/api/v1/progress/{MEASURE_A}/").json()
    assert [r["period"] for r in data["timeline"]] == ["2024-h1", "2024-h2"]
    assert data["latest"]["period"] == "2024-h2"
    assert data["latest"]["progress"] == 40  # none reported: the default of "in progress"
    assert data["timeline"][0]["narrative_nl"] == "Gestart"
    assert "Geheim" not in str(data) and "risks" not in data["latest"]
    listing = client.get("/api/v1/progress/", {"limit": 500}).json()
    assert listing["count"] == Measure.objects.count()
    other = next(m for m in listing["results"] if m["code"] == MEASURE_B)
    assert other["latest"] is None and other["timeline"] == []
    assert client.get("/api/v1/progress/Z.99/").status_code == 404


def test_coordinator_token_creates_updates_and_submits_own_report(users):
    api = token_client(users["coordinator_a"])
    url = f"/api/v1/reports/{MEASURE_A}/2025-h1/"
    created = api.put(
        url,
        {
            "status": "in_progress",
            "progress": 30,
            "narrative_nl": "Eerste versie",
            "budget_committed": "1000.00",
        },
        format="json",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["state"], body["version"], body["budget_committed"]) == ("draft", 1, "1000.00")
    # Updating without a version is refused; with the current version it is accepted (no duplicate).
    assert (
        api.put(url, {"status": "in_progress", "narrative_nl": "x"}, format="json").status_code
        == 400
    )
    updated = api.put(
        url,
        {
            "status": "advanced",
            "progress": 70,
            "narrative_nl": "Tweede",
            "version": 1,
            "submit": True,
        },
        format="json",
    )
    assert updated.status_code == 200, updated.json()
    assert updated.json()["state"] == "submitted"
    assert Report.objects.filter(measure__code=MEASURE_A).count() == 1
    report = Report.objects.get(measure__code=MEASURE_A)
    assert (report.progress, report.narrative_nl, report.submitted_by) == (
        70,
        "Tweede",
        users["coordinator_a"],
    )
    listed = api.get("/api/v1/reports/", {"period": "2025-h1"}).json()
    assert [(r["measure"], r["state"]) for r in listed] == [(MEASURE_A, "submitted")]


def test_stale_version_gets_409_with_what_changed_and_nothing_is_lost(users):
    report = ReportFactory(progress=10, narrative_nl="Origineel")
    api = token_client(users["coordinator_a"])
    url = f"/api/v1/reports/{MEASURE_A}/2025-h1/"
    first = api.put(
        url,
        {"status": "in_progress", "progress": 20, "narrative_nl": "Door collega", "version": 1},
        format="json",
    )
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = api.put(
        url,
        {"status": "in_progress", "progress": 99, "narrative_nl": "Overschrijven", "version": 1},
        format="json",
    )
    assert stale.status_code == 409
    conflict = stale.json()
    assert conflict["current_version"] == 2
    assert {"field": "narrative_nl", "old": "Origineel", "new": "Door collega"} in conflict[
        "changes"
    ]
    report.refresh_from_db()
    assert (report.progress, report.narrative_nl) == (20, "Door collega")
    assert api.post(url + "submit/", {"version": 1}, format="json").status_code == 409
    assert api.post(url + "submit/", {"version": 2}, format="json").status_code == 200
    # A submitted report can no longer be edited, nor submitted again.
    assert (
        api.put(
            url, {"status": "in_progress", "narrative_nl": "x", "version": 3}, format="json"
        ).status_code
        == 409
    )
    assert api.post(url + "submit/", {"version": 3}, format="json").status_code == 409


def test_invalid_data_is_refused_with_field_errors(users):
    api = token_client(users["coordinator_a"])
    url = f"/api/v1/reports/{MEASURE_A}/2025-h1/"
    bad = api.put(url, {"status": "nope", "progress": 120}, format="json")
    assert bad.status_code == 400 and {"status", "progress"} <= set(bad.json())
    no_text = api.put(url, {"status": "in_progress"}, format="json")
    assert no_text.status_code == 400 and "narrative_nl" in no_text.json()
    budget = api.put(
        url,
        {
            "status": "in_progress",
            "narrative_fr": "x",
            "budget_committed": "10",
            "budget_spent": "20",
        },
        format="json",
    )
    assert budget.status_code == 400 and "budget_spent" in budget.json()
    ReportingPeriod.objects.filter(key="2025-h1").update(is_closed=True)
    closed = api.put(url, {"status": "in_progress", "narrative_fr": "x"}, format="json")
    assert closed.status_code == 400 and not Report.objects.exists()


def test_coordinator_of_a_cannot_touch_b_by_api(users):
    ReportFactory(measure=Measure.objects.get(code=MEASURE_B))
    api = token_client(users["coordinator_a"])
    url = f"/api/v1/reports/{MEASURE_B}/2025-h1/"
    assert api.get(url).status_code == 403
    assert (
        api.put(
            url, {"status": "completed", "narrative_nl": "x", "version": 1}, format="json"
        ).status_code
        == 403
    )
    assert api.post(url + "submit/", {"version": 1}, format="json").status_code == 403
    report = Report.objects.get()
    assert (report.state, report.version, report.status.key) == ("draft", 1, "in_progress")


def test_bad_token_is_refused():
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert api.get("/api/v1/reports/").status_code == 401


def test_create_api_token_command(users, capsys):
    call_command("create_api_token", "coord-a")
    key = capsys.readouterr().out.strip()
    assert Token.objects.get(user=users["coordinator_a"]).key == key
    call_command("create_api_token", "coord-a")
    assert capsys.readouterr().out.strip() == key
    call_command("create_api_token", "coord-a", "--reset")
    assert capsys.readouterr().out.strip() != key
    with pytest.raises(CommandError):
        call_command("create_api_token", "nobody")
    from accounts.tests.factories import UserFactory

    UserFactory(username="no-role")
    with pytest.raises(CommandError, match="no role"):
        call_command("create_api_token", "no-role")


def test_endpoints_are_in_the_openapi_schema(client):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    paths = schema["paths"]
    assert {
        "/api/v1/progress/",
        "/api/v1/progress/{code}/",
        "/api/v1/reports/",
        "/api/v1/reports/{code}/{period}/",
        "/api/v1/reports/{code}/{period}/submit/",
    } <= set(paths)
    assert "409" in paths["/api/v1/reports/{code}/{period}/"]["put"]["responses"]
    assert "ReportWrite" in schema["components"]["schemas"]
