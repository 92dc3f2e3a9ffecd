"""The reporting workflow: a coordinator drafts and submits, the task force returns or validates.

Views only parse and render; monitoring.services decides and checks access.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access
from plan.models import Measure

from . import presenters, selectors, services
from .forms import EvidenceForm, MilestoneForm, ReportForm, ReturnForm, ValidateForm
from .models import ReportingPeriod
from .reference import initial_status_for


def _workspace_required(request):
    if not access.can_use_workspace(request.user):
        raise PermissionDenied(_("Your account has no role in the plan's monitoring."))


def _form_errors(form, error: ValidationError) -> None:
    """Attach a service's ValidationError to the form's fields (or to the form as a whole)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def workspace(request):
    _workspace_required(request)
    if not access.can_report(request.user):
        # The steering committee and the industry commission write no reports: their work is
        # on the internal dashboard.
        return redirect("monitoring:dashboard_internal")
    today = timezone.localdate()
    period = selectors.period_chosen(key=request.GET.get("period"), today=today)
    measures = list(
        selectors.workspace_measures(user=request.user).select_related("sector", "challenge")
    )
    reports = selectors.reports_of_period(period=period, measures=measures)
    can_validate = access.can_validate(request.user)
    overdue = selectors.reports_overdue(period=period, measures=measures, today=today)
    context = {
        "period": period,
        "periods": selectors.periods_started(today=today),
        "rows": [(m, reports.get(m.pk), m.pk in overdue) for m in measures],
        "overdue_count": len(overdue),
        "past_deadline": bool(period and today > period.deadline),
        "role": access.user_role(request.user),
        "can_validate": can_validate,
        "pending": selectors.reports_awaiting_review().count() if can_validate else 0,
    }
    return render(request, "monitoring/workspace.html", context)


@login_required
def report_edit(request, code: str, period: str):
    _workspace_required(request)
    measure = get_object_or_404(Measure, code=code)
    period_obj = get_object_or_404(ReportingPeriod, key=period)
    if not access.can_report_on(request.user, measure):
        raise PermissionDenied(_("You cannot report on measure %(code)s.") % {"code": measure.code})
    report = selectors.report_of(measure=measure, period=period_obj)
    conflict = None
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            version = form.cleaned_data.get("version")
            if version is None and report is None:
                version = services.NEW  # a form from before the version marker: a create
            try:
                report = services.report_save(
                    user=request.user,
                    measure=measure,
                    period=period_obj,
                    data=form.report_data(),
                    expected_version=version,
                )
            except services.ConcurrentEditError as exc:
                conflict = exc
                form.add_error(
                    None,
                    _(
                        "Someone else saved this report while you were editing it. Nothing was saved; their changes are listed below. Reload the form to start from the current version."
                    ),
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Draft saved."))
                return redirect("monitoring:report_detail", pk=report.pk)
    else:
        if report is not None:
            initial = {field: getattr(report, field) for field in services.REPORT_FIELDS}
            initial["version"] = report.version
        else:
            previous = selectors.report_latest_validated(measures=[measure]).get(measure.pk)
            status = previous.status if previous else initial_status_for(measure)
            initial = {
                "status": status,
                "progress": previous.progress if previous else None,
                "version": services.NEW,  # "I saw no report": a report created meanwhile is a conflict
            }
        form = ReportForm(initial=initial)
    editable = (
        not period_obj.is_closed if report is None else access.can_edit_report(request.user, report)
    )
    context = {
        "measure": measure,
        "period": period_obj,
        "report": report,
        "form": form,
        "conflict": conflict,
        "editable": editable,
    }
    if conflict:
        http_status = 409
    elif request.method == "POST" and "version" in form.errors:
        http_status = 400  # an update without the version it was made on
    else:
        http_status = 200
    return render(request, "monitoring/report_edit.html", context, status=http_status)


def _visible_report(request, pk: int):
    report = selectors.report_visible(user=request.user, pk=pk)
    if report is None:
        raise Http404(_("No such report."))
    return report


def report_detail(request, pk: int):
    report = _visible_report(request, pk)
    return render(request, "monitoring/report_detail.html", _report_detail_context(request, report))


def _report_detail_context(request, report, *, validate_form=None) -> dict:
    user = request.user
    internal = access.can_see_report_history(user, report)
    context = {
        "report": report,
        "history": presenters.report_history_rows(selectors.report_history(report=report))
        if internal
        else [],
        "internal": internal,
        "can_edit": access.can_edit_report(user, report),
        "can_submit": access.can_submit_report(user, report),
        "can_validate": access.can_validate_report(user, report),
        "can_return": access.can_return_report(user, report),
        "milestone_form": MilestoneForm(),
        "evidence_form": EvidenceForm(),
        "return_form": ReturnForm(initial={"version": report.version}),
        "validate_form": validate_form or ValidateForm(initial={"version": report.version}),
        # the base template puts "Error:" in the page title when this form has errors
        "error_form": validate_form,
        "lang": request.LANGUAGE_CODE,
    }
    return context


def _transition_view(request, pk: int, action):
    if not request.user.is_authenticated:
        return redirect(f"{_login_url()}?next={request.path}")
    report = _visible_report(request, pk)
    try:
        action(report)
    except services.ConcurrentEditError:
        messages.error(
            request,
            _("The report changed since you opened it; nothing was done. Look at it again."),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("monitoring:report_detail", pk=report.pk)


def _require_valid(form) -> None:
    """A small form posted from the report page: its errors become the page's error message."""
    if not form.is_valid():
        raise ValidationError(
            [f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()]
        )


def _login_url() -> str:
    from django.urls import reverse

    return reverse("accounts:login")


def _version(request) -> int | None:
    value = request.POST.get("version")
    return int(value) if value and value.isdigit() else None


@require_POST
def report_submit(request, pk: int):
    def act(report):
        services.report_submit(user=request.user, report=report, expected_version=_version(request))
        messages.success(request, _("Report submitted to the task force."))

    return _transition_view(request, pk, act)


@require_POST
def report_return(request, pk: int):
    def act(report):
        services.report_return(
            user=request.user,
            report=report,
            comment=request.POST.get("comment", ""),
            expected_version=_version(request),
        )
        messages.success(request, _("Report returned to the coordinating body."))

    return _transition_view(request, pk, act)


@require_POST
def report_validate(request, pk: int):
    if request.user.is_authenticated:
        report = _visible_report(request, pk)
        form = ValidateForm(request.POST)
        if access.can_validate_report(request.user, report) and not form.is_valid():
            # The confirmation step: the page again, its error summary pointing at the checkbox.
            context = _report_detail_context(request, report, validate_form=form)
            return render(request, "monitoring/report_detail.html", context, status=400)

    def act(report):
        services.report_validate(
            user=request.user, report=report, expected_version=_version(request)
        )
        messages.success(request, _("Report validated and published."))

    return _transition_view(request, pk, act)


@require_POST
def milestone_add(request, pk: int):
    def act(report):
        form = MilestoneForm(request.POST)
        _require_valid(form)
        services.milestone_add(user=request.user, report=report, **form.cleaned_data)
        messages.success(request, _("Milestone added."))

    return _transition_view(request, pk, act)


@require_POST
def evidence_add(request, pk: int):
    def act(report):
        form = EvidenceForm(request.POST, request.FILES)
        _require_valid(form)
        services.evidence_add(
            user=request.user,
            report=report,
            title=form.cleaned_data["title"],
            url=form.cleaned_data.get("url") or "",
            upload=form.cleaned_data.get("file"),
        )
        messages.success(request, _("Evidence added."))

    return _transition_view(request, pk, act)


def evidence_download(request, pk: int):
    evidence = selectors.evidence_file(pk=pk)
    if evidence is None or not access.can_see_report(request.user, evidence.report):
        raise Http404(_("No such file."))
    # Served as a download with its own name, never rendered inline by the browser.
    return FileResponse(
        evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name or "evidence"
    )


@login_required
def review_queue(request):
    if not access.can_validate(request.user):
        raise PermissionDenied(_("Only the task force reviews reports."))
    return render(
        request, "monitoring/review.html", {"reports": selectors.reports_awaiting_review()}
    )


@login_required
def periods(request):
    if not access.can_view_internal(request.user) and not access.can_use_workspace(request.user):
        raise PermissionDenied
    return render(
        request,
        "monitoring/periods.html",
        {
            "periods": selectors.periods_all(),
            "can_manage": access.can_manage_periods(request.user),
        },
    )


@require_POST
@login_required
def period_close(request, key: str):
    period = get_object_or_404(ReportingPeriod, key=key)
    services.period_close(user=request.user, period=period)
    messages.success(request, _("Period %(key)s closed.") % {"key": key})
    return redirect("monitoring:periods")


@require_POST
@login_required
def period_reopen(request, key: str):
    period = get_object_or_404(ReportingPeriod, key=key)
    services.period_reopen(user=request.user, period=period)
    messages.success(request, _("Period %(key)s reopened.") % {"key": key})
    return redirect("monitoring:periods")
