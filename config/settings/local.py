"""Developer / demo settings: `make run`."""

import os

from config.logging import logging_config

from .base import *  # noqa: F401,F403
from .base import DATA_DIR

DEBUG = True
SECRET_KEY = SECRET_KEY or "insecure-local-only-key-do-not-use-in-production"  # noqa: F405
ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost"]  # noqa: F405
DATA_DIR.mkdir(parents=True, exist_ok=True)
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEMO_ACCOUNTS_ALLOWED = True

# Serve static files straight from the app folders (no collectstatic needed outside production).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Plain log lines for a developer's terminal (production writes JSON lines).
LOGGING = logging_config(
    level=os.environ.get("BRUPROD_LOG_LEVEL", "INFO").upper(),
    fmt=os.environ.get("BRUPROD_LOG_FORMAT", "text"),
)
