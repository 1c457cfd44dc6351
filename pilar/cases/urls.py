from django.urls import path

from pilar.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("terlambat/", views.case_list, {"overdue_only": True}, name="overdue"),
    path("unduh/<str:fmt>/", views.case_export, name="export"),
    path("ringkasan/", views.summary, name="summary"),
    path("ringkasan/unduh/", views.summary_export, name="summary_export"),
    path("buka/", views.case_open, name="open"),
    path("data-ppks/<int:record_pk>/", views.for_record, name="for_record"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/tugaskan/", views.case_assign, name="assign"),
    path("<int:pk>/asesmen/", views.case_assess, name="assess"),
    path("<int:pk>/intervensi/", views.intervention_add, name="intervention_add"),
    path(
        "<int:pk>/intervensi/<int:item_pk>/", views.intervention_result, name="intervention_result"
    ),
    path("<int:pk>/kunjungan/", views.visit_add, name="visit_add"),
    path("<int:pk>/tutup/", views.case_close, name="close"),
]
