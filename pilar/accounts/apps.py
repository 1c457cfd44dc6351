from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pilar.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Here, not at the top: the middleware module imports the models, which cannot
        # load while Django is still importing the apps.
        from pilar.accounts.middleware import connect_signals

        connect_signals()
