"""The OpenAPI schema documents what the API answers: errors, and the real status keys."""

import pytest

from monitoring.models import ImplementationStatus
from monitoring.reference import monitoring_reference_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    monitoring_reference_load()
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


def test_every_operation_documents_its_error_responses(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert "400" in codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if method in ("put", "post", "patch"):
                assert {"401", "403", "415"} <= codes, (method, path)
    put = schema["paths"]["/api/v1/reports/{code}/{period}/"]["put"]["responses"]
    assert "409" in put and "403" in put


def test_the_write_schema_lists_the_status_keys(schema):
    schemas = schema["components"]["schemas"]
    status = schemas["ReportWrite"]["properties"]["status"]
    while "$ref" in status or "allOf" in status:
        ref = status.get("$ref") or status["allOf"][0]["$ref"]
        status = schemas[ref.rsplit("/", 1)[1]]
    assert status["enum"] == list(
        ImplementationStatus.objects.order_by("order").values_list("key", flat=True)
    )


def test_pagination_parameters_are_bounded_in_the_schema(schema):
    parameters = schema["paths"]["/api/v1/measures/"]["get"]["parameters"]
    limit = next(p for p in parameters if p["name"] == "limit")
    assert limit["schema"]["minimum"] == 1 and limit["schema"]["maximum"] == 1000
    dimension = next(p for p in parameters if p["name"] == "dimension")
    assert dimension["schema"]["items"]["type"] == "integer"


def test_an_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/measures/a/b/c/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
