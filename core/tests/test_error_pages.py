"""Error pages in the site's design and the user's language, with a way on (issue item 10);
charts that keep their text readable on a phone (item 7); the registry's providers (item 4)."""

import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import coordinator
from core import charts
from core.api import api_permission_denied
from core.registry import LandingRegistry, ProviderRegistry


@pytest.mark.django_db
def test_a_coordinator_opening_the_review_page_gets_the_sites_403_page(client):
    client.force_login(coordinator("actiris"))
    with translation.override("nl"):
        url = reverse("monitoring:review")
    response = client.get(url)
    assert response.status_code == 403
    html = response.content.decode()
    assert 'lang="nl"' in html and 'class="error-page"' in html
    assert "bruprod.css" in html and "/nl/accounts/start/" in html


@pytest.mark.django_db
def test_403_under_api_is_json():
    request = RequestFactory().get("/api/v1/anything/")
    response = api_permission_denied(request)
    assert response.status_code == 403 and response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_404_page_in_french(client):
    response = client.get("/fr/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'lang="fr"' in html and 'class="error-page"' in html


def test_the_500_page_needs_no_database_and_no_request():
    # no django_db mark: a database query here would fail the test
    with translation.override("fr"):
        html = render_to_string("500.html")
    assert 'lang="fr"' in html and "bruprod.css" in html and 'href="/fr/"' in html


@pytest.mark.parametrize("make", ["bars", "line"])
def test_charts_have_a_narrow_drawing_whose_text_stays_readable_on_a_phone(make):
    points = [charts.Bar(f"Coordinating body number {i}", i * 7.5) for i in range(12)]
    svg = (
        charts.bar_chart(bars=points, label="Test")
        if make == "bars"
        else charts.line_chart(points=points, label="Test")
    )
    assert svg.count("<svg ") == 2
    narrow = svg[svg.index("chart-narrow") :]
    width = int(re.search(r'viewBox="0 0 (\d+) ', narrow).group(1))
    # drawn in a 340 px box (a 390 px phone less the page's margins): the scale is 340 / width
    sizes = [int(s) for s in re.findall(r'font-size="(\d+)"', narrow)]
    assert min(sizes) * 340 / width >= 12


def test_providers_and_landing_registries():
    providers = ProviderRegistry()
    assert providers.call("nothing", 1) is None
    providers.register("double", lambda x: 2 * x)
    assert providers.call("double", 4) == 8
    landing = LandingRegistry()
    landing.register("steering", "monitoring:dashboard_internal")
    assert landing.url_name("steering") == "monitoring:dashboard_internal"
    assert landing.url_name(None) is None
