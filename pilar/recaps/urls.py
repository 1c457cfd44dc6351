from django.urls import path, re_path

from pilar.recaps import views

app_name = "recaps"

urlpatterns = [
    path("", views.index, name="index"),
    re_path(r"^(?P<slug>[a-z]+)\.(?P<fmt>xlsx|pdf)$", views.recap_file, name="file"),
    path("laporan-bulanan/", views.monthly_request, name="monthly_request"),
    re_path(
        r"^laporan-bulanan/(?P<month>\d{4}-\d{2})\.pdf$", views.monthly_file, name="monthly_file"
    ),
]
