"""Background tasks (core/tasks.py): stored in the database, run by the worker, deduplicated, visible to staff."""

import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from core.tasks import (
    TaskResultStatus,
    enqueue_once,
    idempotent_task,
    run_pending_tasks,
    task_result_list,
    task_result_state,
)

pytestmark = pytest.mark.django_db


@idempotent_task
def add(a, b):
    return a + b


@idempotent_task
def fail(message):
    raise ValueError(message)


@idempotent_task(key=lambda measure_id, **_: measure_id)
def recompute(measure_id, requested_by=None):
    return measure_id


@idempotent_task(coalesce_running=True)
def import_file(name):
    return name


def queued(task):
    """The task on the test settings' plain database backend: queued, not run."""
    return task.using(backend="database")


def test_database_backend_stores_the_task_and_the_worker_runs_it():
    result = queued(add).enqueue(2, 3)

    row = DBTaskResult.objects.get(id=result.id)
    assert row.status == TaskResultStatus.READY
    assert row.args_kwargs == {"args": [2, 3], "kwargs": {}}
    state = task_result_state(result.id)
    assert (state.status, state.status_label, state.is_finished) == ("READY", "Queued", False)

    assert run_pending_tasks(backend="database") == 1

    state = task_result_state(result.id)
    assert state.succeeded and state.is_finished
    assert state.return_value == 5
    assert state.started_at is not None and state.finished_at >= state.started_at
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == 5
    assert run_pending_tasks(backend="database") == 0


def test_the_db_worker_command_runs_the_queue(monkeypatch):
    from django_tasks_db.management.commands import db_worker

    # The worker checks its connection between tasks; inside a test's transaction it must not close it.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    first = queued(add).enqueue(1, 1)
    second = queued(fail).enqueue("broken")
    try:
        call_command(
            "db_worker",
            batch=True,
            backend_name="database",
            reload=False,
            startup_delay=False,
            interval=0,
            verbosity=0,
        )
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)

    assert task_result_state(first.id).succeeded
    assert task_result_state(second.id).failed


def test_a_failing_task_records_the_error():
    result = queued(fail).enqueue("no figures today")
    run_pending_tasks(backend="database")

    state = task_result_state(result.id)
    assert state.failed and state.is_finished and not state.succeeded
    assert state.status_label == "Failed"
    assert state.error == "builtins.ValueError"
    assert state.return_value is None
    row = DBTaskResult.objects.get(id=result.id)
    assert "no figures today" in row.traceback
    result.refresh()
    assert result.errors[0].exception_class is ValueError


def test_enqueue_once_does_not_queue_pending_work_twice():
    first, created = enqueue_once(queued(add), 1, 2)
    assert created
    again, created = enqueue_once(queued(add), 1, 2)
    assert not created and again.id == first.id
    other, created = enqueue_once(queued(add), 2, 1)
    assert created and other.id != first.id
    assert DBTaskResult.objects.filter(task_path=add.module_path).count() == 2

    run_pending_tasks(backend="database")
    # Once the work has run, asking for it again queues it again.
    later, created = enqueue_once(queued(add), 1, 2)
    assert created and later.id != first.id


def test_enqueue_once_compares_keyword_arguments_whatever_their_order():
    first, _ = enqueue_once(queued(add), a=1, b=2)
    again, created = enqueue_once(queued(add), b=2, a=1)
    assert not created and again.id == first.id


def test_enqueue_once_uses_the_declared_key():
    first, _ = enqueue_once(queued(recompute), 7, requested_by="alice")
    again, created = enqueue_once(queued(recompute), 7, requested_by="bob")
    assert not created and again.id == first.id
    _, created = enqueue_once(queued(recompute), 8, requested_by="alice")
    assert created


def test_a_running_copy_is_not_pending_unless_the_task_says_so():
    running, _ = enqueue_once(queued(recompute), 7)
    DBTaskResult.objects.get(id=running.id).claim("worker-1")
    # The running copy may have read the data before this change: the work is queued again.
    _, created = enqueue_once(queued(recompute), 7)
    assert created

    importing, _ = enqueue_once(queued(import_file), "kbo.zip")
    DBTaskResult.objects.get(id=importing.id).claim("worker-1")
    same, created = enqueue_once(queued(import_file), "kbo.zip")
    assert not created and same.id == importing.id


def test_test_settings_run_tasks_at_once_and_store_them():
    result, created = enqueue_once(add, 20, 22)
    assert created
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == 42
    assert task_result_state(result.id).return_value == 42
    failed = fail.enqueue("at once")
    assert failed.status == TaskResultStatus.FAILED


@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
)
def test_enqueue_once_on_a_backend_without_storage_just_enqueues():
    result, created = enqueue_once(add, 1, 2)
    assert created and result.return_value == 3


@pytest.mark.parametrize("result_id", ["not-a-uuid", "4b0c7f9e-3c9a-4f7e-9d55-0f3a3f4b8e21", ""])
def test_the_state_of_an_unknown_result_is_none(result_id):
    assert task_result_state(result_id) is None


def test_state_as_json_leaves_out_arguments_and_errors():
    result = queued(fail).enqueue("secret detail")
    run_pending_tasks(backend="database")
    data = task_result_state(result.id).as_dict()
    assert data["status"] == "FAILED" and data["finished"] is True
    assert data["task"] == "fail"
    assert "secret detail" not in str(data)


def test_task_result_list_is_newest_first_and_filters():
    a = queued(add).enqueue(1, 1)
    b = queued(fail).enqueue("x")
    c = queued(add).enqueue(2, 2)
    run_pending_tasks(backend="database", limit=2)

    ids = [s.id for s in task_result_list()]
    assert ids.index(c.id) < ids.index(b.id) < ids.index(a.id)
    assert {s.id for s in task_result_list(task=add)} >= {a.id, c.id}
    assert b.id not in {s.id for s in task_result_list(task=add)}
    assert [s.id for s in task_result_list(status=TaskResultStatus.READY)] == [c.id]
    assert [s.id for s in task_result_list(status="FAILED", task=fail.module_path)] == [b.id]
    assert len(task_result_list(limit=1)) == 1


def test_staff_see_the_task_list_in_the_admin_read_only(client, django_user_model):
    result = queued(fail).enqueue("shown to staff")
    run_pending_tasks(backend="database")
    staff = django_user_model.objects.create_user("staff", "s@example.org", "pw", is_staff=True)
    client.force_login(staff)

    page = client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "fail" in html and "builtins.ValueError" in html and "shown to staff" in html

    detail = client.get(
        reverse("admin:django_tasks_database_dbtaskresult_change", args=[result.id])
    )
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert "shown to staff" in detail.content.decode()
    assert (
        client.post(
            reverse("admin:django_tasks_database_dbtaskresult_delete", args=[result.id]),
            {"post": "yes"},
        ).status_code
        == 403
    )
    assert DBTaskResult.objects.filter(id=result.id).exists()


def test_other_users_do_not_see_the_task_list(client, django_user_model):
    queued(add).enqueue(1, 2)
    url = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    assert client.get(url).status_code == 302
    client.force_login(django_user_model.objects.create_user("visitor", "v@example.org", "pw"))
    page = client.get(url)
    assert page.status_code == 302 and "/login/" in page["Location"]


def test_db_worker_runs_through_the_project_entry_point():
    completed = subprocess.run(
        [sys.executable, "-m", "config.cli", "db_worker", "--help"],
        cwd=Path(settings.BASE_DIR),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert "--batch" in completed.stdout
