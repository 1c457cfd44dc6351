from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "pilar.exports"
    label = "exports"
    verbose_name = "Ekspor data"
