from django.urls import path

from pilar.submissions import views

app_name = "submissions"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("unduh.<str:fmt>", views.report_export, name="export"),
    path("kotak-masuk/", views.inbox, name="inbox"),
    path("waktu-proses/", views.turnaround_view, name="turnaround"),
    path("waktu-proses/unduh.<str:fmt>", views.turnaround_export, name="turnaround_export"),
    path("notifikasi/", views.notifications, name="notifications"),
    path("notifikasi/baca/", views.notifications_read, name="notifications_read"),
    path("notifikasi/<int:pk>/", views.notification_open, name="notification_open"),
    path("musyawarah/", views.deliberation_list, name="deliberation_list"),
    path("musyawarah/baru/", views.deliberation_create, name="deliberation_create"),
    path(
        "musyawarah/<int:pk>/berita-acara/",
        views.deliberation_minutes,
        name="deliberation_minutes",
    ),
    path("sk/", views.ratification_list, name="ratification_list"),
    path("sk/baru/", views.ratification_create, name="ratification_create"),
    path("sk/<int:pk>/", views.ratification_detail, name="ratification_detail"),
    path("sk/<int:pk>/berkas/", views.ratification_file, name="ratification_file"),
    path("sk/<int:pk>/bnba.<str:fmt>", views.ratification_export, name="ratification_export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/foto/<uuid:client_id>/", views.photo, name="photo"),
]
