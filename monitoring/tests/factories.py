"""Users with a role for monitoring tests."""

import factory
from django.contrib.auth import get_user_model

from accounts.models import Profile, Role
from plan.models import Organisation


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")


def user_with_role(role: str, organisation_slug: str | None = None, **kwargs):
    user = UserFactory(**kwargs)
    organisation = Organisation.objects.get(slug=organisation_slug) if organisation_slug else None
    Profile.objects.create(user=user, role=role, organisation=organisation)
    return user


def coordinator(org="actiris", **kwargs):
    return user_with_role(Role.COORDINATOR, org, **kwargs)


def taskforce(**kwargs):
    return user_with_role(Role.TASKFORCE, **kwargs)
