"""Who may authenticate: Django's rules, and never a demo account under production settings.

The demo accounts (`bruprod setup-demo`, monitoring/demo.py) have a profile marked `is_demo` and
a name starting with `demo-`. Production settings refuse to create them (DEMO_ACCOUNTS_ALLOWED is
False); a database that was once set up with them, a copied database or a restored backup could
still hold them, so every way in refuses them too: the login form and the admin's (a clear
message, accounts.forms), the session of an earlier login (the backend's get_user) and API tokens.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.utils.translation import gettext_lazy as _
from drf_spectacular.drainage import set_override
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

DEMO_USERNAME_PREFIX = "demo-"
DEMO_REFUSED = _(
    "Demo accounts cannot log in here: this server runs with production settings. "
    "Ask an administrator for a personal account."
)


def demo_accounts_allowed() -> bool:
    return bool(getattr(settings, "DEMO_ACCOUNTS_ALLOWED", False))


def is_demo_username(username: str | None) -> bool:
    return bool(username) and username.lower().startswith(DEMO_USERNAME_PREFIX)


def is_demo_account(user) -> bool:
    """A demo account: its profile says so, or its name is a demo name."""
    if user is None:
        return False
    profile = getattr(user, "profile", None)  # no profile: RelatedObjectDoesNotExist → None
    return bool(profile is not None and profile.is_demo) or is_demo_username(user.get_username())


def demo_login_refused(user) -> bool:
    return not demo_accounts_allowed() and is_demo_account(user)


class DemoAwareModelBackend(ModelBackend):
    """ModelBackend that neither authenticates a demo account nor keeps one logged in (a session
    from before the switch to production settings) unless DEMO_ACCOUNTS_ALLOWED."""

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not demo_login_refused(user)


class DemoAwareTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing a demo account's token the same way."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if demo_login_refused(user):
            raise AuthenticationFailed(DEMO_REFUSED)
        return user, token


# The same "tokenAuth" scheme in the API schema as DRF's class (views that still name DRF's class
# would otherwise make drf-spectacular warn of two different components with one name).
set_override(DemoAwareTokenAuthentication, "suppress_collision_warning", True)
