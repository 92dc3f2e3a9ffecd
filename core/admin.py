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
