from django.urls import path

from pilar.registry import reveal, views

app_name = "registry"

urlpatterns = [
    path("keluarga/<int:pk>/ubah/", views.household_edit, name="household_edit"),
    path("individu/<int:pk>/ubah/", views.person_edit, name="person_edit"),
    path("individu/<int:pk>/pindah/", views.person_move, name="person_move"),
    # Under /audit/ since the first release: links and bookmarks keep working.
    path("audit/buka/<str:kind>/<int:pk>/", reveal.reveal, name="reveal"),
]
