from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pilar.accounts"
    label = "accounts"

    def ready(self) -> None:
        from pilar.accounts.middleware import connect_signals

        connect_signals()
