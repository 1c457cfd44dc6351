"""Vocabularies of the registry, following SIAK (Dukcapil) and the verivali instrument."""

from django.db import models


class Sex(models.TextChoices):
    MALE = "L", "Laki-laki"
    FEMALE = "P", "Perempuan"


class Relation(models.TextChoices):
    HEAD = "kepala", "Kepala Keluarga"
    HUSBAND = "suami", "Suami"
    WIFE = "istri", "Istri"
    CHILD = "anak", "Anak"
    CHILD_IN_LAW = "menantu", "Menantu"
    GRANDCHILD = "cucu", "Cucu"
    PARENT = "orang_tua", "Orang Tua"
    PARENT_IN_LAW = "mertua", "Mertua"
    OTHER_FAMILY = "famili_lain", "Famili Lain"
    HELPER = "pembantu", "Pembantu"
    OTHER = "lainnya", "Lainnya"


class MaritalStatus(models.TextChoices):
    SINGLE = "belum_kawin", "Belum Kawin"
    MARRIED = "kawin", "Kawin"
    DIVORCED = "cerai_hidup", "Cerai Hidup"
    WIDOWED = "cerai_mati", "Cerai Mati"


class Education(models.TextChoices):
    NONE = "tidak_sekolah", "Tidak/Belum Sekolah"
    SD_NOT_FINISHED = "belum_tamat_sd", "Belum Tamat SD/Sederajat"
    SD = "sd", "Tamat SD/Sederajat"
    SMP = "smp", "SLTP/Sederajat"
    SMA = "sma", "SLTA/Sederajat"
    D1_D2 = "d1_d2", "Diploma I/II"
    D3 = "d3", "Akademi/Diploma III/Sarjana Muda"
    S1 = "s1", "Diploma IV/Strata I"
    S2 = "s2", "Strata II"
    S3 = "s3", "Strata III"


class Disability(models.TextChoices):
    PHYSICAL = "fisik", "Fisik"
    INTELLECTUAL = "intelektual", "Intelektual"
    MENTAL = "mental", "Mental"
    SENSORY = "sensorik", "Sensorik"


class LifeStatus(models.TextChoices):
    ALIVE = "hidup", "Hidup"
    DIED = "meninggal", "Meninggal"
    MOVED = "pindah", "Pindah"


class MissingIdReason(models.TextChoices):
    NO_DOCUMENTS = "tidak_punya_dokumen", "Tidak memiliki dokumen kependudukan"
    NOT_RECORDED = "belum_rekam", "Belum melakukan perekaman/pencatatan"
    UNKNOWN = "tidak_diketahui", "Tidak diketahui/tidak dapat ditunjukkan"
    OTHER = "lainnya", "Lainnya"


class HouseOwnership(models.TextChoices):
    OWN = "milik_sendiri", "Milik sendiri"
    RENT = "kontrak_sewa", "Kontrak/sewa"
    FREE = "bebas_sewa", "Bebas sewa"
    OFFICIAL = "dinas", "Dinas"
    OTHER = "lainnya", "Lainnya"


class LandStatus(models.TextChoices):
    OWN = "milik_sendiri", "Milik sendiri"
    OTHERS = "milik_orang_lain", "Milik orang lain"
    STATE = "tanah_negara", "Tanah negara"
    OTHER = "lainnya", "Lainnya"
