"""Demo accounts (one per role) and a clearly labelled, realistic demo history of reports 2020–2026.

Never runs under production settings. Deterministic (seeded), idempotent: demo reports and
milestones are recognisable by `is_demo` and are replaced on each run.
"""

from __future__ import annotations

import os
import random
import secrets
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import Profile, Role
from plan.models import Measure
from reference.models import Organisation

from .models import ImplementationStatus, Milestone, Report, ReportingPeriod
from .reference import initial_status_for

DEMO_ACCOUNTS = [
    ("demo-taskforce", Role.TASKFORCE, None),
    ("demo-coordinator", Role.COORDINATOR, "actiris"),
    ("demo-steering", Role.STEERING, None),
    ("demo-commission", Role.COMMISSION, None),
    ("demo-admin", Role.ADMIN, None),
]
DEMO_LABEL = "[DEMO] "


def demo_password() -> str:
    return os.environ.get("BRUPROD_DEMO_PASSWORD") or secrets.token_urlsafe(12)


def demo_accounts_setup(*, password: str) -> list[str]:
    if not getattr(settings, "DEMO_ACCOUNTS_ALLOWED", False):
        raise ImproperlyConfigured("Demo accounts never exist under production settings.")
    users = get_user_model()
    names = []
    for username, role, org_slug in DEMO_ACCOUNTS:
        user, _ = users.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.org"}
        )
        user.is_staff = role in (Role.TASKFORCE, Role.ADMIN)
        user.is_superuser = role == Role.ADMIN
        user.set_password(password)
        user.save()
        organisation = Organisation.objects.filter(slug=org_slug).first() if org_slug else None
        Profile.objects.update_or_create(
            user=user, defaults={"role": role, "organisation": organisation, "is_demo": True}
        )
        names.append(username)
    return names


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


@transaction.atomic
def demo_history_setup(*, today: date | None = None, seed: int = 2019) -> dict[str, int]:
    """Replace the demo reports: validated history for finished periods, a live last period."""
    if not getattr(settings, "DEMO_ACCOUNTS_ALLOWED", False):
        raise ImproperlyConfigured("Demo data never exists under production settings.")
    today = today or timezone.localdate()
    rng = random.Random(seed)
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=[a[0] for a in DEMO_ACCOUNTS])
    }
    coordinator, taskforce = users.get("demo-coordinator"), users.get("demo-taskforce")
    Milestone.objects.filter(is_demo=True).delete()
    Report.objects.filter(is_demo=True).delete()
    statuses = {s.key: s for s in ImplementationStatus.objects.all()}
    ladder = ["not_started", "preparation", "in_progress", "advanced", "completed"]
    periods = list(ReportingPeriod.objects.filter(end__lt=today).order_by("start"))
    if not periods:
        return {"reports": 0, "milestones": 0}
    last = periods[-1]
    reports, milestones = [], []
    for measure in Measure.objects.prefetch_related("coordinations").order_by("order"):
        start = initial_status_for(measure) or statuses["not_started"]
        step = ladder.index(start.key) if start.key in ladder else 0
        progress = start.default_progress
        organisation_id = next((c.organisation_id for c in measure.coordinations.all()), None)
        speed = rng.choice([0.0, 0.5, 1.0, 1.5, 2.0])  # some measures never move
        for period in periods:
            if rng.random() < 0.25:  # bodies do not report every period
                continue
            if rng.random() < speed / 3 and step < len(ladder) - 1:
                step += 1
            status = statuses[ladder[step]]
            progress = (
                100
                if status.is_completed
                else min(95, max(progress, status.default_progress + rng.randint(0, 15)))
            )
            is_last = period == last
            state = Report.State.VALIDATED
            if is_last:
                state = rng.choice(
                    [
                        Report.State.VALIDATED,
                        Report.State.SUBMITTED,
                        Report.State.DRAFT,
                        Report.State.RETURNED,
                    ]
                )
            submitted = period.due_date - timedelta(days=rng.randint(-20, 10))
            reports.append(
                Report(
                    measure=measure,
                    period=period,
                    organisation_id=organisation_id,
                    state=state,
                    status=status,
                    progress=progress,
                    narrative_nl=f"{DEMO_LABEL}Voorbeeldrapport voor {measure.code}, {period.label_nl}: stand van zaken {progress} %.",
                    narrative_fr=f"{DEMO_LABEL}Rapport d'exemple pour {measure.code}, {period.label_fr} : état d'avancement {progress} %.",
                    next_steps=f"{DEMO_LABEL}Next steps for {measure.code}.",
                    budget_committed=rng.choice([None, 50000, 120000, 250000]),
                    is_demo=True,
                    created_by=coordinator,
                    submitted_at=_at(submitted) if state != Report.State.DRAFT else None,
                    submitted_by=coordinator if state != Report.State.DRAFT else None,
                    validated_at=_at(submitted + timedelta(days=14))
                    if state == Report.State.VALIDATED
                    else None,
                    validated_by=taskforce if state == Report.State.VALIDATED else None,
                    return_comment=f"{DEMO_LABEL}Please add the budget spent."
                    if state == Report.State.RETURNED
                    else "",
                )
            )
        if rng.random() < 0.4:
            due = date(rng.randint(2021, 2026), rng.choice([3, 6, 9, 12]), 30)
            done = (
                due - timedelta(days=rng.randint(0, 60))
                if due < today and rng.random() < 0.6
                else None
            )
            milestones.append(
                Milestone(
                    measure=measure,
                    title_nl=f"{DEMO_LABEL}Tussentijdse mijlpaal {measure.code}",
                    title_fr=f"{DEMO_LABEL}Jalon intermédiaire {measure.code}",
                    due_date=due,
                    done_date=done,
                    is_demo=True,
                )
            )
    bulk_create_with_history(
        reports, Report, batch_size=500, default_user=coordinator, default_change_reason="demo data"
    )
    saved = {(r.measure_id, r.period_id): r for r in Report.objects.filter(is_demo=True)}
    for milestone in milestones:
        candidates = [
            r for (m, _p), r in saved.items() if m == milestone.measure_id and r.is_validated
        ]
        milestone.report = candidates[-1] if candidates else None
    bulk_create_with_history(
        milestones, Milestone, batch_size=500, default_change_reason="demo data"
    )
    return {"reports": len(reports), "milestones": len(milestones)}
