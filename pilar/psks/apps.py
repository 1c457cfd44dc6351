from django.apps import AppConfig


class PsksConfig(AppConfig):
    name = "pilar.psks"
    label = "psks"
