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


class EnrollmentStatus(models.TextChoices):
    CANDIDATE = "kandidat", "Kandidat"
    PROPOSED = "diusulkan", "Diusulkan"
    APPROVED = "disetujui", "Disetujui"
    DELIVERED = "disalurkan", "Disalurkan"
    COMPLETED = "selesai", "Selesai"
    REJECTED = "ditolak", "Ditolak"


# Statuses that hold a place in the program period (a person/household is enrolled
# at most once per program period in these).
ACTIVE_ENROLLMENT = (
    EnrollmentStatus.CANDIDATE,
    EnrollmentStatus.PROPOSED,
    EnrollmentStatus.APPROVED,
    EnrollmentStatus.DELIVERED,
    EnrollmentStatus.COMPLETED,
)
# Statuses that count against quota and budget.
COUNTED_ENROLLMENT = (
    EnrollmentStatus.APPROVED,
    EnrollmentStatus.DELIVERED,
    EnrollmentStatus.COMPLETED,
)
# Beneficiaries (what partners see).
BENEFICIARY = COUNTED_ENROLLMENT


class StepAction(models.TextChoices):
    PROPOSE = "usul", "Diusulkan"
    APPROVE = "setujui", "Disetujui"
    REJECT = "tolak", "Ditolak"
    DELIVER = "salurkan", "Disalurkan"
    COMPLETE = "selesaikan", "Diselesaikan"
