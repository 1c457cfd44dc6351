from django.urls import path, re_path

from pilar.programs import views

app_name = "programs"

urlpatterns = [
    path("", views.program_list, name="list"),
    re_path(r"^daftar\.(?P<fmt>xlsx|csv)$", views.program_export, name="export"),
    path("baru/", views.program_create, name="create"),
    path("<int:pk>/", views.program_detail, name="detail"),
    path("<int:pk>/ubah/", views.program_edit, name="edit"),
    path("<int:pk>/aturan/", views.rule_save, name="rule_save"),
    path("<int:pk>/data-pusat/", views.national_record, name="national_record"),
    path("<int:pk>/peserta/<str:tab>/", views.enrollment_list, name="enrollments"),
    path("<int:pk>/peserta/<str:tab>/aksi/", views.enrollment_action, name="enrollment_action"),
    re_path(
        r"^(?P<pk>[0-9]+)/peserta/(?P<tab>[a-z]+)/daftar\.(?P<fmt>xlsx|csv)$",
        views.enrollment_export,
        name="enrollment_export",
    ),
]
