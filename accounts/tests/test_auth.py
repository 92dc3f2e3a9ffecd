import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import translation

from accounts import access
from accounts.models import Profile, Role
from monitoring.demo import demo_accounts_setup
from plan.models import Measure

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"


def url(name):
    with translation.override("nl"):
        return reverse(name)


@pytest.fixture
def anna(django_user_model):
    user = django_user_model.objects.create_user("anna", "anna@example.org", PASSWORD)
    Profile.objects.create(
        user=user,
        role=Role.COORDINATOR,
        organisation_id=Measure.objects.get(code="MET.4.1").coordinations.first().organisation_id,
    )
    return user


def test_login_and_logout(client, anna):
    response = client.post(url("accounts:login"), {"username": "anna", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(url("monitoring:workspace")).status_code == 200
    client.post(url("accounts:logout"))
    assert client.get(url("monitoring:workspace")).status_code == 302


def test_account_is_locked_after_five_failures(client, anna):
    for _ in range(5):
        response = client.post(url("accounts:login"), {"username": "anna", "password": "wrong"})
    assert response.status_code == 429
    assert 'role="alert"' in response.content.decode()
    # Even the right password is refused while locked.
    response = client.post(url("accounts:login"), {"username": "anna", "password": PASSWORD})
    assert response.status_code != 302
    assert client.get(url("monitoring:workspace")).status_code == 302


def test_password_reset_by_email(client, anna):
    response = client.post(url("accounts:password_reset"), {"email": "anna@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password-reset/" in mail.outbox[0].body
    assert (
        client.post(url("accounts:password_reset"), {"email": "nobody@example.org"}).status_code
        == 302
    )
    assert len(mail.outbox) == 1  # no mail, and no hint that the address is unknown


def test_roles_of_inactive_or_profileless_users(django_user_model, anna):
    measure = Measure.objects.get(code="MET.4.1")
    assert access.can_report_on(anna, measure)
    anna.is_active = False
    assert not access.can_report_on(anna, measure)
    bare = django_user_model.objects.create_user("bare", password=PASSWORD)
    assert access.user_role(bare) is None and not access.can_view_internal(bare)


def test_demo_accounts_never_exist_under_production_settings(settings):
    settings.DEMO_ACCOUNTS_ALLOWED = False
    with pytest.raises(ImproperlyConfigured):
        demo_accounts_setup(password="x" * 12)


def test_demo_accounts_one_per_role(django_user_model, settings):
    settings.DEMO_ACCOUNTS_ALLOWED = True
    demo_accounts_setup(password="demo-password-123")
    roles = dict(Profile.objects.filter(is_demo=True).values_list("user__username", "role"))
    assert roles == {
        "demo-taskforce": "taskforce",
        "demo-coordinator": "coordinator",
        "demo-steering": "steering",
        "demo-commission": "commission",
        "demo-admin": "admin",
    }
    assert Profile.objects.get(user__username="demo-coordinator").organisation.slug == "actiris"
