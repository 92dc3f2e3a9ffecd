"""Reference data, reports, comments and one user per role for the tests of exports/imports, API,
reminders and comments (the user factories live in accounts.tests.factories)."""

from __future__ import annotations

from datetime import date

import factory
import pytest

from accounts.models import Role
from accounts.tests.factories import user_with_role
from monitoring.models import Comment, ImplementationStatus, Report, ReportingPeriod
from monitoring.reference import monitoring_reference_load
from plan.models import Measure

ORG_A, ORG_B = "actiris", "innoviris"
MEASURE_A, MEASURE_B = "MET.4.1", "1.2.1"  # coordinated by Actiris only / by Innoviris only
ROLES = (
    "anonymous",
    "coordinator_a",
    "coordinator_b",
    "taskforce",
    "steering",
    "commission",
    "admin",
)


class ReportFactory(factory.django.DjangoModelFactory):
    """Written straight to the database: a test's starting state, not a workflow step."""

    class Meta:
        model = Report

    measure = factory.LazyFunction(lambda: Measure.objects.get(code=MEASURE_A))
    period = factory.LazyFunction(lambda: ReportingPeriod.objects.get(key="2025-h1"))
    state = Report.State.DRAFT
    status = factory.LazyFunction(lambda: ImplementationStatus.objects.get(key="in_progress"))
    progress = 40
    narrative_nl = "Loopt."


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    measure = factory.LazyFunction(lambda: Measure.objects.get(code=MEASURE_A))
    body = factory.Sequence(lambda n: f"Comment body {n}")
    visibility = Comment.Visibility.PUBLIC
    moderation = Comment.Moderation.APPROVED


@pytest.fixture(name="reference")
def _reference(db):
    monitoring_reference_load()
    return True


@pytest.fixture(name="users")
def _users(reference) -> dict:
    """One account per role (and None for the anonymous visitor)."""
    return make_users()


def make_users() -> dict:
    return {
        "anonymous": None,
        "coordinator_a": user_with_role(Role.COORDINATOR, ORG_A, username="coord-a"),
        "coordinator_b": user_with_role(Role.COORDINATOR, ORG_B, username="coord-b", language="fr"),
        "taskforce": user_with_role(Role.TASKFORCE, username="tf"),
        "steering": user_with_role(Role.STEERING, username="steer"),
        "commission": user_with_role(Role.COMMISSION, username="comm"),
        "admin": user_with_role(Role.ADMIN, username="adm"),
    }


def client_as(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


TODAY = date(2025, 8, 10)  # 2025-h1 ended 30 June, due 30 July, grace until 14 August


@pytest.fixture(name="english", autouse=True)
def _english():
    """Messages are asserted in English (the msgids); the default language is Dutch."""
    from django.utils import translation

    with translation.override("en"):
        yield
