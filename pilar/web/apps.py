from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "pilar.web"
    label = "web"
    verbose_name = "Halaman gabungan"
