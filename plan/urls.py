from django.urls import path

from . import views

app_name = "plan"
urlpatterns = [
    path("", views.home, name="home"),
    path("plan/", views.tree, name="tree"),
    path("plan/<str:key>/", views.node, name="node"),
    path("measures/", views.measures, name="measures"),
    path("measures/<str:code>/", views.measure, name="measure"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/<slug:slug>/", views.organisation, name="organisation"),
]
