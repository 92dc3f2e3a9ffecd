"""No lost updates: every write of a report names the version it was made on, creates included.

An update needs the version the editor read (form, API, import); a create says "there was no
report" (version 0, `services.NEW`), so a report someone else created meanwhile is a conflict
(409), never overwritten. These are the sequential forms of the races; the parallel ones run on
PostgreSQL in test_concurrency.py.
"""

from __future__ import annotations

import html

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from monitoring import importing, selectors, services
from monitoring.importing import ImportFileError, reports_import
from monitoring.models import ImplementationStatus, Report, ReportingPeriod
from monitoring.tests.factories_io import (  # noqa: F401
    MEASURE_A,
    ReportFactory,
    _english,
    _reference,
    _users,
)
from plan.models import Measure

pytestmark = pytest.mark.django_db
PERIOD = "2025-h1"


def edit_url() -> str:
    with translation.override("nl"):
        return reverse("monitoring:report_edit", args=[MEASURE_A, PERIOD])


def form_post(client, narrative: str, version=None) -> dict:
    data = {
        "status": ImplementationStatus.objects.get(key="in_progress").pk,
        "progress": "50",
        "narrative_nl": narrative,
    }
    if version is not None:
        data["version"] = version
    return client.post(edit_url(), data)


def token_client(user) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return api


API_URL = f"/api/v1/reports/{MEASURE_A}/{PERIOD}/"


def the_report() -> Report:
    return Report.objects.get(measure__code=MEASURE_A, period__key=PERIOD)


def save(user, narrative: str, expected_version=None) -> Report:
    return services.report_save(
        user=user,
        measure=Measure.objects.get(code=MEASURE_A),
        period=ReportingPeriod.objects.get(key=PERIOD),
        data=services.ReportData(
            status=ImplementationStatus.objects.get(key="in_progress"), narrative_nl=narrative
        ),
        expected_version=expected_version,
    )


# ---------------------------------------------------------------- web form


def test_form_update_without_version_is_refused_with_a_field_error(client, users):
    ReportFactory(narrative_nl="Origineel")
    client.force_login(users["coordinator_a"])
    response = form_post(client, "Zonder versie")
    assert response.status_code == 400
    errors = response.context["form"].errors["version"]
    assert "1" in errors[0]  # "… send the version you read (now 1)", in the page's language
    assert html.escape(errors[0]) in response.content.decode()  # shown, though the field is hidden
    report = the_report()
    assert (report.narrative_nl, report.version) == ("Origineel", 1)


def test_form_opened_before_the_report_exists_carries_the_new_marker(client, users):
    client.force_login(users["coordinator_a"])
    response = client.get(edit_url())
    assert response.status_code == 200
    assert response.context["form"].initial["version"] == services.NEW == 0
    assert 'name="version" value="0"' in response.content.decode()


def test_two_form_saves_on_one_version_the_second_gets_409(client, users):
    ReportFactory(narrative_nl="Origineel")
    client.force_login(users["coordinator_a"])
    assert form_post(client, "Eerste", version=1).status_code == 302
    second = form_post(client, "Tweede", version=1)
    assert second.status_code == 409
    assert "Eerste" in second.content.decode()
    assert the_report().narrative_nl == "Eerste"


def test_two_form_creates_the_second_gets_409_showing_what_the_first_wrote(client, users):
    client.force_login(users["coordinator_a"])
    assert form_post(client, "Eerste aanmaak", version=0).status_code == 302
    second = form_post(client, "Tweede aanmaak", version=0)
    assert second.status_code == 409
    assert second.context["conflict"] is not None
    assert "Eerste aanmaak" in second.content.decode()
    report = the_report()
    assert (report.narrative_nl, report.version) == ("Eerste aanmaak", 1)
    assert report.history.count() == 1


def test_form_create_without_version_racing_a_create_gets_409(client, users, monkeypatch):
    """The form was opened (and the page read) before someone else's create committed."""
    ReportFactory(narrative_nl="Door collega aangemaakt")
    monkeypatch.setattr(selectors, "report_of", lambda **kwargs: None)
    client.force_login(users["coordinator_a"])
    response = form_post(client, "Overschrijven")
    assert response.status_code == 409
    assert "Door collega aangemaakt" in response.content.decode()
    assert the_report().narrative_nl == "Door collega aangemaakt"


# ---------------------------------------------------------------- API


def test_two_api_creates_the_second_gets_409_with_a_json_message(users):
    api = token_client(users["coordinator_a"])
    first = api.put(
        API_URL, {"status": "in_progress", "narrative_nl": "Eerste", "version": 0}, format="json"
    )
    assert first.status_code == 201
    second = api.put(
        API_URL, {"status": "in_progress", "narrative_nl": "Tweede", "version": 0}, format="json"
    )
    assert second.status_code == 409
    body = second.json()
    assert body["detail"] and body["current_version"] == 1
    assert {"field": "narrative_nl", "old": None, "new": "Eerste"} in body["changes"]
    assert the_report().narrative_nl == "Eerste"


class _BlindReports:
    """monitoring.api's view of Report as it was before someone else's create committed."""

    class objects:  # noqa: N801
        @staticmethod
        def filter(**kwargs):
            return Report.objects.none()

        @staticmethod
        def select_related(*args):
            return Report.objects.select_related(*args)


def test_api_create_without_version_racing_a_create_gets_409(users, monkeypatch):
    from monitoring import api as monitoring_api

    ReportFactory(narrative_nl="Door collega aangemaakt")
    monkeypatch.setattr(monitoring_api, "Report", _BlindReports)
    response = token_client(users["coordinator_a"]).put(
        API_URL, {"status": "in_progress", "narrative_nl": "Overschrijven"}, format="json"
    )
    assert response.status_code == 409, response.json()
    assert the_report().narrative_nl == "Door collega aangemaakt"


def test_api_update_needs_a_version_and_a_version_needs_a_report(users):
    api = token_client(users["coordinator_a"])
    missing = api.put(API_URL, {"status": "in_progress", "narrative_nl": "x", "version": 3})
    assert missing.status_code == 400 and "version" in missing.json()
    assert not Report.objects.exists()
    negative = api.put(API_URL, {"status": "in_progress", "narrative_nl": "x", "version": -1})
    assert negative.status_code == 400 and "version" in negative.json()


def test_the_schema_states_409_for_the_report_write(client):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    put = schema["paths"]["/api/v1/reports/{code}/{period}/"]["put"]
    assert "409" in put["responses"]
    assert "created by someone else" in put["responses"]["409"]["description"]
    assert "0 (or none) creates" in str(schema["components"]["schemas"]["ReportWrite"])


# ---------------------------------------------------------------- service


def test_service_update_without_version_is_refused(users):
    save(users["coordinator_a"], "Eerste")
    with pytest.raises(ValidationError) as error:
        save(users["coordinator_a"], "Tweede")
    assert "version" in error.value.error_dict
    assert the_report().narrative_nl == "Eerste"


def test_service_create_on_an_existing_report_is_a_conflict(users):
    save(users["coordinator_a"], "Eerste", expected_version=services.NEW)
    with pytest.raises(services.ConcurrentEditError) as conflict:
        save(users["coordinator_a"], "Tweede", expected_version=services.NEW)
    assert ("narrative_nl", None, "Eerste") in conflict.value.changes
    assert the_report().narrative_nl == "Eerste"


def test_the_loser_of_a_simultaneous_insert_gets_a_conflict_and_the_transaction_lives_on(
    users, monkeypatch
):
    """Someone else's insert lands between our look-up and our insert: the unique constraint
    refuses ours, in a savepoint, so the caller's transaction can go on (PostgreSQL)."""

    def other_writer_inserts_first(measure, period):
        ReportFactory(measure=measure, period=period, narrative_nl="Gelijktijdig")
        return None

    monkeypatch.setattr(services, "_report_of", other_writer_inserts_first)
    with transaction.atomic():
        with pytest.raises(services.ConcurrentEditError) as conflict:
            save(users["coordinator_a"], "Verliezer", expected_version=services.NEW)
        assert ("narrative_nl", None, "Gelijktijdig") in conflict.value.changes
        # Still usable (no "current transaction is aborted"). The other writer's row went with the
        # service's savepoint here only because this test inserted it inside that savepoint.
        assert not Report.objects.filter(narrative_nl="Verliezer").exists()


# ---------------------------------------------------------------- import


def export_csv(client, user) -> bytes:
    client.force_login(user)
    response = client.get(reverse("monitoring:export_period", args=[PERIOD]), {"format": "csv"})
    assert response.status_code == 200
    return response.content


def test_import_of_a_stale_exported_row_is_refused_and_changes_nothing(client, users):
    ReportFactory(narrative_nl="Origineel")
    content = export_csv(client, users["taskforce"]).replace(b"Origineel", b"Task force")
    save(users["coordinator_a"], "Coordinator na export", expected_version=1)  # version 2
    with pytest.raises(ImportFileError) as caught:
        reports_import(name="reports.csv", content=content, user=users["taskforce"])
    assert any(
        p.startswith("reports.csv: row ") and ", column version: " in p and "now 2" in p
        for p in caught.value.problems
    ), caught.value.problems
    report = the_report()
    assert (report.narrative_nl, report.version) == ("Coordinator na export", 2)


def test_import_of_the_export_round_trips_with_its_version(client, users):
    ReportFactory(narrative_nl="Origineel")
    content = export_csv(client, users["taskforce"]).replace(b"Origineel", b"Task force")
    result = reports_import(name="reports.csv", content=content, user=users["taskforce"])
    assert result.updated == [f"{MEASURE_A}/{PERIOD}"]
    assert (the_report().narrative_nl, the_report().version) == ("Task force", 2)


def test_import_row_without_version_for_an_existing_report_is_refused(users):
    ReportFactory(narrative_nl="Origineel")
    content = (
        "measure_code,period,status,narrative_nl,version\n"
        f"{MEASURE_A},{PERIOD},in_progress,Zonder versie,\n"
    ).encode()
    with pytest.raises(ImportFileError) as caught:
        reports_import(name="f.csv", content=content, user=users["taskforce"])
    assert caught.value.problems[0].startswith("f.csv: row 2, column version: ")
    assert "exists (version 1)" in caught.value.problems[0]
    assert the_report().narrative_nl == "Origineel"


def test_import_row_with_a_version_but_no_report_is_refused(users):
    content = (
        "measure_code,period,status,narrative_nl,version\n"
        f"{MEASURE_A},{PERIOD},in_progress,Tekst,4\n"
    ).encode()
    with pytest.raises(ImportFileError) as caught:
        reports_import(name="f.csv", content=content, user=users["taskforce"])
    assert caught.value.problems[0].startswith("f.csv: row 2, column version: ")
    assert not Report.objects.exists()


def test_import_create_racing_a_create_is_refused_and_changes_nothing(users, monkeypatch):
    """The report is created by someone else after the file was checked, before it is written."""
    validate = importing.reports_file_validate

    def validate_then_someone_creates(**kwargs):
        checked = validate(**kwargs)
        ReportFactory(narrative_nl="Door collega aangemaakt")
        return checked

    monkeypatch.setattr(importing, "reports_file_validate", validate_then_someone_creates)
    content = (
        f"measure_code,period,status,narrative_nl\n{MEASURE_A},{PERIOD},in_progress,Import\n"
    ).encode()
    with pytest.raises(ImportFileError) as caught:
        reports_import(name="f.csv", content=content, user=users["taskforce"])
    assert caught.value.problems == [
        "f.csv: row 2, column version: someone else created the report during the import; "
        "nothing was changed."
    ]
    assert the_report().narrative_nl == "Door collega aangemaakt"


def test_a_transition_without_the_version_read_is_refused():
    """Submit, return and validate say which version they act on: a validation decided on an
    older text never publishes a newer one."""
    from django.core.exceptions import ValidationError as DjangoValidationError

    from accounts.tests.factories import taskforce

    tf = taskforce()
    report = services.report_save(
        user=tf,
        measure=Measure.objects.get(code="C.1"),
        period=ReportingPeriod.objects.get(key=PERIOD),
        data=services.ReportData(status=ImplementationStatus.objects.first(), narrative_nl="x"),
        expected_version=services.NEW,
    )
    for call in (
        lambda: services.report_submit(user=tf, report=report, expected_version=None),
        lambda: services.report_validate(user=tf, report=report, expected_version=None),
        lambda: services.report_return(user=tf, report=report, comment="x", expected_version=None),
    ):
        with pytest.raises(DjangoValidationError):
            call()
    report.refresh_from_db()
    assert report.state == "draft"
    with pytest.raises(services.ConcurrentEditError):
        services.report_submit(user=tf, report=report, expected_version=report.version - 1 or 99)
