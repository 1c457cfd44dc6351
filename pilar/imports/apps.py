from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "pilar.imports"
    label = "imports"
    verbose_name = "Impor data"
