"""Every access rule of Bruprod in one place; views, API and services all ask here.

Roles: coordinator (reports on the measures their organisation coordinates), task force
(manages the plan, validates reports, moderates comments), steering committee and industry
commission members (read internal data, comment), administrator (everything). Anonymous
visitors are the public: validated, public data only.
"""

from __future__ import annotations

from .models import Role

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


def can_see_report(user, report) -> bool:
    """Validated reports are public; other states only for their authors' body and internal roles."""
    if report.state == "validated":
        return True
    if can_view_internal(user):
        return True
    return can_report_on(user, report.measure)


def can_validate(user) -> bool:
    return is_taskforce(user)


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
