"""Boordtabel (steering indicators): the overview, the method and one page per indicator."""

from django.urls import path

from . import views

app_name = "indicators"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("method/", views.method, name="method"),
    path("<str:code>/", views.detail, name="detail"),
]
