from django.apps import AppConfig


class PpksConfig(AppConfig):
    name = "pilar.ppks"
    label = "ppks"
