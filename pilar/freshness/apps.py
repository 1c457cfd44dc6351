from django.apps import AppConfig


class FreshnessConfig(AppConfig):
    name = "pilar.freshness"
    verbose_name = "Kesegaran data (kunjungan jatuh tempo)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pilar.freshness import signals  # noqa: PLC0415 - app registry is ready only now

        signals.connect()
