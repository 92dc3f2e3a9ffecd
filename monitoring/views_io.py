"""Period snapshot export, report import, reminder preview, comments and their moderation.

Views only parse and render: access comes from accounts.access, writes from monitoring.services,
files from monitoring.importing, reminder messages from monitoring.emails.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import access
from core.exports import CONTENT_TYPES, EXPORT_FORMATS, export_if_requested, export_response
from plan.models import Measure

from . import presenters, selectors, services
from .emails import reminder_messages_build
from .importing import (
    ImportFileError,
    period_snapshot_table,
    period_snapshot_xlsx,
    reports_file_validate,
    reports_import,
)
from .models import Comment, ReportingPeriod

# ---------------------------------------------------------------- export and import


def _export_measures(user):
    """Internal roles export every measure; a coordinator only those of their organisation."""
    if access.can_view_internal(user):
        return Measure.objects.all()
    if access.can_use_workspace(user):
        return selectors.workspace_measures(user=user)
    raise PermissionDenied(_("Your account has no role in the plan's monitoring."))


@login_required
def export_period(request, key: str | None = None):
    measures = _export_measures(request.user)
    today = timezone.localdate()
    if key is None:
        period = selectors.period_chosen(key=request.GET.get("period"), today=today)
        periods = selectors.periods_started(today=today)
        return render(request, "monitoring/io_export.html", {"period": period, "periods": periods})
    period = get_object_or_404(ReportingPeriod, key=key)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in EXPORT_FORMATS:
        raise Http404(_("Unknown format."))
    table = period_snapshot_table(period=period, measures=measures)
    basename = f"reports-{period.key}"
    if fmt == "xlsx":
        response = HttpResponse(
            period_snapshot_xlsx(table, basename=basename), content_type=CONTENT_TYPES["xlsx"]
        )
        response["Content-Disposition"] = f'attachment; filename="{basename}.xlsx"'
        return response
    return export_response(table, fmt, basename)


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Snapshot file (.xlsx or .csv)"))
    submit = forms.BooleanField(
        label=gettext_lazy("Submit the imported reports for validation"),
        required=False,
        help_text=gettext_lazy("Without this, imported reports are saved as drafts."),
    )
    check_only = forms.BooleanField(
        label=gettext_lazy("Only check the file, change nothing"), required=False
    )


@login_required
def import_reports(request):
    if not access.can_import_reports(request.user):
        raise PermissionDenied(_("Only the task force imports reports."))
    problems: list[str] = []
    result = None
    checked = None
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            name, content = upload.name, upload.read()
            try:
                if form.cleaned_data["check_only"]:
                    checked, _skipped = reports_file_validate(
                        name=name, content=content, user=request.user
                    )
                else:
                    result = reports_import(
                        name=name,
                        content=content,
                        user=request.user,
                        submit=form.cleaned_data["submit"],
                    )
            except ImportFileError as exc:
                problems = exc.problems
                status = 400
        else:
            status = 400
    else:
        form = ImportForm()
    context = {"form": form, "problems": problems, "result": result, "checked": checked}
    return render(request, "monitoring/io_import.html", context, status=status)


# ---------------------------------------------------------------- reminders


@login_required
def reminders_preview(request):
    if not access.is_taskforce(request.user):
        raise PermissionDenied(_("Only the task force sees the reminders."))
    try:
        today = (
            date.fromisoformat(request.GET["today"])
            if request.GET.get("today")
            else timezone.localdate()
        )
    except ValueError:
        today = timezone.localdate()
    period = selectors.period_by_key(key=request.GET.get("period")) or selectors.current_period(
        today=today
    )
    reminder_messages = reminder_messages_build(
        today=today, period=period, base_url=request.build_absolute_uri("/")
    )
    exported = export_if_requested(
        request,
        lambda: presenters.reminders_export_table(reminder_messages),
        f"reminders-{today.isoformat()}",
    )
    if exported:
        return exported
    context = {
        "messages_preview": reminder_messages,
        "today": today,
        "period": period,
        "periods": selectors.periods_started(today=today),
    }
    return render(request, "monitoring/reminders_preview.html", context)


# ---------------------------------------------------------------- comments


class CommentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    visibility = forms.ChoiceField(
        label=gettext_lazy("Who may read it"),
        choices=[
            (
                Comment.Visibility.INTERNAL,
                gettext_lazy(
                    "Internal: the task force, the steering committee and the industry commission"
                ),
            ),
            (Comment.Visibility.PUBLIC, gettext_lazy("Public: everyone, on this page")),
        ],
        initial=Comment.Visibility.INTERNAL,
        widget=forms.RadioSelect,
    )


def _comment_saved(comment: Comment):
    # The author sees their comment in the thread at once, marked as awaiting moderation.
    return redirect(reverse("plan:measure", args=[comment.measure.code]) + f"#comment-{comment.pk}")


def _comment_write(request, *, measure: Measure, parent: Comment | None):
    if not access.can_comment(request.user):
        raise PermissionDenied(
            _("Only steering committee and industry commission members comment.")
        )
    form = CommentForm(request.POST)
    if form.is_valid():
        visibility = form.cleaned_data["visibility"]
        if parent is not None and parent.visibility == Comment.Visibility.INTERNAL:
            visibility = (
                Comment.Visibility.INTERNAL
            )  # a public reply would expose an internal thread
        try:
            comment = services.comment_add(
                user=request.user,
                measure=measure,
                body=form.cleaned_data["body"],
                visibility=visibility,
                parent=parent,
            )
        except ValidationError as exc:
            for field_name, errors in getattr(exc, "error_dict", {None: exc.error_list}).items():
                form.add_error(field_name if field_name in form.fields else None, errors)
        else:
            return _comment_saved(comment)
    context = {"form": form, "measure": measure, "parent": parent}
    return render(request, "monitoring/comments_form.html", context, status=400)


@login_required
@require_POST
def comment_add(request, code: str):
    measure = get_object_or_404(Measure, code=code)
    return _comment_write(request, measure=measure, parent=None)


@login_required
@require_POST
def comment_reply(request, pk: int):
    parent = get_object_or_404(Comment.objects.select_related("measure"), pk=pk)
    visible = selectors.measure_comments(
        measure=parent.measure, internal=access.can_view_internal(request.user), user=request.user
    )
    if not visible.filter(pk=parent.pk).exists():
        raise Http404(_("No such comment."))
    return _comment_write(request, measure=parent.measure, parent=parent)


@login_required
def moderation(request):
    if not access.can_moderate(request.user):
        raise PermissionDenied(_("Only the task force moderates comments."))
    pending = selectors.comments_pending()
    exported = export_if_requested(
        request, lambda: presenters.comments_export_table(pending), "comments-pending"
    )
    if exported:
        return exported
    return render(request, "monitoring/comments_moderation.html", {"pending": pending})


@login_required
@require_POST
def comment_moderate(request, pk: int):
    if not access.can_moderate(request.user):
        raise PermissionDenied(_("Only the task force moderates comments."))
    comment = get_object_or_404(Comment, pk=pk)
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        return HttpResponse(_("Choose approve or reject."), status=400)
    services.comment_moderate(user=request.user, comment=comment, approve=decision == "approve")
    if decision == "approve":
        messages.success(request, _("Comment approved: it is now shown on the measure page."))
    else:
        messages.success(request, _("Comment rejected."))
    return redirect("monitoring:moderation")
