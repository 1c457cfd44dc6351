"""Who may write household assessments.

Dinas Sosial operators and admins assess. PSM and TKSK read the assessments of
their area (they propose changes through field reports, e.g. a housing survey);
leaders read city-wide; partners (`mitra`) see nothing here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pilar.accounts.choices import Role

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

ASSESSOR_ROLES = {Role.ADMIN, Role.DINSOS}

MSG_NOT_ASSESSOR = (
    "Asesmen hanya dapat dicatat oleh Dinas Sosial. PSM/TKSK mengirim survei rumah "
    "lewat laporan lapangan."
)


def may_assess(user: User) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role in ASSESSOR_ROLES
    )
