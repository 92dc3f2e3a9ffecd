from django.contrib import admin

from core.admin import VersionedHistoryAdmin

from .models import Document, Item


class ItemInline(admin.StackedInline):
    model = Item
    extra = 0
    filter_horizontal = ["measures", "sectors", "challenges"]


@admin.register(Document)
class DocumentAdmin(VersionedHistoryAdmin):
    list_display = ["slug", "kind", "title_nl", "date"]
    list_filter = ["kind"]
    search_fields = ["slug", "title_nl", "title_fr"]
    inlines = [ItemInline]
