"""Vocabularies of programs."""

from django.db import models


class Level(models.TextChoices):
    PERSON = "individu", "Individu"
    HOUSEHOLD = "keluarga", "Keluarga"


class BenefitType(models.TextChoices):
    CASH = "tunai", "Bantuan tunai"
    IN_KIND = "barang", "Bantuan barang (natura)"
    SERVICE = "jasa", "Layanan/jasa"
    HOUSE_RENOVATION = "bedah_rumah", "Bedah rumah (rehabilitasi rumah)"


class Frequency(models.TextChoices):
    ONCE = "sekali", "Sekali"
    MONTHLY = "bulanan", "Per bulan"
    YEARLY = "tahunan", "Per tahun"
