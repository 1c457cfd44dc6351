from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "pilar.audit"
    label = "audit"
