"""Request tests of the productive-economy JSON API (read-only, public register data)."""

import pytest

from economy.models import ClassificationOverride

from .test_web import A, B, C, D, import_web_dump

pytestmark = pytest.mark.django_db

API = "/api/v1/economy"


@pytest.fixture
def imported(kbo_data_dir, tmp_path):
    return import_web_dump(tmp_path / "full")


def test_api_without_register_data(client, kbo_data_dir):
    assert client.get(f"{API}/snapshots/").json() == []
    assert client.get(f"{API}/stats/").status_code == 404
    assert client.get(f"{API}/figures/").status_code == 404
    assert client.get(f"{API}/trend/").json() == []
    assert client.get(f"{API}/enterprises/").json()["count"] == 0
    assert client.get(f"{API}/enterprises/{A}/").status_code == 404


def test_snapshots_figures_trend_and_stats(client, imported):
    snapshots = client.get(f"{API}/snapshots/").json()
    assert snapshots == [
        {
            "extract_number": 146,
            "extract_type": "full",
            "snapshot_date": "2025-10-10",
            "synthetic": False,
            "mapping_version": imported.snapshot.mapping_version,
            "source": "KBO open data, snapshot 10-10-2025",
        }
    ]
    data = client.get(f"{API}/figures/", {"by": "municipality"}).json()
    assert data["total"] == 3 and data["measure"] == "enterprises"
    assert data["breakdown"] == {"21001": 1, "21004": 1, "21005": 1, "21009": 1}
    data = client.get(
        f"{API}/figures/", {"measure": "establishments", "by": "sector", "person_type": "natural"}
    ).json()
    assert data["total"] == 1 and data["breakdown"]["creative"] == 1
    data = client.get(f"{API}/figures/", {"measure": "creations", "by": "key"}).json()
    assert data["breakdown"] == {"2001": 1, "2015": 1, "2020": 1}
    assert client.get(f"{API}/figures/", {"measure": "nope"}).status_code == 400
    assert client.get(f"{API}/figures/", {"by": "nope"}).status_code == 400
    assert client.get(f"{API}/figures/", {"snapshot": "999"}).status_code == 404
    assert client.get(f"{API}/figures/", {"snapshot": "146"}).json()["total"] == 3
    assert client.get(f"{API}/trend/", {"sector": "construction"}).json() == [
        {"snapshot_date": "2025-10-10", "extract_number": 146, "synthetic": False, "value": 1}
    ]
    stats = client.get(f"{API}/stats/").json()
    assert stats["enterprises_present"] == 3
    assert stats["establishments_by_municipality"]["21009"] == 1


def test_enterprise_search_and_detail(client, imported):
    data = client.get(f"{API}/enterprises/", {"person_type": "legal"}).json()
    assert data["count"] == 2
    assert [r["enterprise_number"] for r in data["results"]] == [A, D]
    data = client.get(f"{API}/enterprises/", {"q": "peeters", "limit": 1}).json()
    assert data["count"] == 1 and data["results"][0]["enterprise_number"] == B
    assert data["results"][0]["municipalities"] == ["21009"]
    assert client.get(f"{API}/enterprises/", {"limit": "x"}).status_code == 400
    detail = client.get(f"{API}/enterprises/0300000115/").json()
    assert detail["enterprise_number"] == A
    assert "contacts" not in detail  # public register data only
    assert {a["nace_code"] for a in detail["activities"]} == {"43211", "10711"}
    sectors = {s["sector"]: s for s in detail["classification"]["sectors"]}
    assert sectors["construction"]["reason"] == "mapping"
    assert sectors["construction"]["rules"][0]["nace_code"] == "43211"
    assert client.get(f"{API}/enterprises/{C}/").status_code == 404


def test_api_is_read_only(client, imported, staff_user):
    client.force_login(staff_user)
    assert client.post(f"{API}/enterprises/", {}).status_code == 405
    assert client.post(f"{API}/figures/", {}).status_code == 405
    assert not ClassificationOverride.objects.exists()


def test_schema_documents_the_endpoints(client):
    schema = client.get("/api/v1/schema/").content.decode()
    for path in ("snapshots", "figures", "trend", "stats", "enterprises", "enterprises/{number}"):
        assert f"/api/v1/economy/{path}/" in schema
