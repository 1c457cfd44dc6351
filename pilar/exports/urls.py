from django.urls import re_path

from pilar.exports import views

app_name = "exports"

urlpatterns = [
    re_path(r"^keluarga\.(?P<fmt>xlsx|csv)$", views.households, name="households"),
    re_path(r"^individu\.(?P<fmt>xlsx|csv)$", views.persons, name="persons"),
    re_path(r"^ppks\.(?P<fmt>xlsx|csv)$", views.ppks_records, name="ppks_records"),
    re_path(r"^bnba\.(?P<fmt>xlsx|csv)$", views.bnba_export, name="bnba"),
]
