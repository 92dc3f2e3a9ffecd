"""Editing through the admin: staff only, every change in history, stale edits refused."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS
from django.urls import reverse

from plan.models import Measure

pytestmark = pytest.mark.django_db


def change_url(measure):
    return reverse("admin:plan_measure_change", args=[measure.pk])


def form_data(client, measure) -> dict:
    """The admin change form as a browser would submit it."""
    response = client.get(change_url(measure))
    form = response.context["adminform"].form
    data = {}
    for name, _field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
        for inline_form in formset.formset.forms:
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value is None or value is False:
                    continue
                data[f"{inline_form.prefix}-{name}"] = "on" if value is True else value
    return data


def test_anonymous_and_non_staff_users_cannot_edit(client, django_user_model):
    measure = Measure.objects.get(code="GMO.3")
    assert client.get(change_url(measure)).status_code == 302
    client.force_login(
        django_user_model.objects.create_user("public", password="a-long-test-password")
    )
    response = client.post(change_url(measure), {"title_nl": "x"})
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.title_nl != "x"


def test_editor_change_is_kept_in_history_with_who_and_before_after(client, staff_user):
    measure = Measure.objects.get(code="GMO.3")
    client.force_login(staff_user)
    data = form_data(client, measure)
    data["cost"] = "€"
    response = client.post(change_url(measure), data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else response
    )
    measure.refresh_from_db()
    assert measure.cost == "€"
    latest, previous = measure.history.all()[:2]
    assert latest.history_user == staff_user
    delta = latest.diff_against(previous)
    assert [(c.field, c.old, c.new) for c in delta.changes if c.field == "cost"] == [
        ("cost", "", "€")
    ]
    history_page = client.get(reverse("admin:plan_measure_history", args=[measure.pk]))
    assert history_page.status_code == 200


def test_a_stale_edit_is_refused_not_silently_applied(client, staff_user):
    measure = Measure.objects.get(code="GMO.3")
    client.force_login(staff_user)
    stale = form_data(client, measure)
    fresh = dict(stale)
    fresh["staffing"] = "HHH"
    assert client.post(change_url(measure), fresh).status_code == 302
    stale["remark_nl"] = "Second editor's change"
    response = client.post(change_url(measure), stale)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.has_error(NON_FIELD_ERRORS, code="stale")
    measure.refresh_from_db()
    assert measure.staffing == "HHH"
    assert measure.remark_nl != "Second editor's change"
