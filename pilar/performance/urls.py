from django.urls import path

from pilar.performance import views

app_name = "performance"

urlpatterns = [
    path("", views.monthly_page, name="monthly"),
    path("ekspor.<str:fmt>", views.monthly_export, name="monthly_export"),
    path("pelatihan/<int:pk>/", views.training_effect_page, name="training_effect"),
]
