from django.urls import path, re_path

from pilar.dedup import views

app_name = "dedup"

urlpatterns = [
    path("", views.queue, name="queue"),
    re_path(r"^ekspor\.(?P<fmt>xlsx|csv)$", views.export, name="export"),
    path("jalankan/", views.run_start, name="run"),
    path("proses/<int:pk>/", views.run_status, name="run_status"),
    path("pasangan/<int:pk>/", views.pair_detail, name="pair"),
    path("pasangan/<int:pk>/berbeda/", views.pair_different, name="pair_different"),
    path("pasangan/<int:pk>/gabung/", views.merge_form, name="merge"),
    path("penggabungan/<int:pk>/batal/", views.merge_undo, name="undo"),
]
