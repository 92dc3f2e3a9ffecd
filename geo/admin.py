from django.contrib import admin

from .models import BoundaryArea, Municipality


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("refnis", "name_nl", "name_fr", "boundary")
    search_fields = ("refnis", "name_nl", "name_fr")
    readonly_fields = ("source",)


@admin.register(BoundaryArea)
class BoundaryAreaAdmin(admin.ModelAdmin):
    list_display = ("key", "kind", "name_nl", "name_fr")
    exclude = ("geometry",)
    readonly_fields = ("cantons", "source")
