"""Filters and scope: what a request asks for, and which areas its user may read."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q

from pilar.accounts.choices import CITY_ROLES, PERSON_DATA_ROLES, Role
from pilar.core.dates import today
from pilar.core.filtering import int_or_none
from pilar.core.numbers import BIGINT_MAX
from pilar.figures import snapshots
from pilar.figures.choices import AgeGroup
from pilar.ppks.models import PpksType
from pilar.programs.models import Program
from pilar.regions.deployment import normalize_code
from pilar.regions.models import Village

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

SEXES = {"L": "Laki-laki", "P": "Perempuan"}
# Person age groups a filter may choose (household-level records have none).
AGE_GROUPS = {g.value: g.label for g in AgeGroup if g.value}
# Below this, a count of hidden restricted records is shown as "kurang dari N" so a
# small area's total cannot single anyone out.
HIDDEN_SHOWN_FROM = 5

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


# Filters ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What a page, API call or recap asks for. `month` is the first day of a month."""

    month: datetime.date
    kecamatan: str = ""  # district code 36.71.01
    kelurahan: str = ""  # village code 36.71.01.1001
    ppks_type: int | None = None  # PPKS number 1-26
    sex: str = ""  # L / P
    age_group: str = ""  # AgeGroup value
    program: int | None = None  # Program id

    @property
    def is_current(self) -> bool:
        return self.month == snapshots.first_of(today())

    def params(self, **override) -> dict[str, str]:
        """As query parameters (for links to lists and between pages)."""
        values = {
            "bulan": "" if self.is_current else f"{self.month:%Y-%m}",
            "kecamatan": self.kecamatan,
            "kelurahan": self.kelurahan,
            "ppks_type": self.ppks_type or "",
            "jenis_kelamin": self.sex,
            "kelompok_usia": self.age_group,
            "program": self.program or "",
        }
        values.update(override)
        return {k: str(v) for k, v in values.items() if v not in ("", None)}


def current_filters() -> Filters:
    return Filters(month=snapshots.first_of(today()))


def parse_filters(user: User, params: Mapping) -> tuple[Filters, dict[str, str]]:
    """Filters from query parameters (`bulan`=YYYY-MM, `kecamatan`, `kelurahan`,
    `ppks_type`, `jenis_kelamin`, `kelompok_usia`, `program`), checked against the
    user's area. Returns the usable filters and, per parameter, an Indonesian message
    for each value that was refused (that filter is then left out)."""
    problems: dict[str, str] = {}
    this_month = snapshots.first_of(today())
    month = this_month
    raw = str(params.get("bulan") or params.get("month") or "").strip()
    if raw:
        m = MONTH_RE.match(raw)
        if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1900:
            problems["bulan"] = "Bulan harus ditulis TTTT-BB, mis. 2026-11."
        else:
            chosen = datetime.date(int(m.group(1)), int(m.group(2)), 1)
            if chosen > this_month:
                problems["bulan"] = (
                    f"Bulan {snapshots.month_label(chosen)} belum tiba; angka yang ditampilkan "
                    f"adalah bulan berjalan ({snapshots.month_label(this_month)})."
                )
            else:
                month = chosen
    raw_kecamatan = str(params.get("kecamatan") or "").strip()
    raw_kelurahan = str(params.get("kelurahan") or "").strip()
    kecamatan = normalize_code(raw_kecamatan)[:8]
    kelurahan = normalize_code(raw_kelurahan)[:13]
    # A code that cleans away to nothing would silently mean "everywhere".
    for name, raw, code in (
        ("kecamatan", raw_kecamatan, kecamatan),
        ("kelurahan", raw_kelurahan, kelurahan),
    ):
        if raw and not code:
            problems[name] = "Kode wilayah harus berupa angka, misalnya 36.71.01.1001."
    visible = visible_villages(user)
    if kecamatan and not any(v.startswith(kecamatan + ".") for v in visible):
        problems["kecamatan"] = "Kecamatan tidak dikenal atau di luar wilayah Anda."
        kecamatan = ""
    if kelurahan and (
        kelurahan not in visible or (kecamatan and not kelurahan.startswith(kecamatan + "."))
    ):
        problems["kelurahan"] = "Kelurahan tidak dikenal atau di luar wilayah Anda."
        kelurahan = ""
    ppks_type = int_or_none(params.get("ppks_type"))
    # Bounds first: a number beyond the column's range is "unknown", not a database error.
    if ppks_type is not None and not 1 <= ppks_type <= 999:
        ppks_type = 0
    if params.get("ppks_type") not in (None, "") and not (
        ppks_type and PpksType.objects.filter(number=ppks_type).exists()
    ):
        problems["ppks_type"] = "Jenis PPKS tidak dikenal (nomor 1–26)."
        ppks_type = None
    if ppks_type and not user.can_see_health_data:
        if PpksType.objects.filter(number=ppks_type, is_restricted=True).exists():
            problems["ppks_type"] = "Jenis PPKS ini data kesehatan terbatas: tidak dapat dipilih."
            ppks_type = None
    sex = str(params.get("jenis_kelamin") or params.get("sex") or "").upper()
    if sex and sex not in SEXES:
        problems["jenis_kelamin"] = "Jenis kelamin harus L atau P."
        sex = ""
    age_group = str(params.get("kelompok_usia") or params.get("age_group") or "")
    if age_group and age_group not in AGE_GROUPS:
        problems["kelompok_usia"] = "Kelompok usia tidak dikenal."
        age_group = ""
    program = int_or_none(params.get("program"))
    if program is not None and not 1 <= program <= BIGINT_MAX:
        program = 0
    if params.get("program") not in (None, "") and not (
        program and Program.objects.filter(pk=program).exists()
    ):
        problems["program"] = "Program tidak dikenal."
        program = None
    return (
        Filters(
            month=month,
            kecamatan=kecamatan,
            kelurahan=kelurahan,
            ppks_type=ppks_type,
            sex=sex,
            age_group=age_group,
            program=program,
        ),
        problems,
    )


# Scope ------------------------------------------------------------------------------


def _prefix(user: User) -> tuple[str, str] | None:
    """("prefix", code) or ("exact", code) of the user's area; None: no figures."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.role not in PERSON_DATA_ROLES:
        return None
    if user.role in CITY_ROLES:
        return ("prefix", settings.PILAR_REGION + ".")
    if user.role == Role.TKSK and user.district_id:
        return ("prefix", user.district_id + ".")
    if user.role == Role.PSM and user.village_id:
        return ("exact", user.village_id)
    return None


def visible_villages(user: User) -> set[str]:
    """The kelurahan codes of the user's area (remembered on the user object for the
    rest of the request: a page asks several times)."""
    cached = getattr(user, "_figures_visible", None)
    if cached is not None:
        return set(cached)
    codes = _visible_villages_query(user)
    if user is not None:
        try:
            user._figures_visible = frozenset(codes)  # type: ignore[attr-defined]
        except AttributeError:
            pass
    return codes


def _visible_villages_query(user: User) -> set[str]:
    scope = _prefix(user)
    if scope is None:
        return set()
    kind, code = scope
    qs = (
        Village.objects.filter(code=code)
        if kind == "exact"
        else Village.objects.filter(code__startswith=code)
    )
    return set(qs.values_list("code", flat=True))


def _area_q(user: User, flt: Filters) -> Q | None:
    scope = _prefix(user)
    if scope is None:
        return None
    kind, code = scope
    q = Q(village_id=code) if kind == "exact" else Q(village__code__startswith=code)
    if flt.kecamatan:
        q &= Q(village__code__startswith=flt.kecamatan + ".")
    if flt.kelurahan:
        q &= Q(village_id=flt.kelurahan)
    return q


def may_read(user: User) -> bool:
    return _prefix(user) is not None
