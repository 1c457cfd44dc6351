from django.urls import path

from pilar.psks import views

app_name = "psks"

urlpatterns = [
    path("", views.worker_list, name="worker_list"),
    path("baru/", views.worker_create, name="worker_create"),
    path("<int:pk>/", views.worker_detail, name="worker_detail"),
    path("<int:pk>/ubah/", views.worker_edit, name="worker_edit"),
]
