"""Editing the boordtabel by staff: every change kept in history; stale edits refused."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import VersionedHistoryAdmin

from .models import (
    Disaggregation,
    DisaggregationValue,
    Indicator,
    Observation,
    ObservationImport,
    SourceDocument,
    Target,
)


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    fields = (
        "period",
        "value",
        "label_nl",
        "label_fr",
        "label_en",
        "counts_for_status",
        "source",
        "order",
    )


@admin.register(Indicator)
class IndicatorAdmin(VersionedHistoryAdmin):
    list_display = ("code", "name_nl", "kind", "unit", "direction", "frequency")
    list_filter = ("kind", "direction", "frequency", "unit")
    search_fields = ("code", "name_nl", "name_fr", "name_en")
    filter_horizontal = ("disaggregations", "plan_nodes", "sectors", "measures")
    autocomplete_fields = ("owner",)
    inlines = [TargetInline]


@admin.register(Observation)
class ObservationAdmin(SimpleHistoryAdmin):
    list_display = ("indicator", "period", "disaggregation_key", "value", "status", "vintage")
    list_filter = ("status", "vintage", "indicator")
    search_fields = ("indicator__code", "period", "disaggregation_key")
    readonly_fields = ("period_time", "disaggregation_key", "imported_from", "created_at")


class DisaggregationValueInline(admin.TabularInline):
    model = DisaggregationValue
    extra = 0


@admin.register(Disaggregation)
class DisaggregationAdmin(admin.ModelAdmin):
    list_display = ("code", "name_nl", "name_fr", "name_en")
    inlines = [DisaggregationValueInline]


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ("key", "title_nl", "date", "seed")


@admin.register(ObservationImport)
class ObservationImportAdmin(admin.ModelAdmin):
    list_display = ("imported_at", "file_name", "imported_by", "checksum")
    readonly_fields = ("imported_at", "imported_by", "file_name", "checksum", "counts")

    def has_add_permission(self, request):
        return False
