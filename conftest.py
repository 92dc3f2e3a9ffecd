"""Test fixtures shared by every app: the real plan is loaded once per test session."""

import os
from pathlib import Path

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be usable.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def load_reference_data() -> None:
    from indicators.loader import indicators_load_defaults
    from monitoring.reference import monitoring_reference_load
    from plan.loader import plan_load
    from strategies.loader import strategies_load

    plan_load(data_dir=Path(settings.PLAN_DATA_DIR), loaded_by="tests")
    strategies_load(data_dir=Path(settings.PLAN_DATA_DIR))
    monitoring_reference_load()
    indicators_load_defaults()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the plan and strategies into the test database once; tests roll back their changes."""
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture(autouse=True)
def english_by_default():
    """Each test starts in English, whatever language an earlier request activated."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def plan_data_dir() -> Path:
    return Path(settings.PLAN_DATA_DIR)


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user(
        "editor", "editor@example.org", "a-long-test-password", is_staff=True, is_superuser=True
    )
