"""Implementation monitoring: reporting periods, progress reports with a validation workflow,
milestones, evidence, the multi-year execution plan and comments.

The plan's own text (plan.Measure) never changes here; each period gets its own report.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel, TranslatedMixin, VersionedModel


class ImplementationStatus(TranslatedMixin, models.Model):
    """The managed list of implementation statuses, each with a default progress."""

    key = models.SlugField(_("key"), unique=True)
    label_nl = models.CharField(_("label (nl)"), max_length=120)
    label_fr = models.CharField(_("label (fr)"), max_length=120)
    label_en = models.CharField(_("label (en)"), max_length=120)
    default_progress = models.PositiveSmallIntegerField(
        _("default progress (%)"), validators=[MaxValueValidator(100)]
    )
    is_started = models.BooleanField(_("counts as started"), default=True)
    is_completed = models.BooleanField(_("counts as completed"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    plan_statuses = models.ManyToManyField(
        "plan.Status",
        blank=True,
        related_name="implementation_statuses",
        verbose_name=_("2019 statuses mapped to it"),
    )
    history = HistoricalRecords(m2m_fields=[plan_statuses])

    class Meta:
        ordering = ["order"]
        verbose_name = _("implementation status")
        verbose_name_plural = _("implementation statuses")

    def __str__(self):
        return self.label_nl


class ReportingPeriod(TranslatedMixin, TimeStampedModel):
    """A period coordinators report on (e.g. a half-year), with a due date and a grace period."""

    key = models.SlugField(_("key"), unique=True, help_text=_("e.g. 2025-h2"))
    label_nl = models.CharField(_("label (nl)"), max_length=80)
    label_fr = models.CharField(_("label (fr)"), max_length=80)
    label_en = models.CharField(_("label (en)"), max_length=80)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    due_date = models.DateField(_("reports due"))
    grace_days = models.PositiveSmallIntegerField(_("grace period (days)"), default=15)
    is_closed = models.BooleanField(_("closed (locked)"), default=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("closed by"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["start"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")

    def __str__(self):
        return self.key

    @property
    def deadline(self) -> date:
        """THE REPORTING DEADLINE: the last day a report counts as on time (due date + grace)."""
        return self.due_date + timedelta(days=self.grace_days)

    def is_on_time(self, submitted_at: datetime | None) -> bool:
        """Whether a report submitted at this moment is on time: its date *in Brussels* (the
        site's time zone, settings.TIME_ZONE), not in UTC, is at the latest the deadline. A report
        submitted at 00:30 Brussels time on the day after the deadline is late, even though it is
        still the deadline day in UTC."""
        if submitted_at is None:
            return False
        return timezone.localdate(submitted_at, timezone.get_default_timezone()) <= self.deadline


class MeasurePlanning(VersionedModel, TimeStampedModel):
    """The multi-year execution plan of a measure: planned years and its weight in roll-ups."""

    measure = models.OneToOneField(
        "plan.Measure", on_delete=models.CASCADE, related_name="planning", verbose_name=_("measure")
    )
    planned_start_year = models.PositiveSmallIntegerField(
        _("planned start year"), null=True, blank=True
    )
    planned_end_year = models.PositiveSmallIntegerField(
        _("planned end year"), null=True, blank=True
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0)],
        help_text=_("Weight of the measure in progress roll-ups (published)."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("execution planning")
        verbose_name_plural = _("execution planning")

    def __str__(self):
        return f"{self.measure.code} {self.planned_start_year}–{self.planned_end_year}"


class ReportQuerySet(models.QuerySet):
    """The report filters every read uses, spelled once: `Report.objects.validated()` etc."""

    def validated(self) -> ReportQuerySet:
        """Validated (published) reports: the only ones the public and the roll-ups see."""
        return self.filter(state=Report.State.VALIDATED)

    def submitted_or_later(self) -> ReportQuerySet:
        """Reports that left the draft state: submitted, returned or validated."""
        return self.exclude(state=Report.State.DRAFT)

    def awaiting_review(self) -> ReportQuerySet:
        """Submitted reports waiting for the task force to validate or return them."""
        return self.filter(state=Report.State.SUBMITTED)

    def returned(self) -> ReportQuerySet:
        """Reports the task force returned for correction."""
        return self.filter(state=Report.State.RETURNED)

    def as_of(self, period: ReportingPeriod) -> ReportQuerySet:
        """Reports of the period and of the periods before it."""
        return self.filter(period__start__lte=period.start)


class Report(VersionedModel, TimeStampedModel):
    """What a coordinating body reports on one measure for one period."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for correction")
        VALIDATED = "validated", _("Validated (published)")

    # The workflow's state rules, read by monitoring.services and accounts.access.
    EDITABLE_STATES = frozenset({State.DRAFT, State.RETURNED})
    SUBMITTABLE_STATES = frozenset({State.DRAFT, State.RETURNED})
    REVIEWABLE_STATES = frozenset({State.SUBMITTED})

    objects = ReportQuerySet.as_manager()

    measure = models.ForeignKey(
        "plan.Measure", on_delete=models.PROTECT, related_name="reports", verbose_name=_("measure")
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="reports", verbose_name=_("period")
    )
    organisation = models.ForeignKey(
        "reference.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("reporting body"),
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    status = models.ForeignKey(
        ImplementationStatus,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("implementation status"),
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("Leave empty to use the status's default progress."),
    )
    narrative_nl = models.TextField(_("progress narrative (nl)"), blank=True)
    narrative_fr = models.TextField(_("progress narrative (fr)"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    risks = models.TextField(_("risks and blockers"), blank=True)
    budget_committed = models.DecimalField(
        _("budget committed (€)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    budget_spent = models.DecimalField(
        _("budget spent (€)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    return_comment = models.TextField(_("comment of the task force"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    validated_at = models.DateTimeField(_("validated at"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("validated by"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["period__start", "measure__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "period"], name="one_report_per_measure_and_period"
            )
        ]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self):
        return f"{self.measure.code} · {self.period.key} ({self.state})"

    @property
    def effective_progress(self) -> int:
        """The reported progress, or the status's default when none was given (the one rule)."""
        return self.progress if self.progress is not None else self.status.default_progress

    def narrative(self, lang: str) -> str:
        """The narrative in the asked language, else the other official language."""
        first = self.narrative_fr if lang == "fr" else self.narrative_nl
        return first or self.narrative_nl or self.narrative_fr

    @property
    def is_validated(self) -> bool:
        return self.state == self.State.VALIDATED

    @property
    def submitted_on_time(self) -> bool:
        """Submitted by its period's deadline (ReportingPeriod.is_on_time: the one rule)."""
        return self.period.is_on_time(self.submitted_at)


class MilestoneQuerySet(models.QuerySet):
    def of_validated_reports(self) -> MilestoneQuerySet:
        """Milestones published with a validated report (what the public may see)."""
        return self.filter(report__state=Report.State.VALIDATED)


class Milestone(TranslatedMixin, TimeStampedModel):
    measure = models.ForeignKey(
        "plan.Measure",
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=_("measure"),
    )
    report = models.ForeignKey(
        Report,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="milestones",
        verbose_name=_("reported in"),
    )
    title_nl = models.CharField(_("title (nl)"), max_length=300, blank=True)
    title_fr = models.CharField(_("title (fr)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (en)"), max_length=300, blank=True)
    due_date = models.DateField(_("due date"))
    done_date = models.DateField(_("done on"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    history = HistoricalRecords()

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["due_date"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self):
        return f"{self.measure.code}: {self.title_nl or self.title_fr}"


def evidence_path(instance, filename: str) -> str:
    """Stored under a random name: the user's file name is kept in `original_name` only."""
    return (
        f"evidence/{instance.report.period.key}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"
    )


class Evidence(TimeStampedModel):
    class Kind(models.TextChoices):
        LINK = "link", _("Link")
        FILE = "file", _("File")

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("report")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("link"), blank=True)
    file = models.FileField(_("file"), upload_to=evidence_path, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    content_type = models.CharField(_("content type"), max_length=120, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self):
        return self.title


class Comment(TimeStampedModel):
    """A comment of a steering committee or industry commission member on a measure."""

    class Visibility(models.TextChoices):
        INTERNAL = "internal", _("Internal")
        PUBLIC = "public", _("Public")

    class Moderation(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    measure = models.ForeignKey(
        "plan.Measure", on_delete=models.CASCADE, related_name="comments", verbose_name=_("measure")
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        verbose_name=_("reply to"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="comments",
        verbose_name=_("author"),
    )
    body = models.TextField(_("comment"))
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    moderation = models.CharField(
        _("moderation"), max_length=10, choices=Moderation.choices, default=Moderation.PENDING
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("moderated by"),
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self):
        return f"{self.measure.code}: {self.body[:40]}"


class ReminderLog(models.Model):
    """One reminder item e-mailed to a user on a day, so a second run that day does not repeat it."""

    class Kind(models.TextChoices):
        DUE = "due", _("Due")
        OVERDUE = "overdue", _("Overdue")
        RETURNED = "returned", _("Returned for correction")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recipient"),
    )
    sent_on = models.DateField(_("sent on"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    measure = models.ForeignKey(
        "plan.Measure", on_delete=models.CASCADE, related_name="+", verbose_name=_("measure")
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="+", verbose_name=_("period")
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "sent_on", "kind", "measure", "period"],
                name="one_reminder_per_item_and_day",
            )
        ]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")

    def __str__(self):
        return f"{self.user} · {self.sent_on} · {self.kind} {self.measure_id}/{self.period_id}"
