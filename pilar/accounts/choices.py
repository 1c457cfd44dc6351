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
# Roles that hold a "change" scope (area_q): the area a PSM/TKSK writes field reports
# on, and where Dinas Sosial/admin write. Direct registry writes: REGISTRY_WRITE_ROLES.
EDITOR_ROLES = {Role.ADMIN, Role.DINSOS, Role.TKSK, Role.PSM}
# Roles that write the registry (households, persons, PPKS records) directly.
# Field workers (PSM, TKSK) propose changes through field reports instead; those
# reach the registry only when Dinas Sosial validates them (issue 3, decisions.md).
# EDITOR_ROLES still defines whose "change" scope exists: the area a PSM/TKSK
# may report on.
REGISTRY_WRITE_ROLES = {Role.ADMIN, Role.DINSOS}
# Roles that may see person data at all.
PERSON_DATA_ROLES = {Role.ADMIN, Role.DINSOS, Role.PIMPINAN, Role.TKSK, Role.PSM}
# Roles that may reveal a masked NIK / No. KK (each reveal is logged).
REVEAL_ROLES = {Role.ADMIN, Role.DINSOS, Role.TKSK, Role.PSM}
# Roles for which TOTP two-factor login may be required (SecurityPolicy per role, or
# PILAR_REQUIRE_2FA_ROLES in the environment): every role, since TKSK and PSM may
# reveal and export NIKs too.
TWO_FACTOR_ROLES = {Role.ADMIN, Role.DINSOS, Role.PIMPINAN, Role.TKSK, Role.PSM, Role.MITRA}
# Roles that see PPKS records of restricted health types (ODHA, NAPZA).
HEALTH_DATA_ROLES = {Role.ADMIN, Role.DINSOS}
# Bulk imports write city-wide data: Dinas Sosial only.
IMPORT_ROLES = {Role.ADMIN, Role.DINSOS}


class TokenApp(models.TextChoices):
    """The part of the API a token may call (besides /regions, reference data every
    client needs). Empty: the whole API, within its user's rights."""

    ALL = "", "Seluruh API"
    FIELD = "lapangan", "Aplikasi lapangan"
    REGISTRY = "registri", "Registri (keluarga, individu, PPKS)"
    PROGRAMS = "program", "Program dan penyaluran"
    CASES = "penanganan", "Penanganan kasus dan Bedah Rumah"


# URL prefixes under /api/v1 each token app may call.
TOKEN_APP_PREFIXES: dict[str, tuple[str, ...]] = {
    # The field app's phone: its package, reports, notices and a PSM's own training
    # (check-in, "my trainings"); not the training management a clerk does.
    TokenApp.FIELD: (
        "/field/",
        "/reports",
        "/notifications",
        "/training/checkin",
        "/training/mine",
    ),
    TokenApp.REGISTRY: ("/households", "/persons", "/ppks"),
    TokenApp.PROGRAMS: ("/programs",),
    TokenApp.CASES: ("/cases", "/renovations"),
}
TOKEN_SHARED_PREFIXES = ("/regions",)
