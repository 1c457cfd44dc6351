from django.urls import path

from pilar.pdp.views import breaches, records, requests

app_name = "pdp"

urlpatterns = [
    path("", records.index, name="index"),
    path("permintaan/", requests.request_list, name="request_list"),
    path("permintaan/unduh/<str:fmt>/", requests.request_export, name="request_export"),
    path("permintaan/baru/", requests.request_create, name="request_create"),
    path("permintaan/<int:pk>/", requests.request_detail, name="request_detail"),
    path("permintaan/<int:pk>/proses/", requests.request_start, name="request_start"),
    path("permintaan/<int:pk>/perbaiki/", requests.request_correct, name="request_correct"),
    path("permintaan/<int:pk>/putuskan/", requests.request_close, name="request_close"),
    path("permintaan/<int:pk>/cabut/", requests.request_lift, name="request_lift"),
    path("permintaan/<int:pk>/diberitahu/", requests.request_told, name="request_told"),
    path("permintaan/<int:pk>/data.<str:fmt>", requests.request_data, name="request_data"),
    path("insiden/", breaches.breach_list, name="breach_list"),
    path("insiden/unduh/<str:fmt>/", breaches.breach_export, name="breach_export"),
    path("insiden/baru/", breaches.breach_create, name="breach_create"),
    path("insiden/<int:pk>/", breaches.breach_detail, name="breach_detail"),
    path("insiden/<int:pk>/ubah/", breaches.breach_edit, name="breach_edit"),
    path("insiden/<int:pk>/pemberitahuan/", breaches.breach_notice, name="breach_notice"),
    path("insiden/<int:pk>/tutup/", breaches.breach_close, name="breach_close"),
    path("insiden/<int:pk>/surat/<str:to>/", breaches.breach_letter, name="breach_letter"),
    path(
        "insiden/<int:pk>/surat/<str:to>/pdf/",
        breaches.breach_letter,
        {"fmt": "pdf"},
        name="breach_letter_pdf",
    ),
    path("ropa/", records.ropa_page, name="ropa"),
    path("ropa/unduh/<str:fmt>/", records.ropa_export, name="ropa_export"),
    path("dpia/", records.assessment_list, name="assessment_list"),
    path("dpia/<int:pk>/", records.assessment_detail, name="assessment_detail"),
    path("dpia/<int:pk>/setujui/", records.assessment_approve, name="assessment_approve"),
    path("retensi/", records.retention_page, name="retention"),
]
