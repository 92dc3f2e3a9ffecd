"""What /healthz reports: can this app server do its work right now?

Each check returns a dict with a `status` ("ok", "warn", "absent", "unknown" or "error") and a few
figures; `health_report()` runs them all. A *required* check in error makes the report "error"
(HTTP 503: a load balancer takes the server out); the others are reported, never fatal:

- database (required): a query;
- cache (required): a value set and read back (Redis when BRUPROD_CACHE_URL says so);
- tasks (required): the task table of django-tasks-db is reachable; queued, running and failed
  tasks and the age of the oldest queued one ("warn" past BRUPROD_HEALTH_QUEUE_MAX_AGE seconds,
  900 by default: is a worker running?);
- kbo (optional): the current KBO snapshot's DuckDB store exists and opens read-only. The economy
  pages need it, the rest of the site does not. Read through economy's public functions, looked
  up by name: core sits below economy in the layers, and a renamed function gives "unknown"
  rather than a crash.

Nothing secret is reported: no address, path, user name or exception message (a database error
can quote its connection string), only the class of an exception.
"""

from __future__ import annotations

import importlib
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.core.cache import cache, caches
from django.db import connection
from django.utils import timezone

OK, WARN, ABSENT, UNKNOWN, ERROR = "ok", "warn", "absent", "unknown", "error"


@dataclass(frozen=True)
class Check:
    name: str
    run: Callable[[], dict]
    required: bool = True


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 1)


def _failure(exc: BaseException) -> dict:
    return {"status": ERROR, "error": type(exc).__name__}


def check_database() -> dict:
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": OK, "vendor": connection.vendor, "ms": _ms(start)}


def check_cache() -> dict:
    start = time.perf_counter()
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    read = cache.get(key)
    cache.delete(key)
    backend = type(caches["default"]).__name__
    if read != value:
        return {"status": ERROR, "backend": backend, "error": "value not read back"}
    return {"status": OK, "backend": backend, "ms": _ms(start)}


def check_tasks() -> dict:
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    start = time.perf_counter()
    now = timezone.now()
    results = DBTaskResult.objects.all()
    queued = results.filter(status=TaskResultStatus.READY)
    oldest = queued.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    age = round((now - oldest).total_seconds()) if oldest else None
    failed = results.filter(status=TaskResultStatus.FAILED)
    report = {
        "status": OK,
        "queued": queued.count(),
        "running": results.filter(status=TaskResultStatus.RUNNING).count(),
        "failed": failed.count(),
        "failed_last_24h": failed.filter(finished_at__gte=now - timedelta(hours=24)).count(),
        "oldest_queued_age_s": age,
        "ms": _ms(start),
    }
    max_age = int(os.environ.get("BRUPROD_HEALTH_QUEUE_MAX_AGE", "900"))
    if age is not None and age > max_age:
        report["status"] = WARN
        report["warning"] = f"a task has waited more than {max_age} s: is a worker running?"
    return report


def _economy(name: str):
    return importlib.import_module(f"economy.{name}")


def _store_path(snapshot) -> Path:
    """The snapshot's DuckDB file, by economy's public function (wherever it lives now)."""
    for module in ("register", "services"):
        try:
            function = getattr(_economy(module), "snapshot_store_path", None)
        except ImportError:
            continue
        if function is not None:
            return Path(function(snapshot))
    raise LookupError("economy has no snapshot_store_path")


def check_kbo() -> dict:
    try:
        snapshot = _economy("selectors").snapshot_current()
    except Exception as exc:  # economy moved or its table is missing: say so, do not crash
        return {"status": UNKNOWN, "error": type(exc).__name__}
    if snapshot is None:
        return {"status": ABSENT, "snapshot": None}
    report = {
        "snapshot": getattr(snapshot, "extract_number", None),
        "snapshot_date": str(getattr(snapshot, "snapshot_date", "")) or None,
        "synthetic": getattr(snapshot, "synthetic", None),
    }
    try:
        report["age_days"] = (timezone.localdate() - snapshot.snapshot_date).days
        path = _store_path(snapshot)
    except Exception as exc:
        return {**report, "status": UNKNOWN, "error": type(exc).__name__}
    if not path.is_file():
        return {**report, "status": ERROR, "error": "store file missing"}
    import duckdb

    start = time.perf_counter()
    con = duckdb.connect(str(path), read_only=True)
    try:
        con.execute("SELECT 1").fetchone()
    finally:
        con.close()
    return {**report, "status": OK, "ms": _ms(start)}


CHECKS: list[Check] = [
    Check("database", check_database),
    Check("cache", check_cache),
    Check("tasks", check_tasks),
    Check("kbo", check_kbo, required=False),
]


def health_report(checks: list[Check] | None = None) -> tuple[bool, dict]:
    """(healthy, report): healthy unless a required check failed."""
    results, healthy = {}, True
    for check in CHECKS if checks is None else checks:
        try:
            result = check.run()
        except Exception as exc:  # every failure is a result, never a 500
            result = _failure(exc)
        result["required"] = check.required
        results[check.name] = result
        if check.required and result["status"] not in (OK, WARN):
            healthy = False
    return healthy, {"status": OK if healthy else ERROR, "checks": results}
