from django.apps import AppConfig


class RenovationsConfig(AppConfig):
    name = "pilar.renovations"
    verbose_name = "Bedah Rumah"
