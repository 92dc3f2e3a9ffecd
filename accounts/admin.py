from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Profile


@admin.register(Profile)
class ProfileAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "organisation", "language", "is_demo"]
    list_filter = ["role", "is_demo"]
    search_fields = ["user__username", "user__email", "organisation__name_nl"]
    autocomplete_fields = ["organisation"]
