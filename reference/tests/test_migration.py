"""The move of Sector and Organisation from plan to reference keeps every row, id and history
entry: checked on a database built with the migrations of the main before the move."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

SCRIPT = Path(__file__).with_name("migration_check.py")


def _run(tmp_path: Path, database_url: str | None) -> dict:
    env = {
        **os.environ,
        "BRUPROD_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
    }
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    done = subprocess.run(
        [sys.executable, str(SCRIPT)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _check(found: dict) -> None:
    assert found["organisation_id"] == 42
    assert found["version"] == 3
    assert found["aliases"] == [[7, "ACTIRIS"]]
    assert found["history"] == ["edit 0", "edit 1"]
    assert found["profile_organisation"] == 42
    assert found["sector"] == [5, "ecosystem"]
    assert found["document_sectors"] == ["health"]
    assert found["content_type"] == "reference"
    assert "reference_organisation" in found["tables"]
    assert not [t for t in found["tables"] if t.startswith("plan_")]


def test_move_keeps_rows_ids_and_history_on_sqlite(tmp_path):
    _check(_run(tmp_path, None))


@pytest.mark.skipif("DATABASE_URL" not in os.environ, reason="PostgreSQL run only")
def test_move_keeps_rows_ids_and_history_on_postgresql(tmp_path):
    import psycopg

    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    name = "bruprod_migration_check"
    with psycopg.connect(f"{url}/postgres", autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name}")
        con.execute(f"CREATE DATABASE {name}")
    try:
        _check(_run(tmp_path, f"{url}/{name}"))
    finally:
        with psycopg.connect(f"{url}/postgres", autocommit=True) as con:
            con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
