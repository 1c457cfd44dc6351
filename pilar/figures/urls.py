from django.urls import path

from pilar.figures import views

app_name = "figures"

urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("peta.geojson", views.outlines, name="outlines"),
]
