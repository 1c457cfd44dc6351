from django.urls import path

from pilar.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.batch_list, name="list"),
    path("templat.<str:fmt>", views.template_download, name="template"),
    path("daftar.<str:fmt>", views.batch_export, name="export"),
    path("<int:pk>/", views.batch_detail, name="detail"),
    path("<int:pk>/status/", views.batch_status, name="status"),
    path("<int:pk>/impor/", views.batch_confirm, name="confirm"),
    path("<int:pk>/batal/", views.batch_cancel, name="cancel"),
    path("<int:pk>/masalah.xlsx", views.problems_download, name="problems"),
]
