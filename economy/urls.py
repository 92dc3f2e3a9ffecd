from django.urls import path

from . import views

app_name = "economy"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("sectors/<slug:slug>/", views.sector, name="sector"),
    path("enterprises/", views.search, name="search"),
    path("enterprises/<str:number>/", views.enterprise, name="enterprise"),
    path("enterprises/<str:number>/override/", views.override, name="override"),
]
