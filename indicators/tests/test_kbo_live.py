"""KBO/BCE figures appear as live observations of the KBO-* indicators in the boordtabel."""

import pytest
from django.urls import reverse
from django.utils import translation

from indicators import realisation
from indicators.models import Indicator

pytestmark = pytest.mark.django_db

ROWS = [
    {
        "indicator_code": "kbo-enterprises",
        "period": "2025-10-10",
        "value": 370,
        "disaggregations": {"sector": None, "municipality": None, "person_type": None},
        "source": "KBO open data, snapshot 10-10-2025",
    },
    {
        "indicator_code": "kbo-enterprises",
        "period": "2025-10-11",
        "value": 372,
        "disaggregations": {"sector": None, "municipality": None, "person_type": None},
        "source": "KBO open data, snapshot 11-10-2025",
    },
    {
        "indicator_code": "kbo-enterprises",
        "period": "2025-10-11",
        "value": 41,
        "disaggregations": {"sector": "circular", "municipality": None, "person_type": "legal"},
        "source": "KBO open data, snapshot 11-10-2025",
    },
    {
        "indicator_code": "kbo-creations",
        "period": "2019",
        "value": 12,
        "disaggregations": {"sector": "health", "municipality": "21004", "person_type": None},
        "source": "KBO open data, snapshot 11-10-2025",
    },
    {
        "indicator_code": "kbo-unknown",
        "period": "2019",
        "value": 1,
        "disaggregations": {},
        "source": "",
    },
]


@pytest.fixture
def kbo_rows(monkeypatch):
    import economy.selectors

    monkeypatch.setattr(economy.selectors, "kbo_indicator_series", lambda **kwargs: ROWS)


def test_snapshots_become_monthly_observations_with_plan_codes(kbo_rows):
    rows = realisation.kbo_series()
    totals = [r for r in rows if r["indicator"] == "KBO-ENTERPRISES" and r["disaggregation"] == {}]
    assert totals == [
        {
            "indicator": "KBO-ENTERPRISES",
            "period": "2025-10",
            "value": 372,
            "disaggregation": {},
            "source": "KBO open data, snapshot 11-10-2025",
        }
    ]
    circular = [r for r in rows if r["disaggregation"].get("sector") == "circular"]
    assert circular and circular[0]["disaggregation"] == {
        "sector": "circular",
        "person_type": "legal",
    }
    assert any(r["indicator"] == "KBO-CREATIONS" and r["period"] == "2019" for r in rows)
    assert not any(r["indicator"].startswith("kbo-") for r in rows)


def test_indicator_page_shows_the_kbo_figures(client, kbo_rows):
    indicator = Indicator.objects.get(code="KBO-ENTERPRISES")
    with translation.override("fr"):
        response = client.get(reverse("indicators:detail", args=[indicator.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "372" in html and "11 octobre 2025" in html  # the snapshot date, in French


def test_observations_api_includes_live_figures(client, kbo_rows):
    data = client.get(
        "/api/v1/observations/", {"indicator": "KBO-ENTERPRISES", "total": "true"}
    ).json()
    assert [(o["period"], o["value"], o["vintage"]) for o in data["results"]] == [
        ("2025-10", 372, "live")
    ]
    legal = client.get(
        "/api/v1/observations/",
        {"indicator": "KBO-ENTERPRISES", "disaggregation": "person_type:legal"},
    ).json()
    assert [o["value"] for o in legal["results"]] == [41]
    stored_only = client.get("/api/v1/observations/", {"indicator": "T1-JOBS"}).json()
    assert stored_only["count"] > 0 and all(o["vintage"] != "live" for o in stored_only["results"])
