from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import VersionedHistoryAdmin

from .models import Organisation, OrganisationAlias, Sector


class AliasInline(admin.TabularInline):
    model = OrganisationAlias
    extra = 0
    fields = ["printed"]


@admin.register(Organisation)
class OrganisationAdmin(VersionedHistoryAdmin):
    list_display = ["slug", "name_nl", "name_fr", "acronym", "type"]
    list_filter = ["type"]
    search_fields = ["slug", "name_nl", "name_fr", "name_en", "aliases__printed"]
    inlines = [AliasInline]


@admin.register(Sector)
class SectorAdmin(SimpleHistoryAdmin):
    list_display = ["slug", "kind", "short_nl", "short_fr", "code_prefix"]
    list_filter = ["kind"]
