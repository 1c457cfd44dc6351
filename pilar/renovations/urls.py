from django.urls import path, re_path

from pilar.renovations import views

app_name = "renovations"

urlpatterns = [
    path("", views.renovation_list, name="list"),
    re_path(r"^daftar\.(?P<fmt>xlsx|csv)$", views.renovation_export, name="export"),
    path("siap/", views.ready_list, name="ready"),
    re_path(r"^siap\.(?P<fmt>xlsx|csv)$", views.ready_export, name="ready_export"),
    path("target/", views.target, name="target"),
    re_path(r"^target\.(?P<fmt>xlsx|csv)$", views.target_export, name="target_export"),
    path("buka/<int:enrollment_pk>/", views.open_renovation, name="open"),
    path("<int:pk>/", views.renovation_detail, name="detail"),
    path("<int:pk>/rab/", views.plan, name="plan"),
    path("<int:pk>/foto/", views.add_photos, name="photos"),
    path("<int:pk>/foto/<int:photo_pk>/", views.photo, name="photo"),
    path("<int:pk>/bast/", views.document, name="document"),
    path("<int:pk>/mulai/", views.start, name="start"),
    path("<int:pk>/progres/", views.progress, name="progress"),
    path("<int:pk>/serah-terima/", views.handover, name="handover"),
    path("<int:pk>/batal/", views.cancel, name="cancel"),
]
