"""Imports/exports, reminders, comments and their moderation."""

from django.urls import path

from . import views_io

urlpatterns = [
    path("io/export/", views_io.export_period, name="export"),
    path("io/periods/<slug:key>/export/", views_io.export_period, name="export_period"),
    path("io/import/", views_io.import_reports, name="import_reports"),
    path("reminders/preview/", views_io.reminders_preview, name="reminders_preview"),
    path("measures/<str:code>/comments/", views_io.comment_add, name="comment_add"),
    path("comments/<int:pk>/reply/", views_io.comment_reply, name="comment_reply"),
    path("moderation/", views_io.moderation, name="moderation"),
    path("moderation/<int:pk>/", views_io.comment_moderate, name="comment_moderate"),
]
