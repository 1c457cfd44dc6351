from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "pilar.programs"
    label = "programs"
    verbose_name = "Program"
