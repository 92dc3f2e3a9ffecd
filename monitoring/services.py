"""Writes of implementation monitoring. Every write checks access here, on the server, and is
kept in history (django-simple-history records who, when and what); each service writes its own
history reason (`_change_reason`), never the view that calls it.

Report workflow:  draft → submitted → validated (published)
                           submitted → returned → (edit) → submitted …
A validated report and a report of a closed period can no longer change.
"""

from __future__ import annotations

import mimetypes
import os
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from plan.models import Measure

from .models import Comment, Evidence, ImplementationStatus, Milestone, Report, ReportingPeriod

S = Report.State
TRANSITIONS = {
    "submit": (Report.SUBMITTABLE_STATES, S.SUBMITTED),
    "return": (Report.REVIEWABLE_STATES, S.RETURNED),
    "validate": (Report.REVIEWABLE_STATES, S.VALIDATED),
}
EDITABLE_STATES = Report.EDITABLE_STATES
REPORT_FIELDS = (
    "status",
    "progress",
    "narrative_nl",
    "narrative_fr",
    "next_steps",
    "risks",
    "budget_committed",
    "budget_spent",
)


# The version an editor sends when they saw no report yet: "create it". A report someone else
# created meanwhile is then a conflict, never overwritten (see report_save).
NEW = 0


class TransitionNotAllowed(ValidationError):
    pass


class ConcurrentEditError(Exception):
    """Someone saved the report after the editor loaded it; carries what they changed."""

    def __init__(self, report: Report, changes: list[tuple[str, object, object]]):
        self.report = report
        self.changes = changes
        super().__init__(_("This report was changed by someone else while you were editing it."))


@dataclass
class ReportData:
    """Validated input of a report form, API call or import row."""

    status: ImplementationStatus
    progress: int | None = None
    narrative_nl: str = ""
    narrative_fr: str = ""
    next_steps: str = ""
    risks: str = ""
    budget_committed: Decimal | None = None
    budget_spent: Decimal | None = None


def _check_period_open(period: ReportingPeriod) -> None:
    if period.is_closed:
        raise ValidationError(
            _("The period %(period)s is closed: its reports can no longer change.")
            % {"period": period.key}
        )


def report_changes_since(report: Report, version: int) -> list[tuple[str, object, object]]:
    """Field changes made to the report after the given version (for the conflict message);
    after NEW (the editor saw no report), everything the other person wrote."""
    if version == NEW:
        return [
            (field, None, getattr(report, field))
            for field in REPORT_FIELDS
            if getattr(report, field) not in (None, "")
        ]
    records = list(report.history.filter(version__gte=version).order_by("history_date"))
    if len(records) < 2:
        return []
    delta = records[-1].diff_against(records[0])
    return [
        (change.field, change.old, change.new)
        for change in delta.changes
        if change.field not in ("version", "updated_at")
    ]


def _locked_report(report: Report, expected_version: int | None) -> Report:
    """Reload the report under a row lock and refuse if it moved since the editor loaded it.
    Every write says which version it read: no version is a ValidationError, never a blind
    overwrite."""
    current = (
        Report.objects.select_for_update()
        .select_related("period", "measure", "status")
        .get(pk=report.pk)
    )
    if expected_version is None:
        raise ValidationError(
            {
                "version": _("This report exists: send the version you read (now %(version)s).")
                % {"version": current.version}
            }
        )
    if current.version != expected_version:
        raise ConcurrentEditError(current, report_changes_since(current, expected_version))
    return current


def _validate_data(data: ReportData) -> None:
    errors = {}
    if data.progress is not None and not 0 <= data.progress <= 100:
        errors["progress"] = _("Progress must be between 0 and 100.")
    for field in ("budget_committed", "budget_spent"):
        value = getattr(data, field)
        if value is not None and value < 0:
            errors[field] = _("An amount cannot be negative.")
    if (
        data.budget_committed is not None
        and data.budget_spent is not None
        and data.budget_spent > data.budget_committed
    ):
        errors["budget_spent"] = _("The budget spent cannot exceed the budget committed.")
    if data.status.is_completed and data.progress is not None and data.progress < 100:
        errors["progress"] = _("A completed measure has 100% progress.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def report_save(
    *,
    user,
    measure: Measure,
    period: ReportingPeriod,
    data: ReportData,
    expected_version: int | None = None,
) -> Report:
    """Create or update the draft report of a measure for a period.

    `expected_version` is the version the editor read. Updating an existing report needs it: a
    stale one is a ConcurrentEditError, none a ValidationError on `version`. NEW (0) says the
    editor saw no report: if someone else created it meanwhile, that is a ConcurrentEditError too
    (the database's one-report-per-measure-and-period constraint decides a simultaneous create).
    None is accepted for a create only.
    """
    if not access.can_report_on(user, measure):
        raise PermissionDenied(_("You cannot report on measure %(code)s.") % {"code": measure.code})
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    _check_period_open(period)
    _validate_data(data)
    report = _report_of(measure, period)
    if report is None:
        if expected_version not in (None, NEW):
            raise ValidationError(
                {
                    "version": _(
                        "There is no report to update any more (you read version %(version)s). Reload it."
                    )
                    % {"version": expected_version}
                }
            )
        report = Report(
            measure=measure,
            period=period,
            created_by=user,
            organisation_id=access.user_organisation_id(user),
        )
    else:
        # NEW: the editor saw no report, so the one here was written by someone else meanwhile.
        report = _locked_report(report, expected_version)
        if report.state not in EDITABLE_STATES:
            raise TransitionNotAllowed(
                _("A %(state)s report cannot be edited.")
                % {"state": report.get_state_display().lower()}
            )
        if expected_version is None:
            raise ValidationError(
                {
                    "version": _("This report exists: send the version you read (now %(version)s).")
                    % {"version": report.version}
                }
            )
    for field in REPORT_FIELDS:
        setattr(report, field, getattr(data, field))
    report._change_reason = "save"
    if report.pk is not None:
        report.save()
        return report
    try:
        # In a savepoint: the loser of a simultaneous create gets a conflict, and the caller's
        # transaction (an import's, a test's) stays usable on PostgreSQL.
        with transaction.atomic():
            report.save()
    except IntegrityError:
        winner = (
            Report.objects.select_related("period", "measure", "status")
            .filter(measure=measure, period=period)
            .first()
        )
        if winner is None:  # another constraint failed, not the one-report rule
            raise
        raise ConcurrentEditError(winner, report_changes_since(winner, NEW)) from None
    return report


def _report_of(measure: Measure, period: ReportingPeriod) -> Report | None:
    return Report.objects.filter(measure=measure, period=period).first()


def _transition(report: Report, action: str) -> None:
    allowed, target = TRANSITIONS[action]
    if report.state not in allowed:
        raise TransitionNotAllowed(
            _("A report in state “%(state)s” cannot be %(action)s.")
            % {"state": report.get_state_display(), "action": _action_label(action)}
        )
    report.state = target


def _action_label(action: str) -> str:
    return {"submit": _("submitted"), "return": _("returned"), "validate": _("validated")}[action]


@transaction.atomic
def report_submit(*, user, report: Report, expected_version: int | None) -> Report:
    if not access.can_report_on(user, report.measure):
        raise PermissionDenied(
            _("You cannot report on measure %(code)s.") % {"code": report.measure.code}
        )
    report = _locked_report(report, expected_version)
    _check_period_open(report.period)
    _transition(report, "submit")
    report.submitted_at = timezone.now()
    report.submitted_by = user
    report._change_reason = "submit"
    report.save()
    return report


@transaction.atomic
def report_return(*, user, report: Report, comment: str, expected_version: int | None) -> Report:
    if not access.can_validate(user):
        raise PermissionDenied(_("Only the task force returns reports."))
    if not comment.strip():
        raise ValidationError({"comment": _("Say what must be corrected.")})
    report = _locked_report(report, expected_version)
    _check_period_open(report.period)
    _transition(report, "return")
    report.return_comment = comment.strip()
    report._change_reason = "return"
    report.save()
    return report


@transaction.atomic
def report_validate(*, user, report: Report, expected_version: int | None) -> Report:
    if not access.can_validate(user):
        raise PermissionDenied(_("Only the task force validates reports."))
    report = _locked_report(report, expected_version)
    _check_period_open(report.period)
    _transition(report, "validate")
    report.validated_at = timezone.now()
    report.validated_by = user
    report._change_reason = "validate"
    report.save()
    return report


# ---------------------------------------------------------------- milestones and evidence


@transaction.atomic
def milestone_add(
    *,
    user,
    report: Report,
    title_nl: str,
    title_fr: str,
    due_date: date,
    done_date: date | None = None,
) -> Milestone:
    _check_report_editable(user, report)
    if not (title_nl.strip() or title_fr.strip()):
        raise ValidationError({"title_nl": _("Give the milestone a title in Dutch or French.")})
    milestone = Milestone(
        measure=report.measure,
        report=report,
        title_nl=title_nl.strip(),
        title_fr=title_fr.strip(),
        due_date=due_date,
        done_date=done_date,
    )
    milestone._change_reason = "milestone add"
    milestone.save()
    return milestone


def _check_report_editable(user, report: Report) -> None:
    if not access.can_report_on(user, report.measure):
        raise PermissionDenied(
            _("You cannot report on measure %(code)s.") % {"code": report.measure.code}
        )
    _check_period_open(report.period)
    if report.state not in EDITABLE_STATES:
        raise TransitionNotAllowed(
            _("A %(state)s report cannot be edited.")
            % {"state": report.get_state_display().lower()}
        )


# File signatures of the allowed types, so a renamed executable is not taken for a PDF.
MAGIC = {
    ".pdf": (b"%PDF",),
    ".png": (b"\x89PNG",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".ods": (b"PK\x03\x04",),
}


def evidence_file_check(upload: UploadedFile) -> str:
    """Refuse files of a type or size not allowed; return the file's extension."""
    extension = Path(upload.name or "").suffix.lower()
    if extension not in settings.EVIDENCE_EXTENSIONS:
        raise ValidationError(
            {
                "file": _("Files of type %(ext)s are not accepted. Allowed: %(allowed)s.")
                % {"ext": extension or "?", "allowed": ", ".join(settings.EVIDENCE_EXTENSIONS)}
            }
        )
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("The file is larger than %(mb)s MB.")
                % {"mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)}
            }
        )
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    head = upload.read(8)
    upload.seek(0)
    signatures = MAGIC.get(extension)
    if signatures and not any(head.startswith(sig) for sig in signatures):
        raise ValidationError(
            {"file": _("The file's content does not match its type %(ext)s.") % {"ext": extension}}
        )
    if extension in (".csv", ".txt") and b"\x00" in head:
        raise ValidationError(
            {"file": _("The file's content does not match its type %(ext)s.") % {"ext": extension}}
        )
    return extension


@transaction.atomic
def evidence_add(
    *, user, report: Report, title: str, url: str = "", upload: UploadedFile | None = None
) -> Evidence:
    _check_report_editable(user, report)
    if not title.strip():
        raise ValidationError({"title": _("Give the evidence a title.")})
    if bool(url) == bool(upload):
        raise ValidationError({"url": _("Give either a link or a file.")})
    if url:
        if not url.startswith(("https://", "http://")):
            raise ValidationError({"url": _("A link must start with https:// or http://.")})
        evidence = Evidence(
            report=report, kind=Evidence.Kind.LINK, title=title.strip(), url=url, uploaded_by=user
        )
        evidence._change_reason = "evidence add"
        evidence.save()
        return evidence
    extension = evidence_file_check(upload)
    evidence = Evidence(
        report=report,
        kind=Evidence.Kind.FILE,
        title=title.strip(),
        original_name=Path(upload.name).name[:255],
        size=upload.size,
        content_type=mimetypes.types_map.get(extension, "application/octet-stream"),
        uploaded_by=user,
    )
    evidence.file.save(upload.name, upload, save=False)
    evidence._change_reason = "evidence add"
    evidence.save()
    return evidence


# ---------------------------------------------------------------- periods and planning


@transaction.atomic
def period_close(*, user, period: ReportingPeriod) -> ReportingPeriod:
    if not access.can_manage_periods(user):
        raise PermissionDenied(_("Only the task force closes periods."))
    period.is_closed = True
    period.closed_at = timezone.now()
    period.closed_by = user
    period._change_reason = "close"
    period.save()
    return period


@transaction.atomic
def period_reopen(*, user, period: ReportingPeriod) -> ReportingPeriod:
    if not access.can_manage_periods(user):
        raise PermissionDenied(_("Only the task force reopens periods."))
    period.is_closed = False
    period.closed_at = None
    period.closed_by = None
    period._change_reason = "reopen"
    period.save()
    return period


# A period closes by itself this many days after its reporting deadline (due date + grace),
# unless the task force reopened it: late reports can still come in for about one more period.
CLOSE_PAST_PERIODS_AFTER_DAYS = 180


def periods_close_after_days() -> int | None:
    """The setting BRUPROD_CLOSE_PAST_PERIODS_AFTER_DAYS (or the environment variable of that
    name); empty or "never": periods are closed only by hand."""
    value = getattr(settings, "BRUPROD_CLOSE_PAST_PERIODS_AFTER_DAYS", None)
    if value is None:
        value = os.environ.get(
            "BRUPROD_CLOSE_PAST_PERIODS_AFTER_DAYS", str(CLOSE_PAST_PERIODS_AFTER_DAYS)
        )
    value = str(value).strip().lower()
    if value in ("", "never", "none"):
        return None
    return int(value)


@transaction.atomic
def periods_close_past(*, today: date, after_days: int | None) -> list[ReportingPeriod]:
    """THE RULE of closing past periods, applied by `bruprod close-periods` (cron / the task
    runner) and after load-monitoring and setup-demo, never in a request: a period still open
    `after_days` days after its reporting deadline is closed, except one the task force reopened
    by hand (its history says "reopen"). Idempotent: a second run closes nothing."""
    if after_days is None:
        return []
    closed = []
    reopened = set(
        ReportingPeriod.history.filter(history_change_reason="reopen").values_list("id", flat=True)
    )
    for period in ReportingPeriod.objects.filter(is_closed=False).order_by("start"):
        if period.pk in reopened or period.deadline + timedelta(days=after_days) >= today:
            continue
        period.is_closed = True
        period.closed_at = timezone.now()
        period.closed_by = None
        period._change_reason = "close (past deadline)"
        period.save()
        closed.append(period)
    return closed


# ---------------------------------------------------------------- comments


@transaction.atomic
def comment_add(
    *, user, measure: Measure, body: str, visibility: str, parent: Comment | None = None
) -> Comment:
    if not access.can_comment(user):
        raise PermissionDenied(
            _("Only steering committee and industry commission members comment.")
        )
    if not body.strip():
        raise ValidationError({"body": _("The comment is empty.")})
    if visibility not in Comment.Visibility.values:
        raise ValidationError({"visibility": _("Unknown visibility.")})
    if parent is not None and parent.measure_id != measure.pk:
        raise ValidationError({"parent": _("A reply must be on the same measure.")})
    # The task force's own comments need no moderation.
    moderation = (
        Comment.Moderation.APPROVED if access.can_moderate(user) else Comment.Moderation.PENDING
    )
    comment = Comment(
        measure=measure,
        parent=parent,
        author=user,
        body=body.strip(),
        visibility=visibility,
        moderation=moderation,
    )
    comment._change_reason = "comment add"
    comment.save()
    return comment


@transaction.atomic
def comment_moderate(*, user, comment: Comment, approve: bool) -> Comment:
    if not access.can_moderate(user):
        raise PermissionDenied(_("Only the task force moderates comments."))
    comment.moderation = Comment.Moderation.APPROVED if approve else Comment.Moderation.REJECTED
    comment.moderated_by = user
    comment.moderated_at = timezone.now()
    comment._change_reason = "approve" if approve else "reject"
    comment.save()
    return comment
