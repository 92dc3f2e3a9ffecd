"""Role × action matrix of every endpoint of the exports/imports, reminders, comments and API part.

Roles: anonymous, coordinator of organisation A (Actiris), coordinator of organisation B
(Innoviris), task force, steering committee, industry commission, administrator. Object level:
a coordinator of A cannot touch a measure of B by form, URL or API.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from monitoring.models import Comment, Report
from monitoring.tests.factories_io import (  # noqa: F401
    MEASURE_A,
    MEASURE_B,
    ROLES,
    CommentFactory,
    ReportFactory,
    _english,
    _reference,
    _users,
    client_as,
)
from plan.models import Measure

pytestmark = pytest.mark.django_db

LOGIN = 302  # anonymous visitors of a non-public page are sent to the login page
ALL = dict.fromkeys(ROLES, 200)


def expect(anonymous, a, b, taskforce, steering, commission, admin) -> dict:
    return dict(zip(ROLES, (anonymous, a, b, taskforce, steering, commission, admin), strict=True))


@pytest.mark.parametrize("role", ROLES)
def test_export_pages(client, users, role):
    ReportFactory(narrative_nl="A's report")
    ReportFactory(measure=Measure.objects.get(code=MEASURE_B), narrative_nl="B's report")
    client_as(client, users[role])
    page = client.get(reverse("monitoring:export"))
    csv = client.get(reverse("monitoring:export_period", args=["2025-h1"]), {"format": "csv"})
    expected = expect(LOGIN, 200, 200, 200, 200, 200, 200)[role]
    assert page.status_code == expected
    assert csv.status_code == expected
    if expected != 200:
        return
    text = csv.content.decode("utf-8-sig")
    lines = {line.split(",")[0] for line in text.splitlines()[1:]}
    if role == "coordinator_a":
        assert MEASURE_A in lines and MEASURE_B not in lines and "B's report" not in text
    elif role == "coordinator_b":
        assert MEASURE_B in lines and MEASURE_A not in lines and "A's report" not in text
    else:
        assert {MEASURE_A, MEASURE_B} <= lines and "A's report" in text and "B's report" in text


def _import_file(narrative: str) -> SimpleUploadedFile:
    content = f"measure_code,period,status,progress,narrative_nl\n{MEASURE_A},2025-h1,in_progress,55,{narrative}\n"
    return SimpleUploadedFile("reports.csv", content.encode(), content_type="text/csv")


@pytest.mark.parametrize("role", ROLES)
def test_import_page_and_post(client, users, role):
    client_as(client, users[role])
    expected = expect(LOGIN, 403, 403, 200, 403, 403, 200)[role]
    assert client.get(reverse("monitoring:import_reports")).status_code == expected
    response = client.post(
        reverse("monitoring:import_reports"), {"file": _import_file(f"by {role}")}
    )
    assert response.status_code == expected
    imported = Report.objects.filter(measure__code=MEASURE_A, narrative_nl=f"by {role}").exists()
    assert imported == (expected == 200)


@pytest.mark.parametrize("role", ROLES)
def test_reminders_preview(client, users, role):
    client_as(client, users[role])
    response = client.get(reverse("monitoring:reminders_preview"), {"today": "2025-08-10"})
    assert response.status_code == expect(LOGIN, 403, 403, 200, 403, 403, 200)[role]
    if response.status_code == 200:
        assert b"coord-a@example.org" in response.content


@pytest.mark.parametrize("role", ROLES)
def test_comment_add_and_reply(client, users, role):
    parent = CommentFactory(author=users["steering"], body="Parent comment")
    client_as(client, users[role])
    add = client.post(
        reverse("monitoring:comment_add", args=[MEASURE_B]),
        {"body": f"{role} says", "visibility": "public"},
    )
    reply = client.post(
        reverse("monitoring:comment_reply", args=[parent.pk]),
        {"body": f"{role} replies", "visibility": "public"},
    )
    expected = expect(LOGIN, 403, 403, 302, 302, 302, 302)[role]
    assert add.status_code == expected
    assert reply.status_code == expected
    allowed = role in ("taskforce", "steering", "commission", "admin")
    assert Comment.objects.filter(body=f"{role} says", measure__code=MEASURE_B).exists() == allowed
    assert Comment.objects.filter(body=f"{role} replies", parent=parent).exists() == allowed
    if allowed:
        assert add["Location"].endswith(f"#comment-{Comment.objects.get(body=f'{role} says').pk}")


@pytest.mark.parametrize("role", ROLES)
def test_moderation_queue_and_decisions(client, users, role):
    pending = CommentFactory(
        author=users["commission"], moderation=Comment.Moderation.PENDING, body="Please moderate me"
    )
    client_as(client, users[role])
    queue = client.get(reverse("monitoring:moderation"))
    decide = client.post(
        reverse("monitoring:comment_moderate", args=[pending.pk]), {"decision": "approve"}
    )
    assert queue.status_code == expect(LOGIN, 403, 403, 200, 403, 403, 200)[role]
    assert decide.status_code == expect(LOGIN, 403, 403, 302, 403, 403, 302)[role]
    pending.refresh_from_db()
    moderators = role in ("taskforce", "admin")
    assert pending.moderation == (
        Comment.Moderation.APPROVED if moderators else Comment.Moderation.PENDING
    )
    if moderators:
        assert b"Please moderate me" in queue.content


def _api(user) -> APIClient:
    api = APIClient()
    if user is not None:
        api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


@pytest.mark.parametrize("role", ROLES)
def test_public_progress_api_is_open_to_everyone(users, role):
    api = _api(users[role])
    assert api.get("/api/v1/progress/").status_code == 200
    assert api.get(f"/api/v1/progress/{MEASURE_A}/").status_code == 200
    assert api.post("/api/v1/progress/", {}).status_code in (401, 403, 405)


@pytest.mark.parametrize("role", ROLES)
def test_report_api_on_organisation_a_measure(users, role):
    api = _api(users[role])
    url = f"/api/v1/reports/{MEASURE_A}/2025-h1/"
    payload = {"status": "in_progress", "progress": 30, "narrative_nl": f"API {role}"}
    created = api.put(url, payload, format="json")
    expected = expect(401, 201, 403, 201, 403, 403, 201)[role]
    assert created.status_code == expected
    exists = Report.objects.filter(measure__code=MEASURE_A, narrative_nl=f"API {role}").exists()
    assert exists == (expected == 201)
    if expected != 201:
        # Whoever may not write may not read a draft of it either, nor submit it.
        ReportFactory()
        assert api.get(url).status_code == expected
        assert api.post(url + "submit/", {"version": 1}, format="json").status_code == expected
        assert Report.objects.get(measure__code=MEASURE_A).state == Report.State.DRAFT
        return
    assert api.get(url).json()["narrative_nl"] == f"API {role}"
    version = created.json()["version"]
    submitted = api.post(url + "submit/", {"version": version}, format="json")
    assert submitted.status_code == 200
    assert Report.objects.get(measure__code=MEASURE_A).state == Report.State.SUBMITTED


@pytest.mark.parametrize("role", ROLES)
def test_report_api_on_organisation_b_measure(users, role):
    api = _api(users[role])
    response = api.put(
        f"/api/v1/reports/{MEASURE_B}/2025-h1/",
        {"status": "in_progress", "narrative_fr": "x"},
        format="json",
    )
    assert response.status_code == expect(401, 403, 201, 201, 403, 403, 201)[role]


@pytest.mark.parametrize("role", ROLES)
def test_report_api_list_shows_only_own_measures(users, role):
    ReportFactory()
    ReportFactory(measure=Measure.objects.get(code=MEASURE_B))
    response = _api(users[role]).get("/api/v1/reports/")
    if role == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    codes = {r["measure"] for r in response.json()}
    expected = {
        "coordinator_a": {MEASURE_A},
        "coordinator_b": {MEASURE_B},
        "taskforce": {MEASURE_A, MEASURE_B},
        "admin": {MEASURE_A, MEASURE_B},
        "steering": set(),
        "commission": set(),
    }[role]
    assert codes == expected
