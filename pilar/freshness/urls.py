from django.urls import path

from pilar.freshness import views

app_name = "freshness"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("ekspor.<str:fmt>", views.overview_export, name="overview_export"),
    path("<str:code>/", views.village_due, name="village"),
    path("<str:code>/ekspor.<str:fmt>", views.village_export, name="village_export"),
]
