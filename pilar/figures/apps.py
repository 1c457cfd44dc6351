from django.apps import AppConfig


class FiguresConfig(AppConfig):
    name = "pilar.figures"
    label = "figures"
    verbose_name = "Angka dan dasbor"
