from django.apps import AppConfig


class FieldappConfig(AppConfig):
    """The offline field app (PWA) served at /lapangan/ and its sync API."""

    name = "pilar.fieldapp"
    label = "fieldapp"
    verbose_name = "Aplikasi lapangan"
