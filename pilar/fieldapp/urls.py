from django.urls import path

from pilar.fieldapp import views

app_name = "fieldapp"

urlpatterns = [
    path("", views.app, name="app"),
    path("sw.js", views.service_worker, name="sw"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
]
