from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "pilar.cases"
    label = "cases"
    verbose_name = "Penanganan PPKS"
