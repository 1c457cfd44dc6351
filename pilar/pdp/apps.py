from django.apps import AppConfig


class PdpConfig(AppConfig):
    name = "pilar.pdp"
    label = "pdp"
    verbose_name = "Pelindungan data pribadi"
