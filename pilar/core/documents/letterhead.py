"""The letterhead (kop surat) and signature of the office's documents, from the
settings (docs/operations.md, "Official documents"). Blank settings fall back to
what the deployment's region says: "Pemerintah Kota Tangerang", place "Tangerang".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from pilar.regions.models import Regency

REGENCY_PREFIXES = ("Kota ", "Kabupaten ", "Kab. ")


@dataclass(frozen=True)
class Letterhead:
    government: str  # "Pemerintah Kota Tangerang"
    office: str  # "Dinas Sosial"
    address: str  # street, telephone, e-mail (may be blank)
    place: str  # where the document is signed ("Tangerang")
    head_title: str  # "Kepala Dinas Sosial"
    head_name: str  # blank: a dotted line to write the name on
    head_nip: str


def _regency_name() -> str:
    regency = Regency.objects.filter(code=settings.PILAR_REGION).only("name").first()
    return regency.name if regency else settings.PILAR_REGION


def letterhead() -> Letterhead:
    regency = None
    government = settings.PILAR_OFFICE_GOVERNMENT
    place = settings.PILAR_OFFICE_PLACE
    if not government or not place:
        regency = _regency_name()
    if not government:
        government = f"Pemerintah {regency}"
    if not place:
        place = str(regency)
        for prefix in REGENCY_PREFIXES:
            if place.startswith(prefix):
                place = place[len(prefix) :]
                break
    return Letterhead(
        government=government,
        office=settings.PILAR_OFFICE_NAME,
        address=settings.PILAR_OFFICE_ADDRESS,
        place=place,
        head_title=settings.PILAR_OFFICE_HEAD_TITLE,
        head_name=settings.PILAR_OFFICE_HEAD_NAME,
        head_nip=settings.PILAR_OFFICE_HEAD_NIP,
    )
