"""Parallel conflicting saves of one report on PostgreSQL: one wins, the others are refused, nothing
is lost — through the service, the web form, the API and the import, updates and creates alike.

Each writer is a thread with its own database connection, released together by a barrier. The
sequential forms of these races (run on SQLite too) are in test_lost_updates.py.
"""

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.tests.factories import coordinator, taskforce
from monitoring import services
from monitoring.importing import ImportFileError, reports_import
from monitoring.models import ImplementationStatus, Report, ReportingPeriod
from plan.models import Measure

# Skipped before any fixture runs: on SQLite the test would otherwise load the whole plan into a
# transactional database first, only to skip.
pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (SELECT … FOR UPDATE) are tested on PostgreSQL, the production database",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def loaded(transactional_db):
    from conftest import load_reference_data

    load_reference_data()


def test_parallel_conflicting_saves_lose_nothing(loaded):
    user = coordinator()
    measure = Measure.objects.get(code="MET.4.1")
    period = ReportingPeriod.objects.get(key="2025-h2")
    status = ImplementationStatus.objects.get(key="in_progress")
    report = services.report_save(
        user=user,
        measure=measure,
        period=period,
        data=services.ReportData(status=status, narrative_nl="v1", progress=10),
    )
    version = report.version
    writers = 6
    barrier = threading.Barrier(writers)
    outcomes: list[tuple[int, str]] = []

    def edit(progress: int) -> None:
        try:
            barrier.wait()
            services.report_save(
                user=user,
                measure=measure,
                period=period,
                data=services.ReportData(
                    status=status, narrative_nl=f"edit {progress}", progress=progress
                ),
                expected_version=version,
            )
            outcomes.append((progress, "saved"))
        except services.ConcurrentEditError:
            outcomes.append((progress, "refused"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit, args=(20 + i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    saved = [p for p, outcome in outcomes if outcome == "saved"]
    assert len(outcomes) == writers
    assert len(saved) == 1, outcomes
    report.refresh_from_db()
    assert report.progress == saved[0]
    assert report.narrative_nl == f"edit {saved[0]}"
    assert report.version == version + 1
    # Every accepted change is in history; no refused write left a trace.
    assert list(report.history.order_by("history_date").values_list("progress", flat=True)) == [
        10,
        saved[0],
    ]
    assert Report.objects.filter(measure=measure, period=period).count() == 1


# ---------------------------------------------------------------- form, API and import, 20 writers

WRITERS = 20
CODE, PERIOD = "MET.4.1", "2025-h2"


def in_parallel(writers: int, write: Callable[[int], object]) -> list[object]:
    """Run write(0..writers-1) at once, each in a thread with its own connection; the outcomes."""
    barrier = threading.Barrier(writers)
    outcomes: list[object] = [None] * writers

    def run(index: int) -> None:
        try:
            barrier.wait()
            outcomes[index] = write(index)
        except Exception as exc:  # noqa: BLE001 — an unexpected error is an outcome to assert on
            outcomes[index] = repr(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def the_report() -> Report:
    return Report.objects.get(measure__code=CODE, period__key=PERIOD)


def assert_one_write_kept(narrative: str, history: int) -> None:
    """One report, holding the winner's text, and only accepted writes in its history."""
    assert Report.objects.filter(measure__code=CODE, period__key=PERIOD).count() == 1
    report = the_report()
    assert report.narrative_nl == narrative
    assert report.history.count() == history


def form_clients(writers: int) -> list[Client]:
    user = coordinator()
    clients = [Client() for _ in range(writers)]
    for client in clients:
        client.force_login(user)
    return clients


def edit_url() -> str:
    with translation.override("nl"):
        return reverse("monitoring:report_edit", args=[CODE, PERIOD])


def form_data(index: int, version: int) -> dict:
    return {
        "status": ImplementationStatus.objects.get(key="in_progress").pk,
        "progress": str(index),
        "narrative_nl": f"writer {index}",
        "version": version,
    }


def existing_report() -> Report:
    return services.report_save(
        user=coordinator(username="first-author"),
        measure=Measure.objects.get(code=CODE),
        period=ReportingPeriod.objects.get(key=PERIOD),
        data=services.ReportData(
            status=ImplementationStatus.objects.get(key="in_progress"), narrative_nl="v1"
        ),
    )


def test_parallel_form_saves_on_one_version_keep_exactly_one(loaded):
    report = existing_report()
    clients, url = form_clients(WRITERS), edit_url()
    data = [form_data(i, report.version) for i in range(WRITERS)]
    codes = in_parallel(WRITERS, lambda i: clients[i].post(url, data[i]).status_code)
    assert Counter(codes) == {302: 1, 409: WRITERS - 1}, codes
    winner = the_report().progress
    assert_one_write_kept(f"writer {winner}", history=2)
    assert the_report().version == report.version + 1


def test_parallel_form_creates_keep_exactly_one(loaded):
    clients, url = form_clients(WRITERS), edit_url()
    data = [form_data(i, services.NEW) for i in range(WRITERS)]
    codes = in_parallel(WRITERS, lambda i: clients[i].post(url, data[i]).status_code)
    assert Counter(codes) == {302: 1, 409: WRITERS - 1}, codes
    assert_one_write_kept(f"writer {the_report().progress}", history=1)


def test_parallel_api_creates_keep_exactly_one(loaded):
    user = coordinator()
    token = Token.objects.get_or_create(user=user)[0].key
    url = f"/api/v1/reports/{CODE}/{PERIOD}/"

    def create(index: int) -> int:
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        body = {
            "status": "in_progress",
            "progress": index,
            "narrative_nl": f"writer {index}",
            "version": services.NEW,
        }
        return api.put(url, body, format="json").status_code

    codes = in_parallel(WRITERS, create)
    assert Counter(codes) == {201: 1, 409: WRITERS - 1}, codes
    assert_one_write_kept(f"writer {the_report().progress}", history=1)


def test_parallel_api_creates_without_a_version_overwrite_nothing(loaded):
    """Clients that send no version: one creates; the others are refused — 409 while the create
    races theirs, 400 ("send the version you read") once it is there — never accepted."""
    user = coordinator()
    token = Token.objects.get_or_create(user=user)[0].key
    url = f"/api/v1/reports/{CODE}/{PERIOD}/"

    def create(index: int) -> int:
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        body = {"status": "in_progress", "progress": index, "narrative_nl": f"writer {index}"}
        return api.put(url, body, format="json").status_code

    codes = in_parallel(WRITERS, create)
    assert codes.count(201) == 1 and set(codes) <= {201, 400, 409}, codes
    assert_one_write_kept(f"writer {the_report().progress}", history=1)


def test_parallel_imports_of_a_new_report_keep_exactly_one(loaded):
    user, writers = taskforce(), 5
    files = [
        f"measure_code,period,status,progress,narrative_nl\n{CODE},{PERIOD},in_progress,{i},writer {i}\n".encode()
        for i in range(writers)
    ]

    def run_import(index: int) -> str:
        from django.utils import translation

        try:
            with translation.override("en"):  # a new thread starts in the site's default language
                reports_import(name=f"import-{index}.csv", content=files[index], user=user)
        except ImportFileError as exc:
            assert all(", column version: " in p for p in exc.problems), exc.problems
            return "refused"
        return "created"

    outcomes = in_parallel(writers, run_import)
    assert Counter(outcomes) == {"created": 1, "refused": writers - 1}, outcomes
    assert_one_write_kept(f"writer {the_report().progress}", history=1)
