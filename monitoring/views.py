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

from . import services
from .forms import EvidenceForm, MilestoneForm, ReportForm, ReturnForm
from .models import Evidence, Report, ReportingPeriod
from .reference import initial_status_for
from .selectors import current_period, workspace_measures


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
    today = timezone.localdate()
    periods = ReportingPeriod.objects.filter(start__lte=today).order_by("-start")
    period = periods.filter(key=request.GET.get("period")).first() or current_period(today=today)
    measures = list(workspace_measures(user=request.user).select_related("sector", "challenge"))
    reports = {
        r.measure_id: r
        for r in Report.objects.filter(period=period, measure__in=measures).select_related("status")
    }
    rows = [(m, reports.get(m.pk)) for m in measures]
    context = {
        "period": period,
        "periods": periods,
        "rows": rows,
        "role": access.user_role(request.user),
        "can_validate": access.can_validate(request.user),
        "pending": Report.objects.filter(state=Report.State.SUBMITTED).count()
        if access.can_validate(request.user)
        else 0,
    }
    return render(request, "monitoring/workspace.html", context)


@login_required
def report_edit(request, code: str, period: str):
    _workspace_required(request)
    measure = get_object_or_404(Measure, code=code)
    period_obj = get_object_or_404(ReportingPeriod, key=period)
    if not access.can_report_on(request.user, measure):
        raise PermissionDenied(_("You cannot report on measure %(code)s.") % {"code": measure.code})
    report = Report.objects.filter(measure=measure, period=period_obj).first()
    conflict = None
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                report = services.report_save(
                    user=request.user,
                    measure=measure,
                    period=period_obj,
                    data=form.report_data(),
                    expected_version=form.cleaned_data.get("version") if report else None,
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
            previous = (
                Report.objects.filter(measure=measure, state=Report.State.VALIDATED)
                .order_by("-period__start")
                .first()
            )
            status = previous.status if previous else initial_status_for(measure)
            initial = {"status": status, "progress": previous.progress if previous else None}
        form = ReportForm(initial=initial)
    editable = report is None or (
        report.state in services.EDITABLE_STATES and not period_obj.is_closed
    )
    context = {
        "measure": measure,
        "period": period_obj,
        "report": report,
        "form": form,
        "conflict": conflict,
        "editable": editable,
    }
    return render(request, "monitoring/report_edit.html", context, status=409 if conflict else 200)


def _visible_report(request, pk: int) -> Report:
    report = get_object_or_404(
        Report.objects.select_related("measure", "period", "status", "organisation"), pk=pk
    )
    if not access.can_see_report(request.user, report):
        raise Http404(_("No such report."))
    return report


def report_detail(request, pk: int):
    report = _visible_report(request, pk)
    history = []
    records = list(report.history.select_related("history_user").order_by("history_date"))
    for previous, record in zip([None, *records[:-1]], records, strict=True):
        changes = []
        if previous is not None:
            changes = [
                (c.field, c.old, c.new)
                for c in record.diff_against(previous).changes
                if c.field not in ("version", "updated_at", "created_at")
            ]
        history.append({"record": record, "changes": changes})
    internal = access.can_see_report(request.user, report) and (
        access.can_view_internal(request.user) or access.can_report_on(request.user, report.measure)
    )
    context = {
        "report": report,
        "history": history if internal else [],
        "internal": internal,
        "can_edit": access.can_report_on(request.user, report.measure)
        and report.state in services.EDITABLE_STATES
        and not report.period.is_closed,
        "can_submit": access.can_report_on(request.user, report.measure)
        and report.state in services.TRANSITIONS["submit"][0],
        "can_review": access.can_validate(request.user) and report.state == Report.State.SUBMITTED,
        "milestone_form": MilestoneForm(),
        "evidence_form": EvidenceForm(),
        "return_form": ReturnForm(initial={"version": report.version}),
        "lang": request.LANGUAGE_CODE,
    }
    return render(request, "monitoring/report_detail.html", context)


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
    evidence = get_object_or_404(
        Evidence.objects.select_related("report__measure", "report__period"),
        pk=pk,
        kind=Evidence.Kind.FILE,
    )
    if not access.can_see_report(request.user, evidence.report):
        raise Http404(_("No such file."))
    # Served as a download with its own name, never rendered inline by the browser.
    return FileResponse(
        evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name or "evidence"
    )


@login_required
def review_queue(request):
    if not access.can_validate(request.user):
        raise PermissionDenied(_("Only the task force reviews reports."))
    reports = (
        Report.objects.filter(state=Report.State.SUBMITTED)
        .select_related("measure", "period", "status", "organisation")
        .order_by("submitted_at")
    )
    return render(request, "monitoring/review.html", {"reports": reports})


@login_required
def periods(request):
    if not access.can_view_internal(request.user) and not access.can_use_workspace(request.user):
        raise PermissionDenied
    return render(
        request,
        "monitoring/periods.html",
        {
            "periods": ReportingPeriod.objects.order_by("-start"),
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
