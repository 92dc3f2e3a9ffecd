"""Reminder e-mails to coordinators: what is due, overdue or returned, in each user's language.

`reminder_messages_build` is a pure read: it decides who gets what and renders every message.
The task force's preview page shows its result and `bruprod send-reminders` sends it
(`reminders_send`), so the preview is exactly what would be sent. A ReminderLog row per item
and day keeps a second run on the same day from repeating a reminder.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from plan.models import Measure

from .models import ReminderLog, Report, ReportingPeriod
from .selectors import current_period

Kind = ReminderLog.Kind
KIND_ORDER = (Kind.RETURNED, Kind.OVERDUE, Kind.DUE)


@dataclass(frozen=True)
class ReminderItem:
    kind: str
    measure: Measure
    period: ReportingPeriod
    report: Report | None
    deadline: date
    url: str = ""

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.kind, self.measure.pk, self.period.pk)


@dataclass
class ReminderMessage:
    user: object
    to: str
    language: str
    subject: str
    body: str
    items: list[ReminderItem] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for item in self.items if item.kind == kind)

    @property
    def returned_count(self) -> int:
        return self.count(Kind.RETURNED)

    @property
    def overdue_count(self) -> int:
        return self.count(Kind.OVERDUE)

    @property
    def due_count(self) -> int:
        return self.count(Kind.DUE)


def reminder_recipients():
    """Active coordinators with an e-mail address and an organisation."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True, profile__role=Role.COORDINATOR, profile__organisation__isnull=False
        )
        .exclude(email="")
        .select_related("profile", "profile__organisation")
        .order_by("username")
    )


def _items_for(
    *,
    measures: dict[int, Measure],
    period: ReportingPeriod | None,
    today: date,
    current: dict,
    returned: dict,
) -> list[ReminderItem]:
    items = []
    for measure in measures.values():
        if period is not None and not period.is_closed:
            report = current.get(measure.pk)
            if report is None or report.state == Report.State.DRAFT:
                deadline = period.deadline
                kind = Kind.DUE if today <= deadline else Kind.OVERDUE
                items.append(ReminderItem(kind, measure, period, report, deadline))
        for report in returned.get(measure.pk, []):
            items.append(
                ReminderItem(Kind.RETURNED, measure, report.period, report, report.period.deadline)
            )
    return items


def reminder_messages_build(
    *,
    today: date,
    period: ReportingPeriod | None = None,
    base_url: str = "",
    skip_sent: bool = True,
) -> list[ReminderMessage]:
    """Every reminder message that a run today would send (reads only, sends nothing).

    For each coordinator: the measures their organisation coordinates whose report for the
    current period is not submitted yet (due until the due date plus grace, overdue after), and
    their reports returned for correction in any open period. Items already e-mailed to the
    user today are left out when `skip_sent` is set; a user with nothing left gets no message.
    """
    period = period or current_period(today=today)
    users = list(reminder_recipients())
    org_ids = {u.profile.organisation_id for u in users}
    measures_by_org: dict[int, dict[int, Measure]] = defaultdict(dict)
    for measure in (
        Measure.objects.filter(coordinations__organisation_id__in=org_ids)
        .distinct()
        .order_by("order")
        .prefetch_related("coordinations")
    ):
        for coordination in measure.coordinations.all():
            if coordination.organisation_id in org_ids:
                measures_by_org[coordination.organisation_id][measure.pk] = measure
    all_measure_ids = {pk for ms in measures_by_org.values() for pk in ms}
    reports = Report.objects.filter(measure_id__in=all_measure_ids).select_related("period")
    current = {r.measure_id: r for r in reports.filter(period=period)} if period else {}
    returned: dict[int, list[Report]] = defaultdict(list)
    for report in reports.returned().filter(period__is_closed=False).order_by("period__start"):
        returned[report.measure_id].append(report)
    sent = set()
    if skip_sent:
        sent = set(
            ReminderLog.objects.filter(sent_on=today, user__in=users).values_list(
                "user_id", "kind", "measure_id", "period_id"
            )
        )
    messages = []
    for user in users:
        items = [
            item
            for item in _items_for(
                measures=measures_by_org.get(user.profile.organisation_id, {}),
                period=period,
                today=today,
                current=current,
                returned=returned,
            )
            if (user.pk, *item.key) not in sent
        ]
        if not items:
            continue
        items.sort(key=lambda i: (KIND_ORDER.index(i.kind), i.period.start, i.measure.order))
        messages.append(
            reminder_message_render(user=user, items=items, today=today, base_url=base_url)
        )
    return messages


def reminder_message_render(
    *, user, items: list[ReminderItem], today: date, base_url: str = ""
) -> ReminderMessage:
    """Render one user's message with the gettext templates, in the user's language."""
    language = getattr(getattr(user, "profile", None), "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        linked = [
            ReminderItem(
                i.kind,
                i.measure,
                i.period,
                i.report,
                i.deadline,
                base_url.rstrip("/")
                + reverse("monitoring:report_edit", args=[i.measure.code, i.period.key]),
            )
            for i in items
        ]
        context = {
            "user": user,
            "organisation": user.profile.organisation,
            "today": today,
            "returned": [i for i in linked if i.kind == Kind.RETURNED],
            "overdue": [i for i in linked if i.kind == Kind.OVERDUE],
            "due": [i for i in linked if i.kind == Kind.DUE],
            "workspace_url": base_url.rstrip("/") + reverse("monitoring:workspace"),
            "count": len(linked),
        }
        subject = " ".join(
            render_to_string("monitoring/email/reminder_subject.txt", context).split()
        )
        # Plain text, not a SafeString: the preview page must escape it like any user-provided text.
        body = render_to_string("monitoring/email/reminder_body.txt", context).strip() + "\n"
    return ReminderMessage(
        user=user, to=user.email, language=language, subject=subject, body=body, items=linked
    )


def reminders_send(*, messages: list[ReminderMessage], today: date, connection=None) -> int:
    """Send each message through Django's e-mail settings and log its items; returns how many went."""
    connection = connection or get_connection()
    sent = 0
    for message in messages:
        email = EmailMessage(
            subject=message.subject, body=message.body, to=[message.to], connection=connection
        )
        with transaction.atomic():
            ReminderLog.objects.bulk_create(
                [
                    ReminderLog(
                        user=message.user,
                        sent_on=today,
                        kind=i.kind,
                        measure=i.measure,
                        period=i.period,
                    )
                    for i in message.items
                ],
                ignore_conflicts=True,
            )
            # Sent inside the transaction: if sending fails, nothing is logged and the next run retries.
            email.send(fail_silently=False)
        sent += 1
    return sent
