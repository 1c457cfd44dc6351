from django.urls import path

from pilar.registry import views

app_name = "registry"

urlpatterns = [
    path("keluarga/", views.household_list, name="household_list"),
    path("keluarga/<int:pk>/ubah/", views.household_edit, name="household_edit"),
    path("individu/<int:pk>/ubah/", views.person_edit, name="person_edit"),
    path("individu/<int:pk>/pindah/", views.person_move, name="person_move"),
]
