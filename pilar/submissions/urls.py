from django.urls import path

from pilar.submissions.views import lists, notifications, review, turnaround, verivali

app_name = "submissions"

urlpatterns = [
    path("", lists.submission_list, name="list"),
    path("unduh.<str:fmt>", lists.submission_export, name="export"),
    path("kotak-masuk/", lists.inbox, name="inbox"),
    path("waktu-proses/", turnaround.turnaround_view, name="turnaround"),
    path("waktu-proses/unduh.<str:fmt>", turnaround.turnaround_export, name="turnaround_export"),
    path("notifikasi/", notifications.notifications, name="notifications"),
    path("notifikasi/baca/", notifications.notifications_read, name="notifications_read"),
    path("notifikasi/<int:pk>/", notifications.notification_open, name="notification_open"),
    path("musyawarah/", verivali.deliberation_list, name="deliberation_list"),
    path("musyawarah/baru/", verivali.deliberation_create, name="deliberation_create"),
    path(
        "musyawarah/<int:pk>/berita-acara/",
        verivali.deliberation_minutes,
        name="deliberation_minutes",
    ),
    path("sk/", verivali.ratification_list, name="ratification_list"),
    path("sk/baru/", verivali.ratification_create, name="ratification_create"),
    path("sk/<int:pk>/", verivali.ratification_detail, name="ratification_detail"),
    path("sk/<int:pk>/berkas/", verivali.ratification_file, name="ratification_file"),
    path("sk/<int:pk>/bnba.<str:fmt>", verivali.ratification_export, name="ratification_export"),
    path("<int:pk>/", review.detail, name="detail"),
    path("<int:pk>/foto/<uuid:client_id>/", review.photo, name="photo"),
]
