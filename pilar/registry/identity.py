"""NIK and No. KK rules (see domain.md, "Identity numbers").

Messages are Indonesian because they are shown on the field that failed.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.id import nik as stdnum_nik

from pilar.regions.models import Province


@functools.cache
def province_codes() -> frozenset[str]:
    """Province codes never change at run time (loaded by migration); cached for imports."""
    return frozenset(Province.objects.values_list("code", flat=True))


class IdentityError(ValueError):
    """A NIK or No. KK that cannot be right, with the Indonesian reason."""


def clean_digits(raw: object) -> str:
    return "".join(str(raw or "").split()).replace(".", "").replace("-", "")


def validate_nik(raw: object) -> str:
    """Return the 16-digit NIK or raise IdentityError with a clear reason."""
    value = clean_digits(raw)
    if not value.isdigit():
        raise IdentityError("NIK hanya boleh berisi angka.")
    if len(value) != 16:
        raise IdentityError(f"NIK harus 16 digit (tertulis {len(value)} digit).")
    if value[12:] == "0000":
        raise IdentityError("Nomor urut NIK (4 digit terakhir) tidak boleh 0000.")
    if value[:2] not in province_codes():
        raise IdentityError(f"Kode provinsi {value[:2]} pada NIK tidak dikenal.")
    # Not stdnum's validate(): it also requires the regency of first issue to be in
    # its table, but that regency may since have been split or renamed; only the
    # province must be known (domain.md).
    try:
        stdnum_nik.get_birth_date(value)
    except StdnumError as exc:
        raise IdentityError("Tanggal lahir yang tersandi dalam NIK tidak valid.") from exc
    return value


def validate_no_kk(raw: object) -> str:
    """Return the 16-digit No. KK or raise IdentityError (digits and province prefix only;
    no birth-date rule)."""
    value = clean_digits(raw)
    if not value.isdigit():
        raise IdentityError("No. KK hanya boleh berisi angka.")
    if len(value) != 16:
        raise IdentityError(f"No. KK harus 16 digit (tertulis {len(value)} digit).")
    if value[:2] not in province_codes():
        raise IdentityError(f"Kode provinsi {value[:2]} pada No. KK tidak dikenal.")
    return value


@dataclass(frozen=True)
class NikFacts:
    sex: str  # "L" or "P"
    day: int
    month: int
    year2: int  # two-digit year; the century is ambiguous


def nik_facts(nik: str) -> NikFacts:
    day = int(nik[6:8])
    sex = "P" if day > 40 else "L"
    return NikFacts(sex=sex, day=day % 40, month=int(nik[8:10]), year2=int(nik[10:12]))


def nik_mismatches(nik: str, sex: str | None, birth_date: datetime.date | None) -> list[str]:
    """Disagreements between a valid NIK and the entered sex / birth date, in Indonesian."""
    facts = nik_facts(nik)
    problems = []
    if sex and sex != facts.sex:
        label = "perempuan" if facts.sex == "P" else "laki-laki"
        problems.append(f"NIK menunjukkan jenis kelamin {label}, berbeda dengan yang diisi.")
    if birth_date and (
        birth_date.day != facts.day
        or birth_date.month != facts.month
        or birth_date.year % 100 != facts.year2
    ):
        problems.append(
            f"NIK menunjukkan tanggal lahir {facts.day:02d}-{facts.month:02d}-xx{facts.year2:02d}, "
            f"berbeda dengan yang diisi ({birth_date:%d-%m-%Y})."
        )
    return problems
