"""Logging: one JSON object per line on stderr (journald, docker, any log shipper reads it).

Every server error reaches the `django.request` logger with its traceback; the formatter adds the
request (method, path, status) and the id of the user, when Django already knows it. A line:

    {"time": "2026-01-05T10:00:00.123+01:00", "level": "ERROR", "logger": "django.request",
     "message": "Internal Server Error: /nl/", "method": "GET", "path": "/nl/", "status": 500,
     "user_id": 7, "exc_info": "Traceback (most recent call last): ..."}

`logging_config()` builds the LOGGING setting: BRUPROD_LOG_LEVEL (INFO) sets the level,
BRUPROD_LOG_FORMAT=text gives plain lines instead (the developer settings default to it).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

# Attributes every LogRecord has; anything else was passed with `extra=` and is kept.
_RECORD_ATTRS = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", (), None)).keys()
    | {"message", "asctime", "request", "status_code", "server_time"}
)


def _user_id(request) -> int | str | None:
    """The user's id if the request already loaded its user; never a query from the log."""
    try:
        user = getattr(request, "_cached_user", None)
        if user is not None:
            return user.pk if user.is_authenticated else None
        # The session, if this request already read it (no query either).
        cache = getattr(getattr(request, "session", None), "_session_cache", None)
        return cache.get("_auth_user_id") if isinstance(cache, dict) else None
    except Exception:  # a log line must never fail
        return None


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON: time, level, logger, message, request, user, traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .astimezone()
            .isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        # django.request passes the HttpRequest; django.server passes a socket (no `method`).
        if request is not None and hasattr(request, "method"):
            entry["method"] = request.method
            entry["path"] = getattr(request, "path", None)
            entry["user_id"] = _user_id(request)
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRS and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc_info"] = record.exc_text
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def logging_config(*, level: str = "INFO", fmt: str = "json") -> dict:
    """The LOGGING setting: everything to stderr, Django's errors with their tracebacks."""
    handler = {
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stderr",
        "formatter": "json" if fmt == "json" else "text",
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {"()": "config.logging.JsonFormatter"},
            "text": {"format": "{asctime} {levelname} {name} {message}", "style": "{"},
        },
        "handlers": {"stderr": handler},
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            # Replaces Django's defaults (console only with DEBUG, e-mail to ADMINS): every 500
            # goes to stderr, with DEBUG on or off. django.server (runserver) keeps its own.
            "django": {"handlers": ["stderr"], "level": level, "propagate": False},
            # Its version banner at every start of every command is no news.
            "axes.apps": {"level": "WARNING"},
        },
    }
