from django.urls import path

from pilar.audit import views

app_name = "audit"

urlpatterns = [
    path("buka/<str:kind>/<int:pk>/", views.reveal, name="reveal"),
]
