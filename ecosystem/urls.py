from django.urls import path

from . import views

app_name = "ecosystem"
urlpatterns = [
    path("", views.index, name="index"),
    path("actors/", views.actor_list, name="actors"),
    path("actors/<slug:key>/", views.actor, name="actor"),
    path("actors/<slug:key>/propose/", views.propose, name="propose"),
    path("relations/", views.relation_list, name="relations"),
    path("network/", views.network, name="network"),
    path("map/", views.actor_map, name="map"),
    path("method/", views.method, name="method"),
    path("register/", views.register, name="register"),
    path("register/add/", views.register_add, name="register-add"),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/action/", views.moderation_action, name="moderation-action"),
]
