"""/healthz: what it checks, when it fails (503) and what it never says."""

from __future__ import annotations

import json
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.db import DatabaseError
from django.utils import timezone

from core import health

pytestmark = pytest.mark.django_db


def get_health(client):
    response = client.get("/healthz")
    return response, json.loads(response.content)


def test_healthy(client):
    response, body = get_health(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert body["status"] == "ok"
    checks = body["checks"]
    assert set(checks) == {"database", "cache", "tasks", "kbo"}
    assert checks["database"]["status"] == "ok" and checks["database"]["required"] is True
    assert checks["cache"]["status"] == "ok" and checks["cache"]["backend"] == "LocMemCache"
    assert checks["tasks"]["status"] == "ok"
    assert {"queued", "running", "failed", "failed_last_24h", "oldest_queued_age_s"} <= set(
        checks["tasks"]
    )
    # No snapshot imported in the test database: reported, not fatal.
    assert checks["kbo"] == {"status": "absent", "snapshot": None, "required": False}


def test_not_language_prefixed_and_head_allowed(client):
    assert client.head("/healthz").status_code == 200
    assert client.get("/nl/healthz").status_code == 404
    assert client.post("/healthz").status_code == 405


def test_a_failing_required_check_gives_503_without_the_error_message(client, monkeypatch):
    def broken():
        raise DatabaseError('connection to server at "db.internal" (10.0.0.5), user "bruprod"')

    monkeypatch.setattr(health, "CHECKS", [health.Check("database", broken), *health.CHECKS[1:]])
    response, body = get_health(client)
    assert response.status_code == 503
    assert body["status"] == "error"
    assert body["checks"]["database"] == {
        "status": "error",
        "error": "DatabaseError",
        "required": True,
    }
    assert "db.internal" not in response.content.decode()


def test_cache_that_loses_values_is_an_error(monkeypatch):
    monkeypatch.setattr(health.cache, "get", lambda key: None)
    assert health.check_cache()["status"] == "error"


def test_an_optional_check_never_fails_the_server(client, monkeypatch):
    def broken():
        raise OSError("/srv/bruprod/kbo/snapshots/x/kbo.duckdb: permission denied")

    monkeypatch.setattr(health, "CHECKS", [*health.CHECKS[:3], health.Check("kbo", broken, False)])
    response, body = get_health(client)
    assert response.status_code == 200
    assert body["checks"]["kbo"]["status"] == "error"
    assert "/srv/" not in response.content.decode()


def test_task_queue_counts_and_age(monkeypatch):
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()

    def result(status, enqueued, finished=None):
        row = DBTaskResult.objects.create(
            status=status,
            args_kwargs={"args": [], "kwargs": {}},
            task_path="core.tests.nothing",
            backend_name="database",
            run_after=now,
            finished_at=finished,
        )
        DBTaskResult.objects.filter(pk=row.pk).update(enqueued_at=enqueued)

    result(TaskResultStatus.READY, now - timedelta(minutes=20))
    result(TaskResultStatus.READY, now - timedelta(minutes=1))
    result(TaskResultStatus.FAILED, now - timedelta(days=3), finished=now - timedelta(days=3))
    result(TaskResultStatus.FAILED, now - timedelta(hours=1), finished=now - timedelta(hours=1))
    report = health.check_tasks()
    assert report["queued"] == 2 and report["failed"] == 2 and report["failed_last_24h"] == 1
    assert 1190 <= report["oldest_queued_age_s"] <= 1300
    assert report["status"] == "warn"  # older than 15 minutes: no worker?
    monkeypatch.setenv("BRUPROD_HEALTH_QUEUE_MAX_AGE", "3600")
    assert health.check_tasks()["status"] == "ok"


@pytest.fixture
def snapshot(monkeypatch, tmp_path):
    """economy's current snapshot, its store where the test says."""
    current = SimpleNamespace(
        extract_number=147, snapshot_date=date.today(), synthetic=True, store="147"
    )
    store = tmp_path / "kbo.duckdb"
    selectors = SimpleNamespace(snapshot_current=lambda: current)
    register = SimpleNamespace(snapshot_store_path=lambda s: store)
    modules = {"selectors": selectors, "register": register}
    monkeypatch.setattr(health, "_economy", lambda name: modules[name])
    return store


def test_kbo_store_opens_read_only(snapshot):
    import duckdb

    duckdb.connect(str(snapshot)).close()
    report = health.check_kbo()
    assert report["status"] == "ok"
    assert (report["snapshot"], report["age_days"], report["synthetic"]) == (147, 0, True)
    assert str(snapshot) not in json.dumps(report)


def test_kbo_store_missing_is_an_error(snapshot):
    assert health.check_kbo()["status"] == "error"


def test_kbo_unknown_when_economy_changed(monkeypatch):
    def gone(name):
        raise ImportError(name)

    monkeypatch.setattr(health, "_economy", gone)
    assert health.check_kbo() == {"status": "unknown", "error": "ImportError"}


def test_kbo_with_the_real_economy_functions():
    """The names core.health looks up exist in economy (whatever the test database holds)."""
    assert health.check_kbo()["status"] in ("ok", "absent")
    assert health._store_path(SimpleNamespace(store="x")).name.endswith(".duckdb")
