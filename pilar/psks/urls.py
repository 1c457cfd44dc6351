from django.urls import path

from pilar.psks.views import appointments, training, workers

app_name = "psks"

urlpatterns = [
    path("", workers.worker_list, name="worker_list"),
    path("baru/", workers.worker_create, name="worker_create"),
    path("<int:pk>/", workers.worker_detail, name="worker_detail"),
    path("<int:pk>/ubah/", workers.worker_edit, name="worker_edit"),
    # Training (bimtek)
    path("pelatihan/", training.event_list, name="event_list"),
    path("pelatihan/ekspor.<str:fmt>", training.event_export, name="event_export"),
    path("pelatihan/baru/", training.event_create, name="event_create"),
    path("pelatihan/<int:pk>/", training.event_detail, name="event_detail"),
    path("pelatihan/<int:pk>/ubah/", training.event_edit, name="event_edit"),
    path("pelatihan/<int:pk>/undang/", training.event_invite, name="event_invite"),
    path(
        "pelatihan/<int:pk>/peserta.<str:fmt>",
        training.participant_export,
        name="participant_export",
    ),
    path("pelatihan/<int:pk>/materi/", training.material_add, name="material_add"),
    path(
        "pelatihan/<int:pk>/materi/<int:material_id>/",
        training.material_download,
        name="material_download",
    ),
    path("pelatihan/<int:pk>/kode/<str:day>/", training.checkin_code, name="checkin_code"),
    path("pelatihan/<int:pk>/hadir/<str:day>/", training.attendance, name="attendance"),
    path("pelatihan/<int:pk>/tes/", training.test_page, name="event_test"),
    path("pelatihan/<int:pk>/nilai/", training.scores_save, name="scores_save"),
    path("pelatihan/<int:pk>/sertifikat/", training.certificates, name="event_certificates"),
    path(
        "pelatihan/<int:pk>/sertifikat/<int:participant_id>.pdf",
        training.certificate_pdf,
        name="certificate_pdf",
    ),
    path("belum-terlatih/", training.untrained, name="untrained"),
    path("belum-terlatih/ekspor.<str:fmt>", training.untrained_export, name="untrained_export"),
    # Decrees (SK) and allowances (tali asih)
    path("<int:pk>/sk/baru/", appointments.appointment_create, name="appointment_create"),
    path(
        "<int:pk>/sk/<int:appointment_id>/berhenti/",
        appointments.appointment_end,
        name="appointment_end",
    ),
    path(
        "<int:pk>/sk/<int:appointment_id>/berkas/",
        appointments.appointment_file,
        name="appointment_file",
    ),
    path("<int:pk>/rekening/", appointments.bank_edit, name="bank_edit"),
    path("sk/", appointments.appointment_list, name="appointment_list"),
    path("sk/ekspor.<str:fmt>", appointments.appointment_export, name="appointment_export"),
    path("tali-asih/", appointments.period_list, name="period_list"),
    path("tali-asih/<int:pk>/", appointments.period_detail, name="period_detail"),
    path("tali-asih/<int:pk>/ekspor.<str:fmt>", appointments.period_export, name="period_export"),
]
