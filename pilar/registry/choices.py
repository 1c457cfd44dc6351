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


# Block III of the verivali instrument -------------------------------------------


class FloorMaterial(models.TextChoices):
    CERAMIC = "keramik_marmer", "Keramik/marmer/granit"
    TILE = "ubin_tegel", "Ubin/tegel/teraso"
    CEMENT = "semen", "Semen/bata merah"
    GOOD_WOOD = "kayu_baik", "Kayu/papan kualitas tinggi"
    CHEAP_WOOD = "kayu_murah", "Kayu/papan kualitas rendah"
    BAMBOO = "bambu", "Bambu"
    EARTH = "tanah", "Tanah"
    OTHER = "lainnya", "Lainnya"


class WallMaterial(models.TextChoices):
    PLASTERED = "tembok_plester", "Tembok diplester"
    UNPLASTERED = "tembok_tanpa_plester", "Tembok tanpa plester"
    WOOD = "kayu_papan", "Kayu/papan"
    BAMBOO = "anyaman_bambu", "Anyaman bambu"
    ZINC = "seng", "Seng"
    THATCH = "rumbia", "Rumbia/daun"
    OTHER = "lainnya", "Lainnya"


class RoofMaterial(models.TextChoices):
    CONCRETE = "beton", "Beton"
    TILE = "genteng", "Genteng"
    ZINC = "seng", "Seng"
    ASBESTOS = "asbes", "Asbes"
    SHINGLE = "kayu_sirap", "Kayu/sirap"
    BAMBOO = "bambu", "Bambu"
    THATCH = "jerami_ijuk", "Jerami/ijuk/daun/rumbia"
    OTHER = "lainnya", "Lainnya"


class Condition(models.TextChoices):
    GOOD = "baik", "Baik"
    LIGHT = "rusak_ringan", "Rusak ringan"
    HEAVY = "rusak_berat", "Rusak berat (membahayakan)"


class WaterSource(models.TextChoices):
    PIPED = "ledeng", "Air ledeng/PDAM"
    BOTTLED = "air_kemasan", "Air kemasan/isi ulang"
    BOREHOLE = "sumur_bor", "Sumur bor/pompa"
    PROTECTED_WELL = "sumur_terlindung", "Sumur terlindung"
    UNPROTECTED_WELL = "sumur_tak_terlindung", "Sumur tak terlindung"
    PROTECTED_SPRING = "mata_air_terlindung", "Mata air terlindung"
    UNPROTECTED_SPRING = "mata_air_tak_terlindung", "Mata air tak terlindung"
    RIVER = "sungai", "Sungai/danau/waduk"
    RAIN = "air_hujan", "Air hujan"
    OTHER = "lainnya", "Lainnya"


class LightingSource(models.TextChoices):
    PLN_METER = "pln_meteran", "Listrik PLN dengan meteran"
    PLN_SHARED = "pln_tanpa_meteran", "Listrik PLN tanpa meteran (menumpang)"
    NON_PLN = "listrik_non_pln", "Listrik non-PLN"
    NONE = "bukan_listrik", "Bukan listrik (pelita, lampu minyak)"


class Toilet(models.TextChoices):
    OWN = "sendiri", "Sendiri"
    SHARED = "bersama", "Bersama rumah tangga lain"
    PUBLIC = "umum", "MCK umum"
    NONE = "tidak_ada", "Tidak ada"


class CookingFuel(models.TextChoices):
    ELECTRIC = "listrik", "Listrik"
    GAS = "gas", "Gas/elpiji"
    KEROSENE = "minyak_tanah", "Minyak tanah"
    FIREWOOD = "kayu_bakar", "Kayu bakar"
    CHARCOAL = "arang", "Arang/briket"
    OTHER = "lainnya", "Lainnya"
    NONE = "tidak_memasak", "Tidak memasak di rumah"


class RestrictionBasis(models.TextChoices):
    """Why a person's processing is restricted (UU 27/2022; decision 43)."""

    RESTRICTION = "pembatasan", "Permintaan pembatasan pemrosesan (pasal 11)"
    OBJECTION = "keberatan", "Keberatan atas pemrosesan dikabulkan (pasal 10)"


class RestrictedProcessing(models.TextChoices):
    """The processing a restriction stops (what an override may let through)."""

    PROGRAM_CANDIDATE = "kandidat_program", "Pencantuman sebagai kandidat program"
    PROGRAM_APPROVAL = "persetujuan_program", "Pengusulan/persetujuan peserta program"
    PROGRAM_DELIVERY = "penyaluran", "Penyaluran bantuan program"
    CASE = "penanganan", "Penanganan kasus baru"
    RENOVATION = "bedah_rumah", "Bedah Rumah baru"


class OverrideBasis(models.TextChoices):
    """UU 27/2022 art. 20(2): the bases on which the office may still process."""

    LEGAL_OBLIGATION = "kewajiban_hukum", "Pemenuhan kewajiban hukum (pasal 20 ayat 2 huruf c)"
    VITAL_INTEREST = "kepentingan_vital", "Kepentingan vital subjek data (pasal 20 ayat 2 huruf d)"
    PUBLIC_TASK = "tugas_publik", "Tugas pelayanan publik (pasal 20 ayat 2 huruf e)"
