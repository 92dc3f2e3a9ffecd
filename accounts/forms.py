"""Login forms that refuse the demo accounts under production settings with a clear message."""

from __future__ import annotations

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from .backends import DEMO_REFUSED, demo_accounts_allowed, is_demo_account, is_demo_username

DEMO_ACCOUNT_ERROR = "demo_account"


def refuse_demo_login(username: str | None) -> None:
    """Raise the demo message for a demo account's name (before any password is checked, so a
    refused demo login is neither an attempt counted by django-axes nor a password oracle)."""
    if demo_accounts_allowed() or not username:
        return
    users = get_user_model()
    user = (
        users._default_manager.filter(**{users.USERNAME_FIELD: username})
        .select_related("profile")
        .first()
    )
    if is_demo_username(username) or is_demo_account(user):
        raise ValidationError(DEMO_REFUSED, code=DEMO_ACCOUNT_ERROR)


class LoginForm(AuthenticationForm):
    def clean(self):
        refuse_demo_login(self.cleaned_data.get("username"))
        return super().clean()


class AdminLoginForm(AdminAuthenticationForm):
    def clean(self):
        refuse_demo_login(self.cleaned_data.get("username"))
        return super().clean()
