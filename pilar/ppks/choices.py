from django.db import models


class Level(models.TextChoices):
    PERSON = "individu", "Individu"
    HOUSEHOLD = "keluarga", "Keluarga"
    COMMUNITY = "komunitas", "Komunitas"


class RecordStatus(models.TextChoices):
    ACTIVE = "aktif", "Aktif"
    ENDED = "selesai", "Selesai"


class AgeGroup(models.TextChoices):
    """Age groups of the PPKS figures (pilar.figures: age on their reference date) and
    of the PPKS list's filter (age today). The bounds follow the PPKS age rules: balita
    0-5 (type 1), anak 6-17, dewasa 18-59, lansia 60+ (type 8)."""

    TODDLER = "0-5", "0–5 tahun (balita)"
    CHILD = "6-17", "6–17 tahun (anak)"
    ADULT = "18-59", "18–59 tahun (dewasa)"
    ELDERLY = "60+", "60 tahun ke atas (lansia)"
    UNKNOWN = "?", "usia tidak diketahui"
    # A household- or community-level record: no person, no age, no sex.
    NONE = "", "tingkat keluarga/komunitas"


# (lowest age, highest age or None) of each person age group.
AGE_GROUP_BOUNDS = {
    AgeGroup.TODDLER: (0, 5),
    AgeGroup.CHILD: (6, 17),
    AgeGroup.ADULT: (18, 59),
    AgeGroup.ELDERLY: (60, None),
}
