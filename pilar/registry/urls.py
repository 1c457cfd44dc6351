from django.urls import path

from pilar.registry import views

app_name = "registry"

urlpatterns = [
    path("keluarga/", views.household_list, name="household_list"),
    path("keluarga/baru/", views.household_create, name="household_create"),
    path("keluarga/<int:pk>/", views.household_detail, name="household_detail"),
    path("keluarga/<int:pk>/ubah/", views.household_edit, name="household_edit"),
    path("keluarga/<int:pk>/anggota/baru/", views.member_create, name="member_create"),
    path("individu/<int:pk>/", views.person_detail, name="person_detail"),
    path("individu/<int:pk>/ubah/", views.person_edit, name="person_edit"),
    path("individu/<int:pk>/pindah/", views.person_move, name="person_move"),
]
