"""Role × action matrix for the reporting workflow pages and every write endpoint (form and URL).

Object level: a coordinator of Actiris reports on MET.4.1 (Actiris) and never on 2.1.1 (Haven van Brussel).
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from accounts.tests.factories import coordinator, user_with_role
from monitoring import services
from monitoring.models import Evidence, ImplementationStatus, Milestone, Report, ReportingPeriod
from plan.models import Measure

pytestmark = pytest.mark.django_db
ROLES = [
    "anonymous",
    "coordinator_a",
    "coordinator_b",
    "taskforce",
    "steering",
    "commission",
    "admin",
]


def make_user(role: str):
    return {
        "anonymous": lambda: None,
        "coordinator_a": lambda: coordinator("actiris"),
        "coordinator_b": lambda: coordinator("haven-van-brussel"),
        "taskforce": lambda: user_with_role(Role.TASKFORCE),
        "steering": lambda: user_with_role(Role.STEERING),
        "commission": lambda: user_with_role(Role.COMMISSION),
        "admin": lambda: user_with_role(Role.ADMIN),
    }[role]()


def url(name, **kwargs):
    with translation.override("nl"):
        return reverse(f"monitoring:{name}", kwargs=kwargs or None)


@pytest.fixture
def period():
    return ReportingPeriod.objects.get(key="2025-h2")


@pytest.fixture
def draft(period):
    author = coordinator("actiris", username="author")
    status = ImplementationStatus.objects.get(key="in_progress")
    report = services.report_save(
        user=author,
        measure=Measure.objects.get(code="MET.4.1"),
        period=period,
        data=services.ReportData(status=status, narrative_nl="Geheim concept."),
    )
    services.evidence_add(
        user=author, report=report, title="Bewijs", upload=SimpleUploadedFile("b.pdf", b"%PDF-1.4")
    )
    return report


def client_for(client, role):
    user = make_user(role)
    if user:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("coordinator_a", 200),
        ("coordinator_b", 200),
        ("taskforce", 200),
        # they write no reports: sent to the internal dashboard, where their work is
        ("steering", 302),
        ("commission", 302),
        ("admin", 200),
    ],
)
def test_workspace(client, role, expected):
    response = client_for(client, role).get(url("workspace"))
    assert response.status_code == expected
    if role == "coordinator_a":
        assert "MET.4.1" in response.content.decode() and "2.1.1" not in response.content.decode()


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("coordinator_a", 200),
        ("coordinator_b", 403),
        ("taskforce", 200),
        ("steering", 403),
        ("commission", 403),
        ("admin", 200),
    ],
)
def test_report_form_get_and_post(client, period, role, expected):
    c = client_for(client, role)
    edit = url("report_edit", code="MET.4.1", period=period.key)
    assert c.get(edit).status_code == expected
    status = ImplementationStatus.objects.get(key="preparation")
    response = c.post(edit, {"status": status.pk, "progress": "15", "narrative_nl": "Door " + role})
    saved = Report.objects.filter(measure__code="MET.4.1", period=period).first()
    if expected == 200:
        assert response.status_code == 302
        assert saved.narrative_nl == "Door " + role
    else:
        assert response.status_code == expected
        assert saved is None


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 404),
        ("coordinator_a", 200),
        ("coordinator_b", 404),
        ("taskforce", 200),
        ("steering", 200),
        ("commission", 200),
        ("admin", 200),
    ],
)
def test_draft_report_and_its_evidence_are_not_public(client, draft, role, expected):
    c = client_for(client, role)
    response = c.get(url("report_detail", pk=draft.pk))
    assert response.status_code == expected
    evidence = Evidence.objects.get(report=draft)
    assert c.get(url("evidence_download", pk=evidence.pk)).status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_submit(client, draft, role):
    c = client_for(client, role)
    response = c.post(url("report_submit", pk=draft.pk), {"version": draft.version})
    draft.refresh_from_db()
    allowed = role in ("coordinator_a", "taskforce", "admin")
    assert (draft.state == "submitted") is allowed
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif role in ("coordinator_b",):
        assert response.status_code == 404
    elif not allowed:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["report_validate", "report_return"])
def test_validate_and_return_only_by_task_force(client, draft, role, action):
    submitted = services.report_submit(
        user=draft.created_by, report=draft, expected_version=draft.version
    )
    c = client_for(client, role)
    c.post(
        url(action, pk=draft.pk),
        {"comment": "Graag aanvullen.", "version": submitted.version, "confirm": "on"},
    )
    draft.refresh_from_db()
    allowed = role in ("taskforce", "admin")
    expected_state = (
        {"report_validate": "validated", "report_return": "returned"}[action]
        if allowed
        else "submitted"
    )
    assert draft.state == expected_state


@pytest.mark.parametrize("role", ROLES)
def test_milestone_and_evidence_endpoints(client, draft, role):
    c = client_for(client, role)
    c.post(url("milestone_add", pk=draft.pk), {"title_nl": "Mijlpaal", "due_date": "2026-03-01"})
    c.post(url("evidence_add", pk=draft.pk), {"title": "Link", "url": "https://example.org/x"})
    allowed = role in ("coordinator_a", "taskforce", "admin")
    assert Milestone.objects.filter(report=draft).exists() is allowed
    assert Evidence.objects.filter(report=draft, kind="link").exists() is allowed


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("coordinator_a", 403),
        ("coordinator_b", 403),
        ("taskforce", 200),
        ("steering", 403),
        ("commission", 403),
        ("admin", 200),
    ],
)
def test_review_queue(client, role, expected):
    assert client_for(client, role).get(url("review")).status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_closing_a_period(client, period, role):
    c = client_for(client, role)
    c.post(url("period_close", key=period.key))
    period.refresh_from_db()
    assert period.is_closed is (role in ("taskforce", "admin"))


def test_validated_report_is_public_and_shown_on_the_measure_page(client, draft):
    submitted = services.report_submit(
        user=draft.created_by, report=draft, expected_version=draft.version
    )
    services.report_validate(
        user=user_with_role(Role.TASKFORCE), report=submitted, expected_version=submitted.version
    )
    assert client.get(url("report_detail", pk=draft.pk)).status_code == 200
    for lang in ("nl", "fr"):
        with translation.override(lang):
            html = client.get(reverse("plan:measure", kwargs={"code": "MET.4.1"})).content.decode()
        assert "Geheim concept." in html
        assert f"/monitoring/reports/{draft.pk}/" in html


def test_public_measure_page_shows_no_unvalidated_report(client, draft):
    html = client.get("/nl/measures/MET.4.1/").content.decode()
    assert "Geheim concept." not in html


def test_stale_form_gets_a_conflict_page_showing_what_changed(client, draft, period):
    c = client_for(client, "coordinator_a")
    edit = url("report_edit", code="MET.4.1", period=period.key)
    stale_version = draft.version
    status = ImplementationStatus.objects.get(key="in_progress")
    first = c.post(
        edit,
        {"status": status.pk, "progress": "40", "narrative_nl": "Eerste", "version": stale_version},
    )
    assert first.status_code == 302
    second = c.post(
        edit,
        {"status": status.pk, "progress": "70", "narrative_nl": "Tweede", "version": stale_version},
    )
    assert second.status_code == 409
    assert "Eerste" in second.content.decode()
    draft.refresh_from_db()
    assert draft.narrative_nl == "Eerste"


def test_task_force_admin_pages(client, django_user_model):
    from monitoring.models import MeasurePlanning

    admin = django_user_model.objects.create_user(
        "boss", password="x" * 12, is_staff=True, is_superuser=True
    )
    client.force_login(admin)
    planning = MeasurePlanning.objects.first()
    for name, args in [
        ("admin:monitoring_reportingperiod_changelist", []),
        ("admin:monitoring_measureplanning_change", [planning.pk]),
        ("admin:monitoring_report_changelist", []),
        ("admin:monitoring_implementationstatus_changelist", []),
    ]:
        with translation.override("nl"):
            assert client.get(reverse(name, args=args)).status_code == 200
