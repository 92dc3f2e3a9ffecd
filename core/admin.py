"""Admin building blocks: history on every edit and refusal of stale (concurrent) edits."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin


class OptimisticLockForm(forms.ModelForm):
    """Carries the row's version; a save based on an older version is refused, not applied."""

    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["edit_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            submitted = cleaned.get("edit_version")
            # Lock the row for the rest of the admin's transaction so two saves cannot interleave.
            current = (
                type(self.instance)
                .objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if submitted is None or current != submitted:
                raise forms.ValidationError(
                    _(
                        "Someone else saved this record (version %(current)s) after you opened it "
                        "(version %(yours)s). Your changes were not saved: reload the page, look at "
                        "the history and apply your change again."
                    ),
                    code="stale",
                    params={"current": current, "yours": submitted},
                )
        return cleaned


class VersionedHistoryAdmin(SimpleHistoryAdmin):
    """History (who, when, before/after) plus optimistic locking for versioned models."""

    form = OptimisticLockForm
    readonly_fields = ("version",)

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if "edit_version" not in fields:
            fields.append("edit_version")
        return fields


admin.site.site_header = _("Bruprod administration")
admin.site.site_title = _("Bruprod")


# Background tasks (core/tasks.py): every staff member sees the queue, read-only; nobody edits it.
from django_tasks_db.admin import DBTaskResultAdmin  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402


class TaskResultAdmin(DBTaskResultAdmin):
    list_display = (
        "task_name",
        "status",
        "enqueued_at",
        "started_at",
        "finished_at",
        "arguments",
        "error",
    )
    list_filter = ("status", "queue_name")
    search_fields = ("task_path", "id")
    date_hierarchy = "enqueued_at"

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    @admin.display(description=_("arguments"))
    def arguments(self, obj):
        stored = obj.args_kwargs or {}
        parts = [repr(a) for a in stored.get("args", [])]
        parts += [f"{k}={v!r}" for k, v in stored.get("kwargs", {}).items()]
        text = ", ".join(parts)
        return text if len(text) <= 80 else text[:79] + "…"

    @admin.display(description=_("error"))
    def error(self, obj):
        return obj.exception_class_path or "-"


if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)
