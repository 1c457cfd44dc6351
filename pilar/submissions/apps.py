from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "pilar.submissions"
    verbose_name = "Laporan lapangan (verivali)"
    default_auto_field = "django.db.models.BigAutoField"
