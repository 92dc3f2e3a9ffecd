"""Test settings: the database comes from DATABASE_URL (SQLite by default)."""

import os

from .base import *  # noqa: F401,F403
from .base import BASE_DIR

SECRET_KEY = "test-only-key"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEMO_ACCOUNTS_ALLOWED = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if "DATABASE_URL" not in os.environ:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "var" / "test.sqlite3",
        }
    }

# Serve static files straight from the app folders (no collectstatic needed outside production).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Tasks run at once, in the test, but are stored like in production (core.tasks.EagerDatabaseBackend),
# so pages, admin and task_result_state see them. "database" queues without running, for tests of
# the queue itself: `my_task.using(backend="database")`, then core.tasks.run_pending_tasks(backend="database").
TASKS = {
    "default": {"BACKEND": "core.tasks.EagerDatabaseBackend", "QUEUES": ["default"]},
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}
