from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Administrator"
    DINSOS = "dinsos", "Operator Dinas Sosial"
    PIMPINAN = "pimpinan", "Pimpinan"
    TKSK = "tksk", "TKSK"
    PSM = "psm", "PSM"
    MITRA = "mitra", "Mitra (API)"


# Roles that see the whole deployment region.
CITY_ROLES = {Role.ADMIN, Role.DINSOS, Role.PIMPINAN}
# Roles that may create and edit registry records (inside their area).
EDITOR_ROLES = {Role.ADMIN, Role.DINSOS, Role.TKSK, Role.PSM}
# Roles that may see person data at all.
PERSON_DATA_ROLES = {Role.ADMIN, Role.DINSOS, Role.PIMPINAN, Role.TKSK, Role.PSM}
# Roles that may reveal a masked NIK / No. KK (each reveal is logged).
REVEAL_ROLES = {Role.ADMIN, Role.DINSOS, Role.TKSK, Role.PSM}
# Roles for which an admin may require TOTP two-factor login.
TWO_FACTOR_ROLES = {Role.ADMIN, Role.DINSOS}
# Roles that see PPKS records of restricted health types (ODHA, NAPZA).
HEALTH_DATA_ROLES = {Role.ADMIN, Role.DINSOS}
# Bulk imports write city-wide data: Dinas Sosial only.
IMPORT_ROLES = {Role.ADMIN, Role.DINSOS}
