"""Forms of the reporting workflow; they only parse input, the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.validation import DecimalFitsValidator, validate_long_text, validate_text

from .models import ImplementationStatus, Report
from .services import ReportData


class ReportForm(forms.Form):
    status = forms.ModelChoiceField(
        label=_("Implementation status"),
        queryset=ImplementationStatus.objects.all(),
        empty_label=None,
    )
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("Leave empty to use the status's default progress."),
    )
    narrative_nl = forms.CharField(
        label=_("Progress narrative (Dutch)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        validators=[validate_long_text],
    )
    narrative_fr = forms.CharField(
        label=_("Progress narrative (French)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        validators=[validate_long_text],
    )
    next_steps = forms.CharField(
        label=_("Next steps"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        validators=[validate_long_text],
    )
    risks = forms.CharField(
        label=_("Risks and blockers"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        validators=[validate_long_text],
    )
    budget_committed = forms.DecimalField(
        label=_("Budget committed (€)"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        required=False,
        validators=[DecimalFitsValidator(Report._meta.get_field("budget_committed"))],
    )
    budget_spent = forms.DecimalField(
        label=_("Budget spent (€)"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        required=False,
        validators=[DecimalFitsValidator(Report._meta.get_field("budget_spent"))],
    )
    # The version the form was opened on; 0 when there was no report yet (monitoring.services.NEW).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def clean(self):
        cleaned = super().clean()
        if (
            not (cleaned.get("narrative_nl") or "").strip()
            and not (cleaned.get("narrative_fr") or "").strip()
        ):
            self.add_error("narrative_nl", _("Write the narrative in Dutch and/or French."))
        return cleaned

    def report_data(self) -> ReportData:
        data = self.cleaned_data
        return ReportData(
            status=data["status"],
            progress=data.get("progress"),
            narrative_nl=data.get("narrative_nl", "").strip(),
            narrative_fr=data.get("narrative_fr", "").strip(),
            next_steps=data.get("next_steps", "").strip(),
            risks=data.get("risks", "").strip(),
            budget_committed=data.get("budget_committed"),
            budget_spent=data.get("budget_spent"),
        )


class MilestoneForm(forms.Form):
    title_nl = forms.CharField(
        label=_("Milestone (Dutch)"), max_length=300, required=False, validators=[validate_text]
    )
    title_fr = forms.CharField(
        label=_("Milestone (French)"), max_length=300, required=False, validators=[validate_text]
    )
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    done_date = forms.DateField(
        label=_("Done on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class EvidenceForm(forms.Form):
    title = forms.CharField(
        label=_("Title of the evidence"), max_length=300, validators=[validate_text]
    )
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    file = forms.FileField(label=_("File"), required=False)


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What must be corrected"),
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_long_text],
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ValidateForm(forms.Form):
    """The confirmation step before a report is validated and published (no JavaScript needed)."""

    confirm = forms.BooleanField(
        label=_("I have checked this report: publish it on the public site now."),
        error_messages={
            "required": _(
                "Tick the box to confirm that you checked the report before publishing it."
            )
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
