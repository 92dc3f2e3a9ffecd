"""Plug-in points: panels on another app's page and navigation entries, registered by AppConfigs."""

import pytest
from django.test import RequestFactory
from django.urls import resolve

from core.context_processors import navigation as navigation_context
from core.registry import NavEntry, NavigationRegistry, Panel, PanelRegistry, navigation, panels


def test_panels_are_ordered_replaced_by_key_and_filtered():
    registry = PanelRegistry()
    registry.register("page", Panel("b", "b.html", order=20))
    registry.register("page", Panel("a", "a.html", order=10))
    registry.register("page", Panel("b", "b2.html", order=5))  # same key: replaced
    registry.register("page", Panel("hidden", "h.html", visible=lambda request, obj: obj == "x"))
    assert [p.template for p in registry.for_slot("page", obj="y")] == ["b2.html", "a.html"]
    assert "h.html" in [p.template for p in registry.for_slot("page", obj="x")]
    assert registry.for_slot("other") == []


def test_navigation_entries_by_area_order_and_visibility():
    registry = NavigationRegistry()
    registry.register(NavEntry("two", "Two", "x:two", order=2))
    registry.register(NavEntry("one", "One", "x:one", order=1))
    registry.register(NavEntry("me", "Me", "x:me", area="user", visible=lambda user: bool(user)))
    assert [e.key for e in registry.entries()] == ["one", "two"]
    assert registry.entries(area="user", user=None) == []
    assert [e.key for e in registry.entries(area="user", user="someone")] == ["me"]


def test_every_app_registers_its_navigation_and_measure_panels():
    keys = [e.key for e in navigation.entries()]
    assert keys == [
        "plan-home",
        "plan-tree",
        "plan-measures",
        "plan-organisations",
        "monitoring",
        "indicators",
        "economy",
        "ecosystem",
        "strategies",
    ]
    assert [p.key for p in panels.for_slot("measure.main")] == ["monitoring-status"]
    assert [p.key for p in panels.for_slot("measure.related")] == [
        "strategies-items",
        "ecosystem-actors",
        "monitoring-comments",
    ]
    assert [p.key for p in panels.for_slot("home.status")] == ["monitoring-home"]


@pytest.mark.django_db
def test_navigation_marks_the_current_page():
    request = RequestFactory().get("/en/measures/C.1/")
    request.resolver_match = resolve("/en/measures/C.1/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    context = navigation_context(request)
    current = [item["label"] for item in context["nav_main"] if item["current"]]
    assert [str(c) for c in current] == ["Measures"]
    assert context["nav_user"] == []  # "My reporting" only for logged-in users


def test_plan_names_no_other_app():
    """The plan's measure page gets monitoring and strategies through the registry only."""
    from pathlib import Path

    from django.conf import settings

    plan = Path(settings.BASE_DIR) / "plan"
    others = ("monitoring", "strategies", "indicators", "economy")
    for path in [*plan.glob("*.py"), *plan.glob("templates/**/*.html")]:
        text = path.read_text(encoding="utf-8")
        for other in others:
            assert (
                f"{other}:" not in text and f"{other}/" not in text and f"from {other}" not in text
            ), (
                path,
                other,
            )
