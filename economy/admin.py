from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import VersionedHistoryAdmin

from .models import ClassificationOverride, KboImport, KboSnapshot, SectorMapping, SectorRule


class SectorRuleInline(admin.TabularInline):
    model = SectorRule
    extra = 0


@admin.register(SectorMapping)
class SectorMappingAdmin(SimpleHistoryAdmin):
    list_display = ("version", "title", "is_active", "created_at")
    inlines = [SectorRuleInline]
    readonly_fields = ("checksum", "loaded_from")


@admin.register(SectorRule)
class SectorRuleAdmin(SimpleHistoryAdmin):
    list_display = ("mapping", "nace_version", "prefix", "sector", "scope", "note")
    list_filter = ("mapping", "sector", "scope", "nace_version")
    search_fields = ("prefix", "note")


@admin.register(ClassificationOverride)
class ClassificationOverrideAdmin(VersionedHistoryAdmin):
    list_display = ("enterprise_number", "sectors", "updated_by", "updated_at")
    search_fields = ("enterprise_number", "reason")


@admin.register(KboSnapshot)
class KboSnapshotAdmin(admin.ModelAdmin):
    list_display = (
        "extract_number",
        "extract_type",
        "snapshot_date",
        "synthetic",
        "mapping_version",
        "created_at",
    )
    readonly_fields = [f.name for f in KboSnapshot._meta.fields]


@admin.register(KboImport)
class KboImportAdmin(admin.ModelAdmin):
    list_display = (
        "extract_number",
        "extract_type",
        "snapshot_date",
        "rows",
        "duration_seconds",
        "imported_at",
    )
    readonly_fields = [f.name for f in KboImport._meta.fields]
