from django.apps import AppConfig


class DedupConfig(AppConfig):
    name = "pilar.dedup"
    label = "dedup"
    verbose_name = "Duplikat individu"
