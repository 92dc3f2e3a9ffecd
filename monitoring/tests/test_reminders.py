"""Reminder e-mails: who gets what (due, overdue, returned), in which language, once a day."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Role
from accounts.tests.factories import user_with_role
from monitoring.emails import reminder_messages_build, reminders_send
from monitoring.models import ReminderLog, Report, ReportingPeriod
from monitoring.tests.factories_io import (  # noqa: F401
    MEASURE_A,
    MEASURE_B,
    ORG_A,
    ReportFactory,
    _english,
    _reference,
    _users,
)
from plan.models import Measure
from reference.models import Organisation

pytestmark = pytest.mark.django_db

IN_GRACE = date(2025, 8, 10)  # 2025-h1: due 30 July, grace until 14 August
AFTER_GRACE = date(2025, 8, 20)


def codes(message, kind):
    return [i.measure.code for i in message.items if i.kind == kind]


def actiris_codes() -> set[str]:
    return set(
        Measure.objects.filter(coordinations__organisation__slug=ORG_A).values_list(
            "code", flat=True
        )
    )


def test_each_coordinator_gets_their_own_measures_due(users):
    messages = {m.user.username: m for m in reminder_messages_build(today=IN_GRACE)}
    assert set(messages) == {"coord-a", "coord-b"}  # only coordinators; other roles never
    a = messages["coord-a"]
    assert set(codes(a, "due")) == actiris_codes() and MEASURE_B not in codes(a, "due")
    assert {i.period.key for i in a.items} == {"2025-h1"}
    assert a.to == "coord-a@example.org"
    assert f"/nl/monitoring/reports/{MEASURE_A}/2025-h1/edit/" in a.body


def test_submitted_reports_are_not_due_drafts_are_and_late_ones_are_overdue(users):
    ReportFactory(state=Report.State.SUBMITTED)
    ReportFactory(measure=Measure.objects.get(code="1.1.3"), state=Report.State.DRAFT)
    a = next(m for m in reminder_messages_build(today=AFTER_GRACE) if m.user.username == "coord-a")
    assert MEASURE_A not in codes(a, "overdue") + codes(a, "due")
    assert "1.1.3" in codes(a, "overdue") and codes(a, "due") == []


def test_returned_reports_of_open_periods_are_reminded_with_the_task_force_comment(users):
    ReportFactory(
        period=ReportingPeriod.objects.get(key="2024-h2"),
        state=Report.State.RETURNED,
        return_comment="Budget ontbreekt",
    )
    ReportFactory(
        measure=Measure.objects.get(code="1.1.3"),
        period=ReportingPeriod.objects.get(key="2024-h1"),
        state=Report.State.RETURNED,
    )
    ReportingPeriod.objects.filter(key="2024-h1").update(is_closed=True)
    a = next(m for m in reminder_messages_build(today=IN_GRACE) if m.user.username == "coord-a")
    assert [(i.measure.code, i.period.key) for i in a.items if i.kind == "returned"] == [
        (MEASURE_A, "2024-h2")
    ]
    assert "Budget ontbreekt" in a.body


def test_messages_are_in_the_users_language(users):
    messages = {m.user.username: m for m in reminder_messages_build(today=IN_GRACE)}
    a, b = messages["coord-a"], messages["coord-b"]
    assert (a.language, b.language) == ("nl", "fr")
    assert "/fr/monitoring/" in b.body and "/nl/monitoring/" in a.body
    # Titles of measures in the user's language.
    assert Measure.objects.get(code=MEASURE_B).title_fr.split()[0] in b.body
    assert Measure.objects.get(code=MEASURE_A).title_nl.split()[0] in a.body


def test_coordinators_without_email_organisation_or_active_account_get_nothing(users):
    user_with_role(Role.COORDINATOR, ORG_A, username="no-mail", email="")
    user_with_role(Role.COORDINATOR, None, username="no-org")
    user_with_role(Role.COORDINATOR, ORG_A, username="gone", is_active=False)
    names = {m.user.username for m in reminder_messages_build(today=IN_GRACE)}
    assert names == {"coord-a", "coord-b"}


def test_closed_period_has_nothing_due(users):
    ReportingPeriod.objects.filter(key="2025-h1").update(is_closed=True)
    messages = reminder_messages_build(
        today=IN_GRACE, period=ReportingPeriod.objects.get(key="2025-h1")
    )
    assert messages == []


def test_send_uses_django_email_and_a_second_run_the_same_day_sends_nothing(users):
    sent = reminders_send(
        messages=reminder_messages_build(today=IN_GRACE, base_url="https://bruprod.example"),
        today=IN_GRACE,
    )
    assert sent == 2 and len(mail.outbox) == 2
    email = next(e for e in mail.outbox if e.to == ["coord-a@example.org"])
    assert "https://bruprod.example/nl/monitoring/reports/" in email.body
    assert ReminderLog.objects.filter(user__username="coord-a", sent_on=IN_GRACE).count() == len(
        actiris_codes()
    )
    assert reminder_messages_build(today=IN_GRACE) == []
    # A new item the same day is sent, alone; the next day everything is reminded again.
    ReportFactory(state=Report.State.RETURNED, period=ReportingPeriod.objects.get(key="2024-h2"))
    again = reminder_messages_build(today=IN_GRACE)
    assert [(m.user.username, [i.kind for i in m.items]) for m in again] == [
        ("coord-a", ["returned"])
    ]
    assert len(reminder_messages_build(today=date(2025, 8, 11))) == 2


def test_send_reminders_command_and_its_dry_run(users, capsys):
    call_command("send_reminders", "--today", "2025-08-10", "--dry-run")
    out = capsys.readouterr().out
    assert "To: coord-a@example.org [nl]" in out and "2 message(s) would be sent" in out
    assert mail.outbox == []
    call_command("send_reminders", "--today", "2025-08-10", "--base-url", "https://x.example")
    assert len(mail.outbox) == 2
    call_command("send_reminders", "--today", "2025-08-10")
    assert len(mail.outbox) == 2  # idempotent within the day


def test_preview_page_shows_exactly_what_would_be_sent(client, users):
    client.force_login(users["taskforce"])
    response = client.get(
        reverse("monitoring:reminders_preview"), {"today": "2025-08-10", "period": "2025-h1"}
    )
    assert response.status_code == 200
    built = {
        m.user.username: m
        for m in reminder_messages_build(today=IN_GRACE, base_url="http://testserver/")
    }
    page = response.content.decode()
    for message in built.values():
        assert escape(message.subject) in page
        assert escape(message.body) in page
    exported = client.get(
        reverse("monitoring:reminders_preview"), {"today": "2025-08-10", "format": "json"}
    ).json()
    assert {row["username"] for row in exported} == {"coord-a", "coord-b"}
    assert sum(1 for row in exported if row["username"] == "coord-a") == len(actiris_codes())
    assert Organisation.objects.get(slug=ORG_A).name_nl in page


def test_preview_escapes_text_from_reports(client, users):
    ReportFactory(
        period=ReportingPeriod.objects.get(key="2024-h2"),
        state=Report.State.RETURNED,
        return_comment="<script>alert(1)</script>",
    )
    client.force_login(users["taskforce"])
    page = client.get(
        reverse("monitoring:reminders_preview"), {"today": "2025-08-10"}
    ).content.decode()
    assert (
        "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    )
