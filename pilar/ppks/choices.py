from django.db import models


class Level(models.TextChoices):
    PERSON = "individu", "Individu"
    HOUSEHOLD = "keluarga", "Keluarga"
    COMMUNITY = "komunitas", "Komunitas"


class RecordStatus(models.TextChoices):
    ACTIVE = "aktif", "Aktif"
    ENDED = "selesai", "Selesai"
