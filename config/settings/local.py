"""Developer / demo settings: `make run`."""

import os

from config.logging import logging_config

from .base import *  # noqa: F401,F403
from .base import DATA_DIR

# `make run` is what a new user sees first: the site's own error pages (403/404/500, in the
# user's language), not Django's debug pages. A developer who wants the debug pages sets
# BRUPROD_DEBUG=1. Static files are served by WhiteNoise from the app folders either way
# (WHITENOISE_USE_FINDERS below), so DEBUG off needs no collectstatic.
DEBUG = os.environ.get("BRUPROD_DEBUG", "").strip().lower() in ("1", "true", "yes", "on")
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
