from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "pilar.assessments"
    label = "assessments"
    verbose_name = "Asesmen"
