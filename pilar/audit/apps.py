from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "pilar.audit"
    label = "audit"

    def ready(self) -> None:
        # Here: the trail module reads models, which cannot load while apps import.
        from pilar.audit.trail import connect_signals

        connect_signals()
