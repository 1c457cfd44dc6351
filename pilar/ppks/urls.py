from django.urls import path

from pilar.ppks import views

app_name = "ppks"

urlpatterns = [
    path("", views.record_list, name="record_list"),
    path("<int:pk>/validasi/", views.record_validate, name="record_validate"),
    path("baru/", views.record_create, name="record_create"),
    path("<int:pk>/selesai/", views.record_end, name="record_end"),
]
