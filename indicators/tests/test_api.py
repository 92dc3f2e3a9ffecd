"""The boordtabel's JSON API and its OpenAPI schema."""

import pytest
import yaml

pytestmark = pytest.mark.django_db


def test_indicator_list_and_detail(client):
    data = client.get("/api/v1/indicators/").json()
    assert data["count"] == 29  # 24 from the plan and seeds, 5 KBO/BCE
    jobs = client.get("/api/v1/indicators/T1-JOBS/").json()
    assert jobs["baseline"] == {"period": "2014", "value": 667889}
    assert jobs["latest"] == {"period": "2014", "value": 667889, "disaggregation": {}}
    assert jobs["status"] == "not_enough_data"
    assert jobs["disaggregations"] == ["sector"]
    charging = client.get("/api/v1/indicators/CTX-CHARGING-POINTS/").json()
    assert [t["value"] for t in charging["targets"]] == [20000, 9500, 22000]


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        (
            "kind=realisation",
            {"R-MEASURES-STARTED", "R-MEASURES-COMPLETED", "R-QUICK-WINS", "R-REPORTING"},
        ),
        ("challenge=3.2&kind=result", {"CTX-CHARGING-POINTS", "CTX-FAST-CHARGING"}),
        ("sector=agrofood", {"CTX-FEDERATIONS-JOBS"}),
    ],
)
def test_indicator_filters(client, query, codes):
    results = client.get(f"/api/v1/indicators/?{query}").json()["results"]
    assert {r["code"] for r in results} == codes


def test_observations_with_disaggregation_filters(client):
    rows = client.get("/api/v1/observations/?disaggregation=sector:construction").json()["results"]
    assert {r["indicator"] for r in rows} >= {"T1-JOBS", "T1-EMP-SHARE"}
    assert {r["value"] for r in rows if r["indicator"] == "T1-JOBS"} == {33013}
    totals = client.get("/api/v1/observations/?indicator=T1-JOBS&total=true").json()["results"]
    assert [r["value"] for r in totals] == [667889]
    vans = client.get(
        "/api/v1/observations/?indicator=CTX-FREIGHT-TRAFFIC-SHARE&disaggregation=vehicle:van"
    ).json()["results"]
    assert [(r["value"], r["disaggregation"]) for r in vans] == [(8, {"vehicle": "van"})]
    without_sector = client.get(
        "/api/v1/observations/?indicator=T1-JOBS&disaggregation=sector:"
    ).json()
    assert without_sector["count"] == 1
    assert client.get("/api/v1/observations/?disaggregation=oops").status_code == 400


def test_observations_latest_vintage_by_default(client):
    from indicators.models import Indicator
    from indicators.tests.factories import ObservationFactory

    indicator = Indicator.objects.get(code="CTX-ELECTRICITY-DEMAND")
    ObservationFactory(indicator=indicator, period="2024", value=5300, vintage="2025")
    current = client.get("/api/v1/observations/?indicator=CTX-ELECTRICITY-DEMAND").json()["results"]
    assert [r["value"] for r in current] == [5300]
    every = client.get(
        "/api/v1/observations/?indicator=CTX-ELECTRICITY-DEMAND&all_vintages=true"
    ).json()["results"]
    assert [(r["vintage"], r["value"]) for r in every] == [("2024", 5220), ("2025", 5300)]
    old = client.get("/api/v1/observations/?indicator=CTX-ELECTRICITY-DEMAND&vintage=2024").json()
    assert old["results"][0]["value"] == 5220


def test_openapi_schema_documents_the_endpoints_and_filters(client):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    assert "/api/v1/indicators/" in schema["paths"]
    assert "/api/v1/indicators/{code}/" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/observations/"]["get"]["parameters"]}
    assert {"indicator", "disaggregation", "total", "all_vintages", "vintage", "period"} <= params
    indicator_params = {
        p["name"] for p in schema["paths"]["/api/v1/indicators/"]["get"]["parameters"]
    }
    assert {"kind", "challenge", "sector"} <= indicator_params
