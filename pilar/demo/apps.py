from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "pilar.demo"
    label = "demo"
    verbose_name = "Data demo dan sintetis"
