"""Vocabularies of the figures: age groups, dirty topics, snapshot methods."""

from __future__ import annotations

from django.db import models

from pilar.ppks.choices import AGE_GROUP_BOUNDS, AgeGroup

__all__ = ["AGE_GROUP_BOUNDS", "AgeGroup", "SnapshotMethod", "Topic", "age_group_sql"]


# SQL for the age group of a person born `birth` on the date `on` (both SQL expressions).
def age_group_sql(birth: str, on: str) -> str:
    age = f"date_part('year', age({on}, {birth}))"
    return (
        f"CASE WHEN {birth} IS NULL THEN '?' WHEN {age} < 6 THEN '0-5' "
        f"WHEN {age} < 18 THEN '6-17' WHEN {age} < 60 THEN '18-59' ELSE '60+' END"
    )


class Topic(models.IntegerChoices):
    """What a write made stale in a kelurahan: each topic is recomputed on its own,
    so a candidate list (programs) does not recount the registry."""

    PPKS = 1, "PPKS"
    AREA = 2, "kependudukan, kemiskinan, RTLH, mutu data"
    PROGRAMS = 3, "program"
    REPORTS = 4, "laporan lapangan"


class SnapshotMethod(models.TextChoices):
    FROZEN = "beku", "dibekukan dari angka berjalan"
    BACKFILL = "susulan", "dihitung ulang dari tanggal catatan"
