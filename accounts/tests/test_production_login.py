"""Under production settings (DEMO_ACCOUNTS_ALLOWED False) no demo account gets in, role by role:
not through the login page, the admin's login, an earlier session or an API token."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.test import APIRequestFactory

from accounts.backends import DEMO_USERNAME_PREFIX, DemoAwareTokenAuthentication
from accounts.models import Role
from accounts.tests.factories import user_with_role
from monitoring.demo import DEMO_ACCOUNTS, demo_accounts_setup

pytestmark = pytest.mark.django_db
PASSWORD = "demo-password-for-tests"
DEMO_NAMES = [name for name, _role, _org in DEMO_ACCOUNTS]
REFUSED = "Demo accounts cannot log in here"


@pytest.fixture
def demo_accounts(settings):
    settings.DEMO_ACCOUNTS_ALLOWED = True
    demo_accounts_setup(password=PASSWORD)
    settings.DEMO_ACCOUNTS_ALLOWED = False  # from here on: production's rule
    return settings


def login_url(view="accounts:login"):
    with translation.override("en"):
        return reverse(view)


def test_every_demo_account_is_recognisable():
    """The refusal knows the demo accounts by their profile and by their names."""
    assert all(name.startswith(DEMO_USERNAME_PREFIX) for name in DEMO_NAMES)
    assert {role for _name, role, _org in DEMO_ACCOUNTS} == set(Role.values)


@pytest.mark.parametrize("username", DEMO_NAMES)
def test_login_page_refuses_each_demo_account_with_a_clear_message(client, demo_accounts, username):
    response = client.post(login_url(), {"username": username, "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert REFUSED in response.content.decode()
    # Not the wrong-password notice: the password was right, the account is the problem.
    assert "did not match" not in response.content.decode()


@pytest.mark.parametrize("username", DEMO_NAMES)
def test_admin_login_refuses_each_demo_account(client, demo_accounts, username):
    response = client.post(
        login_url("admin:login"), {"username": username, "password": PASSWORD, "next": "/"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert REFUSED in response.content.decode()


@pytest.mark.parametrize("username", DEMO_NAMES)
def test_an_earlier_session_of_a_demo_account_is_no_longer_logged_in(client, settings, username):
    settings.DEMO_ACCOUNTS_ALLOWED = True
    demo_accounts_setup(password=PASSWORD)
    user = get_user_model().objects.get(username=username)
    client.force_login(user, backend="accounts.backends.DemoAwareModelBackend")
    assert client.get(login_url()).status_code == 302  # logged in: sent on
    settings.DEMO_ACCOUNTS_ALLOWED = False
    response = client.get(login_url())
    assert response.status_code == 200
    assert response.wsgi_request.user.is_anonymous


@pytest.mark.parametrize("username", DEMO_NAMES)
def test_api_token_of_a_demo_account_is_refused(demo_accounts, username):
    token = Token.objects.create(user=get_user_model().objects.get(username=username))
    request = APIRequestFactory().get("/api/v1/measures/", HTTP_AUTHORIZATION=f"Token {token.key}")
    with pytest.raises(AuthenticationFailed, match=REFUSED):
        DemoAwareTokenAuthentication().authenticate(request)


def test_default_api_authentication_is_the_demo_aware_one(settings):
    assert (
        "accounts.backends.DemoAwareTokenAuthentication"
        in (settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"])
    )
    assert (
        "rest_framework.authentication.TokenAuthentication"
        not in (settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"])
    )


def test_reports_api_refuses_a_demo_coordinators_token(client, demo_accounts):
    token = Token.objects.create(user=get_user_model().objects.get(username="demo-coordinator"))
    response = client.get("/api/v1/reports/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code in (401, 403)


def test_a_profile_marked_demo_is_refused_whatever_its_name(client, settings):
    settings.DEMO_ACCOUNTS_ALLOWED = False
    user = user_with_role(Role.STEERING, username="renamed")
    user.set_password(PASSWORD)
    user.save()
    user.profile.is_demo = True
    user.profile.save()
    response = client.post(login_url(), {"username": "renamed", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert REFUSED in response.content.decode()


@pytest.mark.parametrize("role", list(Role.values))
def test_real_accounts_log_in_under_production_rules(client, settings, role):
    settings.DEMO_ACCOUNTS_ALLOWED = False
    user = user_with_role(role, "actiris" if role == Role.COORDINATOR else None)
    user.set_password(PASSWORD)
    user.save()
    response = client.post(login_url(), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize("username", DEMO_NAMES)
def test_demo_accounts_log_in_where_allowed(client, settings, username):
    settings.DEMO_ACCOUNTS_ALLOWED = True
    demo_accounts_setup(password=PASSWORD)
    response = client.post(login_url(), {"username": username, "password": PASSWORD})
    assert response.status_code == 302


def test_a_wrong_password_still_gets_the_usual_notice(client, settings):
    settings.DEMO_ACCOUNTS_ALLOWED = False
    response = client.post(login_url(), {"username": "nobody", "password": "wrong"})
    assert "did not match" in response.content.decode()
    assert REFUSED not in response.content.decode()
