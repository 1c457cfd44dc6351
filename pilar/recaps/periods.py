"""Which month and which area a recap covers, and who may ask for it.

Recaps are for the roles that read figures of an area: Dinas Sosial, admin and
leaders (the city, or one kecamatan by kelurahan) and a TKSK (their kecamatan).
A PSM and an API partner get none. A month is `TTTT-BB`, not in the future and not
before the first month the figures hold; an area is the deployment's region code or
one of its kecamatan codes inside the user's area. Anything else is an
`InvalidInput` with an Indonesian message (a 4xx, never a 500); a kecamatan outside
the user's area answers exactly as an unknown one.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings

from pilar.accounts.choices import CITY_ROLES, Role
from pilar.core.dates import today
from pilar.core.errors import InvalidInput
from pilar.core.formatting import month_label
from pilar.recaps import source
from pilar.regions.deployment import districts, regency
from pilar.regions.models import District, Village

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

RECAP_ROLES = CITY_ROLES | {Role.TKSK}
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


def may_read_recaps(user: User) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.role == Role.TKSK:
        return bool(user.district_id)
    return user.role in RECAP_ROLES


@dataclass(frozen=True)
class Area:
    """The area a recap covers: the city (rows by kecamatan) or one kecamatan (rows
    by kelurahan)."""

    code: str
    name: str
    is_city: bool

    @property
    def label(self) -> str:
        return self.name if self.is_city else f"Kecamatan {self.name}"

    @property
    def prefix(self) -> str:
        """Kemendagri code prefix of the kelurahan inside it."""
        return self.code + "."

    @property
    def part_label(self) -> str:
        return "Kecamatan" if self.is_city else "Kelurahan"

    def parts(self) -> list[tuple[str, str]]:
        """(code, name) of the rows: kecamatan of the city, kelurahan of a kecamatan."""
        if self.is_city:
            return [(d.code, d.name) for d in districts()]
        return list(
            Village.objects.filter(district_id=self.code)
            .order_by("code")
            .values_list("code", "name")
        )


def city() -> Area:
    return Area(code=settings.PILAR_REGION, name=regency().name, is_city=True)


def areas_for(user: User) -> list[Area]:
    """The areas `user` may ask recaps for (the first is their default)."""
    if not may_read_recaps(user):
        return []
    if user.role == Role.TKSK:
        district = District.objects.filter(pk=user.district_id).first()
        return [Area(district.code, district.name, False)] if district else []
    return [city()] + [Area(d.code, d.name, False) for d in districts()]


def resolve_area(user: User, code: str | None, field: str = "wilayah") -> Area:
    areas = areas_for(user)
    if not areas:
        raise InvalidInput({field: ["Anda tidak mempunyai wilayah rekap."]})
    text = (code or "").strip()
    if not text:
        return areas[0]
    for area in areas:
        if area.code == text or area.code.replace(".", "") == text.replace(".", ""):
            return area
    raise InvalidInput(
        {field: [f"Kode wilayah tidak dikenal atau di luar wilayah kerja Anda: {text[:20]}."]},
        message="Wilayah tidak dikenal.",
    )


def current_month() -> datetime.date:
    return today().replace(day=1)


def add_months(month: datetime.date, n: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(month: datetime.date) -> datetime.date:
    return add_months(month, 1) - datetime.timedelta(days=1)


def first_month() -> datetime.date:
    """The first month a recap can be made for: the first month the figures hold."""
    return source.first_month() or current_month()


def parse_month(text: str | None, field: str = "bulan") -> datetime.date:
    """'2026-11' -> date(2026, 11, 1); empty -> this month. Refuses a malformed month,
    a month in the future and a month before the first figures."""
    if text is None or not str(text).strip():
        return current_month()
    match = _MONTH.match(str(text))
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
        raise InvalidInput(
            {field: ["Bulan tidak valid: gunakan format TTTT-BB (misalnya 2026-11)."]},
            message="Bulan tidak valid.",
        )
    month = datetime.date(int(match.group(1)), int(match.group(2)), 1)
    if month > current_month():
        raise InvalidInput(
            {field: [f"Bulan {month_label(month)} belum tiba: pilih bulan ini atau sebelumnya."]},
            message="Bulan belum tiba.",
        )
    first = first_month()
    if month < first:
        raise InvalidInput(
            {
                field: [
                    f"Belum ada data untuk bulan {month_label(month)}: data paling awal "
                    f"bulan {month_label(first)}."
                ]
            },
            message="Belum ada data untuk bulan itu.",
        )
    return month


def months_available() -> list[datetime.date]:
    """Every month from the first to this one, newest first (the month picker)."""
    out = []
    month, first = current_month(), first_month()
    while month >= first:
        out.append(month)
        month = add_months(month, -1)
    return out
