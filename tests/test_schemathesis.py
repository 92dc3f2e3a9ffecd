"""Property-based tests of the whole JSON API against its own OpenAPI schema (schemathesis).

The schema is read from the application (WSGI, no network) at /api/v1/schema/; for every
operation schemathesis generates requests, valid and invalid, and checks the answers: never a
server error, only documented status codes, bodies and content types as documented, invalid
requests refused. The reporters' write endpoints are called with a coordinator's API token.
Bounded to MAX_EXAMPLES per operation so the suite stays quick (SQLite and PostgreSQL). The
economy endpoints read a small imported KBO register (`kbo_register`).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import Role
from accounts.tests.factories import user_with_role
from economy import kbo_store
from economy.services import kbo_import
from monitoring.reference import monitoring_reference_load

MAX_EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
    negative_data_rejection,
]

pytestmark = pytest.mark.django_db


@pytest.fixture
def kbo_register(db, settings, tmp_path):
    """A small imported KBO register (five enterprises), so that economy's figures, trend,
    stats and enterprise endpoints answer with data, not only 404s and empty lists."""
    from economy.tests import dumps
    from economy.tests.test_web import web_tables

    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    tables = web_tables()
    example = "0403.170.701"  # the schema's example enterprise number: its detail is a 200
    tables["enterprise"].append(dumps.enterprise(example))
    tables["address"].append(dumps.address(example, "REGO", "1000", "Brussel", "Bruxelles"))
    tables["activity"].append(dumps.activity(example, "2008", "62010"))
    tables["denomination"].append(dumps.name(example, "Voorbeeld"))
    kbo_import(path=dumps.write_full(tmp_path / "kbo", tables))
    yield
    kbo_store.readers_close()


@pytest.fixture
def api_schema(db, kbo_register):
    # Requests go through a plain WSGIHandler, not Django's test client: like the client, keep
    # request_started/finished from closing the test's connection (on PostgreSQL that connection
    # holds the test's transaction).
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    monitoring_reference_load()
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema/", WSGIHandler())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(db) -> str:
    user = user_with_role(Role.COORDINATOR, "actiris", username="schemathesis-coordinator")
    return Token.objects.get_or_create(user=user)[0].key


def _run(operation, mode: GenerationMode, headers, failures: list[str]) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
    )
    def check(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        check()
    except Unsatisfiable:
        pass  # nothing in this operation can be made invalid (no parameters, free-text path)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - a FailureGroup; every failure is reported at the end
        failures.append(f"{operation.label} ({mode.value}):\n{exc}")


def test_api_conforms_to_its_schema(api_schema, token):
    """Every operation, valid and invalid requests: zero server errors, zero schema violations."""
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:
        headers = {"Authorization": f"Token {token}"} if operation.method.upper() != "GET" else None
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _run(operation, mode, headers, failures)
    assert not failures, "\n\n".join(failures)
