import pytest


@pytest.fixture
def ecosystem(db):
    """The seeded ecosystem map (plan organisations, cited examples, stages, relations)."""
    from ecosystem.loader import ecosystem_load

    return ecosystem_load()
