"""Query parameters of the ecosystem API: a boolean filter is true or false, anything else 400."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["null", "unknown", "maybe", ""])
def test_boolean_filters_are_true_or_false(client, value):
    for name in ("derived", "directed"):
        response = client.get("/api/v1/ecosystem/relations/", {name: value})
        assert response.status_code == 400, (name, value)
        assert name in response.json()


def test_a_true_boolean_filter_answers(client):
    assert client.get("/api/v1/ecosystem/relations/", {"derived": "true"}).status_code == 200
    assert client.get("/api/v1/ecosystem/relations/", {"directed": "0"}).status_code == 200
