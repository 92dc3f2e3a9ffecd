import pytest
import yaml

from plan.models import Measure

pytestmark = pytest.mark.django_db


def test_measures_endpoint_lists_and_filters(client):
    data = client.get("/api/v1/measures/", {"limit": 500}).json()
    assert data["count"] == Measure.objects.count()
    health_qw = client.get("/api/v1/measures/", {"sector": "health", "remark": "QW"}).json()
    assert all(m["sector"] == "health" and "QW" in m["remark_tags"] for m in health_qw["results"])
    search = client.get("/api/v1/measures/", {"q": "synerjob"}).json()
    assert [m["code"] for m in search["results"]] == ["MET.4.1"]


def test_measure_detail_has_printed_fields_and_references(client):
    data = client.get("/api/v1/measures/C.3/").json()
    assert data["code"] == "C.3"
    assert {"type": "linked_to", "target": "C.8"}.items() <= data["cross_refs"][0].items()
    assert data["coordinators"][0]["printed"]
    back = client.get("/api/v1/measures/C.8/").json()
    assert {"type": "linked_to", "source": "C.3"} in back["referenced_by"]
    assert client.get("/api/v1/measures/Z.99/").status_code == 404


def test_organisations_sections_plan_and_strategies_endpoints(client):
    actiris = client.get("/api/v1/organisations/actiris/").json()
    assert "MET.4.1" in actiris["measures"]
    sections = client.get("/api/v1/sections/", {"kind": "challenge"}).json()
    assert {s["key"] for s in sections["results"]} == {"3.1", "3.2", "3.3", "3.4"}
    pillar = client.get("/api/v1/sections/3.1.4.P1/").json()
    assert "1.1.1" in pillar["measures"]
    plan = client.get("/api/v1/plan/").json()
    assert plan[0]["adopted"] == "2019-01"
    strategies = client.get("/api/v1/strategies/").json()
    assert strategies["count"] == 3


def test_the_api_is_read_only(client, staff_user):
    assert client.post("/api/v1/measures/", {"code": "X"}).status_code in (401, 403)
    client.force_login(staff_user)
    assert (
        client.post("/api/v1/measures/", {"code": "X"}, content_type="application/json").status_code
        == 405
    )
    assert client.delete("/api/v1/measures/1.1.1/").status_code == 405


def test_openapi_schema_and_docs_page(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert "/api/v1/measures/" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/measures/"]["get"]["parameters"]}
    assert {"q", "sector", "remark", "coordinator"} <= params
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()
