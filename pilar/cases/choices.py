from django.db import models


class CaseStatus(models.TextChoices):
    INTAKE = "baru", "Penerimaan"
    ASSESSED = "asesmen", "Sudah diasesmen"
    PLAN = "rencana", "Rencana disusun"
    IN_PROGRESS = "proses", "Dalam penanganan"
    CLOSED = "ditutup", "Ditutup"


OPEN_STATUSES = (
    CaseStatus.INTAKE,
    CaseStatus.ASSESSED,
    CaseStatus.PLAN,
    CaseStatus.IN_PROGRESS,
)


class IntakeSource(models.TextChoices):
    REPORT = "laporan", "Laporan (warga, PSM, RT/RW)"
    VISIT = "kunjungan", "Kunjungan / temuan petugas"
    REFERRAL = "rujukan", "Rujukan dari instansi lain"


class NeedArea(models.TextChoices):
    """Need areas of the assessment checklist."""

    ECONOMY = "ekonomi", "Ekonomi / penghasilan"
    FOOD = "pangan", "Pangan"
    HEALTH = "kesehatan", "Kesehatan"
    EDUCATION = "pendidikan", "Pendidikan"
    HOUSING = "perumahan", "Tempat tinggal"
    CARE = "pengasuhan", "Pengasuhan / perawatan"
    PROTECTION = "perlindungan", "Perlindungan / hukum"
    DISABILITY = "disabilitas", "Alat bantu / rehabilitasi disabilitas"
    CIVIL = "adminduk", "Dokumen kependudukan"
    PSYCHOSOCIAL = "psikososial", "Dukungan psikososial"


class InterventionType(models.TextChoices):
    REFER_PANTI = "rujukan_panti", "Rujukan ke panti"
    REFER_LKS = "rujukan_lks", "Rujukan ke LKS"
    REFER_HOSPITAL = "rujukan_rs", "Rujukan ke rumah sakit / puskesmas"
    PROGRAM = "program", "Pendaftaran program"
    COUNSELING = "konseling", "Konseling"
    AID = "bantuan", "Bantuan"


class InterventionStatus(models.TextChoices):
    PLANNED = "rencana", "Direncanakan"
    DONE = "selesai", "Terlaksana"
    CANCELLED = "batal", "Dibatalkan"


class Outcome(models.TextChoices):
    RESOLVED = "terentaskan", "Terentaskan"
    REFERRED = "dirujuk", "Dirujuk"
    DIED = "meninggal", "Meninggal dunia"
    MOVED = "pindah", "Pindah domisili"
    REFUSED = "menolak", "Menolak ditangani"


# Outcomes after which the person is no longer a PPKS of this city (docs/development/
# cases.md): closing with one of them ends the PPKS record in the same transaction.
# "dirujuk" (handled by another institution) and "menolak" leave the need standing.
ENDING_OUTCOMES = {
    Outcome.RESOLVED: "Terentaskan melalui penanganan kasus #{case}",
    Outcome.DIED: "Meninggal dunia (penanganan kasus #{case})",
    Outcome.MOVED: "Pindah domisili ke luar wilayah (penanganan kasus #{case})",
}


class StepAction(models.TextChoices):
    OPENED = "dibuka", "Kasus dibuka"
    ASSIGNED = "ditugaskan", "Petugas ditugaskan"
    ASSESSED = "asesmen", "Asesmen kebutuhan"
    PLANNED = "rencana", "Rencana intervensi ditambah"
    INTERVENTION = "intervensi", "Hasil intervensi dicatat"
    VISITED = "kunjungan", "Kunjungan tindak lanjut"
    CLOSED = "ditutup", "Kasus ditutup"
