from django.urls import path

from pilar.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("keluarga/", views.household_list, name="household_list"),
    path("keluarga/baru/", views.household_create, name="household_create"),
    path("keluarga/<int:pk>/", views.household_detail, name="household_detail"),
    path("keluarga/<int:pk>/anggota/baru/", views.member_create, name="member_create"),
    path("individu/<int:pk>/", views.person_detail, name="person_detail"),
]
