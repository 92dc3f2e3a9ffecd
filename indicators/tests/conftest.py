"""The boordtabel's default registry and figures are loaded once per session, after the plan.

The lead calls indicators.loader.indicators_load_defaults() from the root conftest as well;
loading twice is harmless (idempotent). Pure unit tests (no database) do not trigger it.
"""

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from indicators.loader import indicators_load_defaults

    with django_db_blocker.unblock():
        indicators_load_defaults()
