from django.apps import AppConfig


class RecapsConfig(AppConfig):
    name = "pilar.recaps"
    verbose_name = "Rekapitulasi"
    default_auto_field = "django.db.models.BigAutoField"
