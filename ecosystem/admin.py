from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import VersionedHistoryAdmin

from .models import (
    Actor,
    ActorAlias,
    DuplicateCandidate,
    EcosystemImport,
    MetricRun,
    Proposal,
    Relation,
    Suggestion,
    ValueChainStage,
)


class ActorAliasInline(admin.TabularInline):
    model = ActorAlias
    extra = 0


@admin.register(Actor)
class ActorAdmin(VersionedHistoryAdmin):
    list_display = ["key", "name_nl", "type", "origin", "kbo_number", "municipality", "end_date"]
    list_filter = ["type", "origin", "sectors"]
    search_fields = ["key", "name_nl", "name_fr", "kbo_number"]
    filter_horizontal = ["sectors", "stages", "measures"]
    raw_id_fields = ["organisation", "merged_into"]
    inlines = [ActorAliasInline]

    def has_delete_permission(self, request, obj=None):
        return False  # an actor is closed with an end date, never deleted


@admin.register(Relation)
class RelationAdmin(VersionedHistoryAdmin):
    list_display = ["key", "source_actor", "type", "target_actor", "strength", "derived"]
    list_filter = ["type", "derived", "directed"]
    search_fields = ["key", "source_actor__name_nl", "target_actor__name_nl"]
    raw_id_fields = ["source_actor", "target_actor"]


@admin.register(ValueChainStage)
class ValueChainStageAdmin(admin.ModelAdmin):
    list_display = ["sector", "key", "name_nl", "order"]
    list_filter = ["sector"]


@admin.register(MetricRun)
class MetricRunAdmin(admin.ModelAdmin):
    list_display = ["period", "status", "nodes", "edges", "seconds", "finished_at"]


@admin.register(Suggestion, DuplicateCandidate, Proposal)
class ModeratedAdmin(SimpleHistoryAdmin):
    list_filter = ["status"]


@admin.register(EcosystemImport)
class EcosystemImportAdmin(admin.ModelAdmin):
    list_display = ["imported_at", "imported_by", "checksum"]
