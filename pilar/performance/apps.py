from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "pilar.performance"
    verbose_name = "Kinerja PSKS"
    default_auto_field = "django.db.models.BigAutoField"
