"""Users with a role, for the tests of every app (monitoring, indicators, economy, end-to-end)."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from accounts.models import Profile, Role
from reference.models import Organisation

ROLES = ("anonymous", "coordinator", "taskforce", "steering", "commission", "admin")
INTERNAL_ROLES = ("taskforce", "steering", "commission", "admin")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = factory.Sequence(lambda n: f"First{n}")


def user_with_role(role: str, organisation: str | None = None, language: str = "nl", **kwargs):
    """A user with a profile: the role, the organisation (by slug) and the language.

    Administrators are superusers; administrators and the task force are staff."""
    kwargs.setdefault("is_superuser", role == Role.ADMIN)
    kwargs.setdefault("is_staff", role in (Role.ADMIN, Role.TASKFORCE))
    user = UserFactory(**kwargs)
    org = Organisation.objects.get(slug=organisation) if organisation else None
    Profile.objects.create(user=user, role=role, organisation=org, language=language)
    return user


def coordinator(org: str = "actiris", **kwargs):
    return user_with_role(Role.COORDINATOR, org, **kwargs)


def taskforce(**kwargs):
    return user_with_role(Role.TASKFORCE, **kwargs)


def user_for(role: str):
    """A user with the role (None for the anonymous public); coordinators belong to Actiris."""
    if role == "anonymous":
        return None
    return user_with_role(role, "actiris" if role == Role.COORDINATOR else None)
