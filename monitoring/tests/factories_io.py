"""Users per role, reference data and reports for the tests of exports/imports, API, reminders and comments."""

from __future__ import annotations

from datetime import date

import factory
import pytest
from django.contrib.auth import get_user_model

from accounts.models import Profile, Role
from monitoring.models import Comment, ImplementationStatus, Report, ReportingPeriod
from monitoring.reference import monitoring_reference_load
from plan.models import Measure, Organisation

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


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = factory.Sequence(lambda n: f"First{n}")


def user_with_role(role: str, organisation: str | None = None, language: str = "nl", **kwargs):
    user = UserFactory(
        is_superuser=role == Role.ADMIN, is_staff=role in (Role.ADMIN, Role.TASKFORCE), **kwargs
    )
    org = Organisation.objects.get(slug=organisation) if organisation else None
    Profile.objects.create(user=user, role=role, organisation=org, language=language)
    return user


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
