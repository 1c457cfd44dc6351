from django.apps import AppConfig


class RecapsConfig(AppConfig):
    name = "pilar.recaps"
    verbose_name = "Rekapitulasi"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Loaded when the apps are ready (the subcommand's module reads models): adds
        # `monthly` to `pilar figures`, which may not import this app (layers).
        from pilar.recaps import cli

        cli.install()
