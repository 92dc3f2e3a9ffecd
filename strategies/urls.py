from django.urls import path

from . import views

app_name = "strategies"
urlpatterns = [
    path("", views.documents, name="list"),
    path("<slug:slug>/", views.document, name="detail"),
]
