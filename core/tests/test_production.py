"""Production serving: gunicorn with the production settings, JSON error logs, the
Content-Security-Policy, and uploaded files served only through permission-checked views."""

from __future__ import annotations

import importlib
import json
import logging
import os
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.urls import clear_url_caches, path, reverse
from django.utils import translation

from accounts.models import Role
from accounts.tests.factories import coordinator, user_with_role
from config.logging import JsonFormatter

ROOT = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent


# ---------------------------------------------------------------- a view that fails, for the logs


def boom(request):
    request.user.is_authenticated  # noqa: B018 - the user is known when the error happens
    raise RuntimeError("the flux capacitor broke")


urlpatterns = [path("boom/", boom)]


class Lines(logging.Handler):
    """Keeps each record as the configured stderr handler would write it."""

    def __init__(self, formatter: logging.Formatter):
        super().__init__(level=logging.DEBUG)
        self.setFormatter(formatter)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


def configured_stderr_handler() -> logging.Handler:
    handlers = logging.getLogger("django").handlers
    assert handlers, "LOGGING gives the django logger a handler"
    return handlers[0]


def test_logging_goes_to_stderr_in_json():
    handler = configured_stderr_handler()
    assert isinstance(handler, logging.StreamHandler) and handler.stream is sys.stderr
    assert isinstance(handler.formatter, JsonFormatter)
    assert settings.LOGGING["loggers"]["django"]["propagate"] is False


@pytest.mark.django_db
@pytest.mark.urls("core.tests.test_production")
def test_a_server_error_is_one_json_line_with_the_traceback(client):
    user = user_with_role(Role.STEERING)
    client.force_login(user)
    client.raise_request_exception = False
    capture = Lines(configured_stderr_handler().formatter)
    logger = logging.getLogger("django.request")
    logger.addHandler(capture)
    try:
        response = client.get("/boom/?x=1")
    finally:
        logger.removeHandler(capture)
    assert response.status_code == 500
    assert len(capture.lines) == 1 and "\n" not in capture.lines[0]
    entry = json.loads(capture.lines[0])
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "django.request"
    assert entry["message"] == "Internal Server Error: /boom/"
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/boom/", 500)
    assert entry["user_id"] == user.pk
    assert "Traceback (most recent call last)" in entry["exc_info"]
    assert "RuntimeError: the flux capacitor broke" in entry["exc_info"]
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$", entry["time"])


def test_json_formatter_keeps_extras_and_never_fails_on_odd_values():
    record = logging.LogRecord("bruprod.x", logging.WARNING, __file__, 1, "n=%s", (3,), None)
    record.task = object()
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "n=3" and entry["level"] == "WARNING" and "task" in entry
    assert "exc_info" not in entry and "method" not in entry


# ---------------------------------------------------------------- Content-Security-Policy


@pytest.mark.django_db
def test_every_page_has_a_strict_content_security_policy(client):
    response = client.get("/nl/")
    assert response.status_code == 200
    policy = dict(
        (d.split(" ", 1) + [""])[:2] for d in response["Content-Security-Policy"].split("; ")
    )
    assert policy["default-src"] == "'self'"
    # No inline script ever; eval only for Vega (docs/deploy.md, until indicator.js uses ast).
    assert policy["script-src"] == "'self'"
    assert policy["style-src"].split()[0] == "'self'"
    assert "'unsafe-inline'" not in policy["style-src"] + policy["script-src"]
    assert policy["style-src-attr"] == "'unsafe-inline'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "Content-Security-Policy-Report-Only" not in response
    html = response.content.decode()
    # htmx is told not to insert its own <style> element, and no page carries an inline script.
    config = re.search(r'<meta name="htmx-config" content=\'([^\']*)\'>', html)
    assert json.loads(config.group(1)) == {"includeIndicatorStyles": False, "allowEval": False}
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", html)


@pytest.mark.django_db
def test_api_docs_load_their_script_from_a_url(client):
    html = client.get("/api/v1/docs/").content.decode()
    assert re.search(r'<script src="[^"]*\?[^"]*script=', html)
    assert client.get("/api/v1/docs/?script=")["Content-Type"].startswith("application/javascript")


# ---------------------------------------------------------------- uploaded files


@pytest.fixture
def draft_with_evidence(settings, tmp_path):
    from monitoring import services
    from monitoring.models import Evidence, ImplementationStatus, ReportingPeriod
    from plan.models import Measure

    settings.MEDIA_ROOT = tmp_path / "media"
    author = coordinator("actiris", username="author")
    report = services.report_save(
        user=author,
        measure=Measure.objects.get(code="MET.4.1"),
        period=ReportingPeriod.objects.get(key="2025-h2"),
        data=services.ReportData(
            status=ImplementationStatus.objects.get(key="in_progress"), narrative_nl="Concept."
        ),
    )
    services.evidence_add(
        user=author, report=report, title="Bewijs", upload=SimpleUploadedFile("b.pdf", b"%PDF-1.4")
    )
    return Evidence.objects.get(report=report)


@pytest.fixture
def urls_built_with_debug():
    """config.urls as it is built with DEBUG on (where Django's static() would serve /media/)."""
    import config.urls

    with override_settings(DEBUG=True):
        importlib.reload(config.urls)
        clear_url_caches()
        yield
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.mark.django_db
def test_media_files_are_never_served_directly(client, draft_with_evidence, urls_built_with_debug):
    stored = Path(draft_with_evidence.file.path)
    assert stored.is_file() and stored.is_relative_to(settings.MEDIA_ROOT)
    with override_settings(DEBUG=True):
        response = client.get(settings.MEDIA_URL + draft_with_evidence.file.name)
    assert response.status_code == 404
    client.force_login(user_with_role(Role.ADMIN))
    with override_settings(DEBUG=True):
        assert client.get(settings.MEDIA_URL + draft_with_evidence.file.name).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 404), ("other_coordinator", 404), ("author_body", 200), ("taskforce", 200)],
)
def test_evidence_only_through_the_permission_checked_download(
    client, draft_with_evidence, role, expected
):
    user = {
        "anonymous": lambda: None,
        "other_coordinator": lambda: coordinator("haven-van-brussel"),
        "author_body": lambda: coordinator("actiris"),
        "taskforce": lambda: user_with_role(Role.TASKFORCE),
    }[role]()
    if user:
        client.force_login(user)
    with translation.override("nl"):
        url = reverse("monitoring:evidence_download", args=[draft_with_evidence.pk])
    response = client.get(url)
    assert response.status_code == expected
    if expected == 200:
        assert b"".join(response.streaming_content) == b"%PDF-1.4"
        assert response["Content-Disposition"].startswith("attachment;")


def test_no_template_links_to_media_directly():
    offenders = [
        str(p.relative_to(ROOT))
        for p in ROOT.glob("*/templates/**/*.html")
        if re.search(r"MEDIA_URL|/media/|\.file\.url", p.read_text(encoding="utf-8"))
    ] + [
        str(p.relative_to(ROOT))
        for p in (ROOT / "templates").glob("**/*.html")
        if re.search(r"MEDIA_URL|/media/|\.file\.url", p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


# ---------------------------------------------------------------- gunicorn, for real


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url_for_subprocess(tmp_path: Path) -> str:
    """The test database, as another process can open it: SQLite's in-memory test database is
    copied to a file (migrated, the plan loaded); PostgreSQL's test database is shared."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        target = tmp_path / "bruprod.sqlite3"
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        return f"sqlite:///{target}"
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def get(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@pytest.mark.slow
@pytest.mark.django_db
def test_gunicorn_serves_the_site_with_the_production_settings(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "BRUPROD_")) and k != "DATABASE_URL"
    }
    env.update(
        BRUPROD_ENV="production",
        BRUPROD_DATA_DIR=str(tmp_path),
        BRUPROD_SSL_REDIRECT="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url_for_subprocess(tmp_path),
    )
    collected = subprocess.run(
        [str(BIN / "bruprod"), "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert collected.returncode == 0, collected.stderr
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "1", "--access-logfile", "-", "--no-control-socket"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, headers, body = get(f"{base}/nl/")
                break
            except (ConnectionError, urllib.error.URLError):
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        assert status == 200, body[:2000]
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        html = body.decode()
        css = re.search(r'href="(/static/bruprod/css/bruprod\.[0-9a-f]{12}\.css)"', html)
        assert css, "the stylesheet's collected, hashed name"
        status, headers, _ = get(base + css.group(1))
        assert status == 200 and headers["Content-Type"].startswith("text/css")
        assert "immutable" in headers.get("Cache-Control", "")
        status, _, body = get(f"{base}/healthz")
        assert status == 200, body
        assert json.loads(body)["checks"]["database"]["status"] == "ok"
        assert get(f"{base}/media/evidence/anything.pdf")[0] == 404
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    assert "Booting worker" in output
    # The access log is gunicorn's; nothing went wrong, so no JSON error line either.
    assert '"level": "ERROR"' not in output, output


# ---------------------------------------------------------------- the cache


def test_cache_chosen_by_bruprod_cache_url():
    from django.core.exceptions import ImproperlyConfigured

    from config.settings.base import cache_config

    assert cache_config("")["BACKEND"].endswith("LocMemCache")
    assert cache_config("locmem://")["BACKEND"].endswith("LocMemCache")
    redis = cache_config("redis://cache.internal:6379/1")
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == "redis://cache.internal:6379/1"
    assert redis["OPTIONS"]["socket_connect_timeout"] <= 5
    with pytest.raises(ImproperlyConfigured):
        cache_config("memcached://cache.internal:11211")
