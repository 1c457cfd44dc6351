from django.db import models


class Mode(models.TextChoices):
    CONTRACTOR = "kontraktor", "Kontraktor (pihak ketiga)"
    SELF_HELP = "swakelola", "Swakelola (swadaya masyarakat)"


class Status(models.TextChoices):
    PLANNING = "perencanaan", "Perencanaan"
    WORKING = "pelaksanaan", "Pelaksanaan"
    HANDED_OVER = "serah_terima", "Serah terima"
    CANCELLED = "batal", "Dibatalkan"


OPEN_STATUSES = (Status.PLANNING, Status.WORKING)


class CostCategory(models.TextChoices):
    MATERIAL = "bahan", "Bahan bangunan"
    LABOUR = "upah", "Upah tenaga kerja"
    OTHER = "lain", "Lain-lain"


class PhotoKind(models.TextChoices):
    BEFORE = "sebelum", "Sebelum"
    PROGRESS = "progres", "Progres"
    AFTER = "sesudah", "Sesudah"


class StepAction(models.TextChoices):
    OPEN = "buka", "Dibuka dari kepesertaan"
    PLAN = "rab", "RAB disimpan"
    START = "mulai", "Pelaksanaan dimulai"
    PROGRESS = "progres", "Progres dilaporkan"
    PHOTO = "foto", "Foto ditambahkan"
    HANDOVER = "serah_terima", "Serah terima"
    CANCEL = "batal", "Dibatalkan"
