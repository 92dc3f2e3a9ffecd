"""Admin for the task force's reference data of monitoring: statuses, periods, execution plan.

Reports change only through the workflow (services), so the admin shows them read-only.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import VersionedHistoryAdmin

from .models import Comment, ImplementationStatus, MeasurePlanning, Report, ReportingPeriod


@admin.register(ImplementationStatus)
class ImplementationStatusAdmin(SimpleHistoryAdmin):
    list_display = [
        "key",
        "label_nl",
        "label_fr",
        "default_progress",
        "is_started",
        "is_completed",
        "order",
    ]
    filter_horizontal = ["plan_statuses"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(SimpleHistoryAdmin):
    list_display = ["key", "start", "end", "due_date", "grace_days", "is_closed"]
    list_filter = ["is_closed"]
    readonly_fields = ["closed_at", "closed_by"]


@admin.register(MeasurePlanning)
class MeasurePlanningAdmin(VersionedHistoryAdmin):
    list_display = ["measure", "planned_start_year", "planned_end_year", "weight"]
    search_fields = ["measure__code", "measure__title_nl"]
    autocomplete_fields = ["measure"]


@admin.register(Report)
class ReportAdmin(SimpleHistoryAdmin):
    list_display = ["measure", "period", "state", "status", "progress", "organisation", "is_demo"]
    list_filter = ["state", "period", "status", "is_demo"]
    search_fields = ["measure__code", "narrative_nl", "narrative_fr"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(SimpleHistoryAdmin):
    list_display = ["measure", "author", "visibility", "moderation", "created_at"]
    list_filter = ["visibility", "moderation"]

    def has_add_permission(self, request):
        return False
