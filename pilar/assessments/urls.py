from django.urls import path, re_path

from pilar.assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.summary, name="summary"),
    path("keluarga/<int:pk>/", views.household, name="household"),
    path("keluarga/<int:pk>/kemiskinan/baru/", views.poverty_create, name="poverty_create"),
    path("keluarga/<int:pk>/rtlh/baru/", views.rtlh_create, name="rtlh_create"),
    path("jatuh-tempo/", views.overdue, name="overdue"),
    re_path(r"^jatuh-tempo\.(?P<fmt>xlsx|csv)$", views.overdue_export, name="overdue_export"),
    path("konsistensi/", views.consistency, name="consistency"),
    re_path(
        r"^konsistensi\.(?P<fmt>xlsx|csv)$", views.consistency_export, name="consistency_export"
    ),
]
