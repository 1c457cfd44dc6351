from django.urls import path, re_path

from pilar.recaps import opendata_views

app_name = "opendata"

urlpatterns = [
    path("", opendata_views.index, name="index"),
    path("data.json", opendata_views.catalogue, name="catalogue"),
    re_path(r"^(?P<slug>[a-z0-9-]+)\.csv$", opendata_views.dataset_csv, name="csv"),
]
