"""Every access rule of Bruprod in one place; views, API and services all ask here.

Roles: coordinator (reports on the measures their organisation coordinates), task force
(manages the plan, validates reports, moderates comments), steering committee and industry
commission members (read internal data, comment), administrator (everything). Anonymous
visitors are the public: validated, public data only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from .models import Role

if TYPE_CHECKING:
    from django.db.models import QuerySet

INTERNAL_ROLES = {Role.TASKFORCE, Role.STEERING, Role.COMMISSION, Role.ADMIN}
COMMENTING_ROLES = {Role.STEERING, Role.COMMISSION, Role.TASKFORCE, Role.ADMIN}


def user_role(user) -> str | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    profile = getattr(user, "profile", None)
    return profile.role if profile else None


def user_organisation_id(user) -> int | None:
    profile = getattr(user, "profile", None) if getattr(user, "is_authenticated", False) else None
    return profile.organisation_id if profile else None


def is_taskforce(user) -> bool:
    return user_role(user) in (Role.TASKFORCE, Role.ADMIN)


def can_view_internal(user) -> bool:
    """Non-public monitoring data: drafts, returned reports, compliance, internal comments."""
    return user_role(user) in INTERNAL_ROLES


def can_report_on(user, measure) -> bool:
    """Coordinators report only on measures their organisation coordinates; the task force on all."""
    role = user_role(user)
    if role in (Role.TASKFORCE, Role.ADMIN):
        return True
    if role != Role.COORDINATOR:
        return False
    organisation_id = user_organisation_id(user)
    return (
        organisation_id is not None
        and measure.coordinations.filter(organisation_id=organisation_id).exists()
    )


def measures_reportable_by(user, measures: QuerySet) -> QuerySet:
    """`can_report_on` as a filter on the caller's measures queryset (this module imports no
    domain model: it sits below them in the layers)."""
    role = user_role(user)
    if role in (Role.TASKFORCE, Role.ADMIN):
        return measures
    organisation_id = user_organisation_id(user)
    if role != Role.COORDINATOR or organisation_id is None:
        return measures.none()
    return measures.filter(coordinations__organisation_id=organisation_id).distinct()


def can_see_report(user, report) -> bool:
    """Validated reports are public; other states only for their authors' body and internal roles."""
    if report.is_validated:
        return True
    if can_view_internal(user):
        return True
    return can_report_on(user, report.measure)


def reports_visible_to(user, reports: QuerySet) -> QuerySet:
    """`can_see_report` as a filter on the caller's reports queryset: validated reports, and
    every report on a measure the user may report on."""
    validated = Q(state=reports.model.State.VALIDATED)
    if can_view_internal(user):
        return reports
    if user_role(user) != Role.COORDINATOR or user_organisation_id(user) is None:
        return reports.filter(validated)
    mine = Q(measure__coordinations__organisation_id=user_organisation_id(user))
    return reports.filter(validated | mine).distinct()


def can_report(user) -> bool:
    """Whether the user writes progress reports (coordinators for their body; the task force)."""
    return user_role(user) in (Role.COORDINATOR, Role.TASKFORCE, Role.ADMIN)


def can_validate(user) -> bool:
    return is_taskforce(user)


# ---------------------------------------------------------------- what a user may do with a report
# The same rules as monitoring.services applies on every write; pages use them to show the actions.


def can_edit_report(user, report) -> bool:
    """Edit the report's content, milestones and evidence: a reporter, while it is a draft or
    returned and its period is open."""
    return (
        report.state in report.EDITABLE_STATES
        and not report.period.is_closed
        and can_report_on(user, report.measure)
    )


def can_submit_report(user, report) -> bool:
    return (
        report.state in report.SUBMITTABLE_STATES
        and not report.period.is_closed
        and can_report_on(user, report.measure)
    )


def can_validate_report(user, report) -> bool:
    return (
        report.state in report.REVIEWABLE_STATES
        and not report.period.is_closed
        and can_validate(user)
    )


def can_return_report(user, report) -> bool:
    return can_validate_report(user, report)


def can_see_report_history(user, report) -> bool:
    """The report's change history and internal fields: internal roles and its reporters."""
    return can_see_report(user, report) and (
        can_view_internal(user) or can_report_on(user, report.measure)
    )


def can_manage_periods(user) -> bool:
    return is_taskforce(user)


def can_import_reports(user) -> bool:
    return is_taskforce(user)


def can_comment(user) -> bool:
    return user_role(user) in COMMENTING_ROLES


def can_moderate(user) -> bool:
    return is_taskforce(user)


def can_use_workspace(user) -> bool:
    return user_role(user) is not None


def can_override_classification(user) -> bool:
    """Change the plan-sector classification of an enterprise (economy): task force and staff."""
    return bool(getattr(user, "is_authenticated", False) and (user.is_staff or is_taskforce(user)))


# ---------------------------------------------------------------- the ecosystem map


def can_edit_ecosystem(user) -> bool:
    """Edit actors and relations, merge duplicates, accept suggestions and proposals, run the
    metrics: the task force and staff."""
    return bool(getattr(user, "is_authenticated", False) and (user.is_staff or is_taskforce(user)))


def can_propose_ecosystem(user) -> bool:
    """Propose additions and corrections to the ecosystem map (moderated by the task force):
    coordinating bodies and the industry commission; editors may too."""
    return can_edit_ecosystem(user) or user_role(user) in (Role.COORDINATOR, Role.COMMISSION)
