"""Background tasks: Bruprod's thin layer over django-tasks (docs/tasks.md, docs/adr/0004).

Long work (figures after an override, graph metrics, report generation, an import started from a
page) never runs in a request. An app declares it with `idempotent_task` in its own `tasks.py`, a
service queues it with `enqueue_once`, and `bruprod db_worker` (started by `make run`) runs it.
Task results are rows of django-tasks-db's DBTaskResult in the project's own database (SQLite or
PostgreSQL): staff see them in the admin, a page polls `task_result_state(result_id)`.

Django 6.0 ships the same API as `django.tasks`; moving to it only changes the imports here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from asgiref.sync import sync_to_async
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import pgettext_lazy
from django_tasks import TaskResult, TaskResultStatus, task
from django_tasks.base import (
    DEFAULT_TASK_BACKEND_ALIAS,
    DEFAULT_TASK_PRIORITY,
    DEFAULT_TASK_QUEUE_NAME,
    Task,
)
from django_tasks.utils import normalize_json
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.utils import exclusive_transaction

__all__ = [
    "EagerDatabaseBackend",
    "Task",
    "TaskResult",
    "TaskResultStatus",
    "TaskState",
    "enqueue_once",
    "idempotent_task",
    "run_pending_tasks",
    "task_result_list",
    "task_result_state",
]

# What a page shows for each state (the library's own labels are not translated).
STATUS_LABELS = {
    TaskResultStatus.READY: pgettext_lazy("task state", "Queued"),
    TaskResultStatus.RUNNING: pgettext_lazy("task state", "Running"),
    TaskResultStatus.SUCCESSFUL: pgettext_lazy("task state", "Done"),
    TaskResultStatus.FAILED: pgettext_lazy("task state", "Failed"),
}

# Declared by `idempotent_task`, by task path: what identifies "the same work", and whether a copy
# that is already running counts as pending.
_work_keys: dict[str, Callable[..., Any]] = {}
_coalesce_running: set[str] = set()


def idempotent_task(
    function: Callable | None = None,
    *,
    key: Callable[..., Any] | None = None,
    coalesce_running: bool = False,
    priority: int = DEFAULT_TASK_PRIORITY,
    queue_name: str = DEFAULT_TASK_QUEUE_NAME,
    backend: str = DEFAULT_TASK_BACKEND_ALIAS,
    takes_context: bool = False,
) -> Any:
    """Declare a background task (django-tasks' `@task`) whose repeated runs are harmless.

    Every Bruprod task must be idempotent: a worker stopped mid-task, a retry or a second copy must
    leave the same result as one run. Arguments must be JSON values (ids, codes, not model
    instances); the function must be at module level.

    `key(*args, **kwargs)` says which work a call is, for `enqueue_once` (default: all arguments).
    `coalesce_running=True` also counts a copy that is already running as pending: only for work
    whose inputs do not change meanwhile (an import of a given file). By default a running copy
    may have read the data before the change that asks for the work again, so a new one is queued.
    """

    def declare(func: Callable) -> Task:
        declared = task(
            func,
            priority=priority,
            queue_name=queue_name,
            backend=backend,
            takes_context=takes_context,
        )
        if key is not None:
            _work_keys[declared.module_path] = key
        else:
            _work_keys.pop(declared.module_path, None)
        if coalesce_running:
            _coalesce_running.add(declared.module_path)
        else:
            _coalesce_running.discard(declared.module_path)
        return declared

    return declare(function) if function is not None else declare


def _work_key(task_path: str, args: list, kwargs: dict) -> Any:
    key = _work_keys.get(task_path)
    if key is None:
        return json.dumps({"args": args, "kwargs": kwargs}, sort_keys=True)
    return key(*args, **kwargs)


def _lock_task_path(using: str, task_path: str) -> None:
    """Serialise enqueue_once for one task on PostgreSQL (SQLite's exclusive transaction already does)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    lock_id = int.from_bytes(
        hashlib.blake2b(task_path.encode(), digest_size=8).digest(), "big", signed=True
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])


def enqueue_once(task: Task, *args: Any, **kwargs: Any) -> tuple[TaskResult, bool]:
    """Queue `task(*args, **kwargs)` unless the same work is already pending; like get_or_create.

    Returns (result, created): the new result, or the pending copy's result with created False.
    Pending means queued and due no later than this call would be (and running, for tasks declared
    with coalesce_running=True). Same work means same task and same `key` (default: arguments).
    Safe against concurrent callers. Backends that store nothing (immediate, dummy) always queue.

    Enqueueing inside a transaction is transactional with the database backend: if the transaction
    rolls back, the task is never seen by the worker.
    """
    from django_tasks_db.models import DBTaskResult, get_date_max

    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return task.enqueue(*args, **kwargs), True

    call_args = normalize_json(list(args))
    call_kwargs = normalize_json(kwargs)
    wanted = _work_key(task.module_path, call_args, call_kwargs)
    due = task.run_after or timezone.now()
    statuses = [TaskResultStatus.READY]
    if task.module_path in _coalesce_running:
        statuses.append(TaskResultStatus.RUNNING)

    using = router.db_for_write(DBTaskResult)
    with exclusive_transaction(using):
        _lock_task_path(using, task.module_path)
        pending = (
            DBTaskResult.objects.using(using)
            .filter(task_path=task.module_path, backend_name=backend.alias, status__in=statuses)
            .filter(
                Q(status=TaskResultStatus.RUNNING)
                | Q(run_after=get_date_max())
                | Q(run_after__lte=due)
            )
            .order_by("enqueued_at")
        )
        for row in pending:
            stored = row.args_kwargs
            if _work_key(task.module_path, stored["args"], stored["kwargs"]) == wanted:
                return row.task_result, False
        return task.enqueue(*args, **kwargs), True


@dataclass(frozen=True)
class TaskState:
    """One task result as a page or the staff list shows it."""

    id: str
    task_name: str
    task_path: str
    status: str
    enqueued_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    args: list
    kwargs: dict
    # The exception's class path when the task failed; the traceback is in the admin only.
    error: str
    # What the task returned, once it succeeded.
    return_value: Any

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))

    @property
    def is_finished(self) -> bool:
        return self.status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)

    @property
    def succeeded(self) -> bool:
        return self.status == TaskResultStatus.SUCCESSFUL

    @property
    def failed(self) -> bool:
        return self.status == TaskResultStatus.FAILED

    def as_dict(self) -> dict:
        """For a page polling the state as JSON: no arguments, no error detail."""
        return {
            "id": self.id,
            "task": self.task_name,
            "status": self.status,
            "status_label": self.status_label,
            "finished": self.is_finished,
            "enqueued_at": self.enqueued_at.isoformat() if self.enqueued_at else None,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
        }

    @classmethod
    def from_row(cls, row) -> TaskState:
        succeeded = row.status == TaskResultStatus.SUCCESSFUL
        return cls(
            id=str(row.id),
            task_name=row.task_name,
            task_path=row.task_path,
            status=row.status,
            enqueued_at=row.enqueued_at,
            started_at=row.started_at,
            finished_at=row.finished_at,
            args=row.args_kwargs.get("args", []),
            kwargs=row.args_kwargs.get("kwargs", {}),
            error=row.exception_class_path if row.status == TaskResultStatus.FAILED else "",
            return_value=row.return_value if succeeded else None,
        )


def task_result_state(result_id: str | UUID) -> TaskState | None:
    """The state of one task result (the id from `enqueue_once` or a URL); None if unknown.

    Result ids are random UUIDs, but a page showing a state must still check that the user may
    see the work it belongs to.
    """
    from django_tasks_db.models import DBTaskResult

    try:
        row = DBTaskResult.objects.filter(id=result_id).first()
    except (ValidationError, ValueError, TypeError):
        return None
    return TaskState.from_row(row) if row is not None else None


def task_result_list(
    *, limit: int = 50, status: str | None = None, task: Task | str | None = None
) -> list[TaskState]:
    """Recent task results, newest first, for staff: optionally one status, one task."""
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.order_by("-enqueued_at")
    if status is not None:
        rows = rows.filter(status=status)
    if task is not None:
        rows = rows.filter(task_path=task if isinstance(task, str) else task.module_path)
    return [TaskState.from_row(row) for row in rows[:limit]]


def _worker(backend_alias: str, worker_id: str):
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=backend_alias,
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


def run_pending_tasks(
    *, backend: str = DEFAULT_TASK_BACKEND_ALIAS, limit: int | None = None
) -> int:
    """Run the due tasks of a database backend in this process, as the worker would; how many ran.

    For tests and one-off scripts; `bruprod db_worker --batch` does the same from the shell.
    """
    from django_tasks_db.models import DBTaskResult

    worker_id = f"inline-{get_random_string(12)}"
    worker = _worker(backend, worker_id)
    ran = 0
    while limit is None or ran < limit:
        ready = DBTaskResult.objects.ready().filter(backend_name=backend)
        with exclusive_transaction(ready.db):
            row = ready.get_locked()
            if row is None:
                break
            row.claim(worker_id)
        worker.run_task(row)
        ran += 1
    return ran


class EagerDatabaseBackend(DatabaseBackend):
    """The database backend, but each task runs at once in the enqueuing process. For tests only.

    Results are stored exactly as in production, so admin, `task_result_state` and
    `task_result_list` behave the same; the run is deterministic and needs no worker.
    """

    def enqueue(self, task: Task, args: Any, kwargs: Any) -> TaskResult:
        result = super().enqueue(task, args, kwargs)
        row = result.db_result
        worker_id = f"eager-{get_random_string(12)}"
        row.claim(worker_id)
        _worker(self.alias, worker_id).run_task(row)
        return row.task_result

    async def aenqueue(self, task: Task, args: Any, kwargs: Any) -> TaskResult:
        return await sync_to_async(self.enqueue)(task, args, kwargs)
