from django.contrib import admin
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import VersionedHistoryAdmin

from .loader import measure_search_text
from .models import (
    CrossReference,
    Dimension,
    Measure,
    MeasureCoordination,
    MeasureNote,
    PlanEdition,
    PlanImport,
    PlanNode,
    RemarkTag,
    Status,
)


class LabelledInlineMixin:
    """A tabular inline's inputs have a column heading but no <label>: each gets an aria-label
    (its field's name), and so does the row's "delete" checkbox. Plain selects, not the select2
    autocomplete, whose empty box has no accessible name."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            formfield.widget.attrs.setdefault("aria-label", capfirst(db_field.verbose_name))
        return formfield

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class LabelledFormSet(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                if "DELETE" in form.fields:
                    row = "" if index is None else f" {index + 1}"
                    form.fields["DELETE"].widget.attrs["aria-label"] = _("Delete row%(row)s") % {
                        "row": row
                    }

        return LabelledFormSet


class CoordinationInline(LabelledInlineMixin, admin.TabularInline):
    model = MeasureCoordination
    extra = 0


class NoteInline(admin.StackedInline):
    model = MeasureNote
    extra = 0


class CrossReferenceInline(LabelledInlineMixin, admin.TabularInline):
    model = CrossReference
    fk_name = "source"
    extra = 0


@admin.register(Measure)
class MeasureAdmin(VersionedHistoryAdmin):
    list_display = [
        "code",
        "printed_code",
        "kind",
        "priority_printed",
        "cost",
        "staffing",
        "status_2019",
        "sector",
        "dimension",
    ]
    list_filter = [
        "kind",
        "priority",
        "cost",
        "staffing",
        "status",
        "sector",
        "dimension",
        "remark_tags",
        "fr_official",
    ]
    search_fields = ["code", "title_nl", "title_fr", "title_en", "search_text"]
    inlines = [CoordinationInline, CrossReferenceInline, NoteInline]
    # Plain (labelled) selects: the select2 autocomplete and the two-box filter widget fail axe
    # (an empty autocomplete has no accessible name; the filter's help icon misuses ARIA).

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        measure = form.instance
        Measure.objects.filter(pk=measure.pk).update(search_text=measure_search_text(measure))


@admin.register(PlanNode)
class PlanNodeAdmin(VersionedHistoryAdmin):
    list_display = ["key", "kind", "number", "title_nl", "fr_official"]
    list_filter = ["kind", "fr_official"]
    search_fields = ["key", "title_nl", "title_fr"]
    autocomplete_fields = ["parent"]


@admin.register(PlanEdition)
class PlanEditionAdmin(SimpleHistoryAdmin):
    list_display = ["slug", "title_nl", "adopted"]


@admin.register(Dimension)
class DimensionAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title_nl"]


@admin.register(Status)
class StatusAdmin(SimpleHistoryAdmin):
    list_display = ["key", "label_nl", "label_fr", "default_progress"]


@admin.register(RemarkTag)
class RemarkTagAdmin(SimpleHistoryAdmin):
    list_display = ["key", "label_nl", "label_fr"]


@admin.register(PlanImport)
class PlanImportAdmin(admin.ModelAdmin):
    list_display = ["loaded_at", "loaded_by", "checksum"]
    readonly_fields = ["loaded_at", "loaded_by", "checksum", "files", "counts"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
