"""A small city for the recap tests: two households in kecamatan Tangerang (A), one
in Jatiuwung (B), PPKS records of open and restricted types, a Fakir Miskin
household, PSKS workers, and the kept figures rebuilt."""

from __future__ import annotations

import datetime
import io

import pytest
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from pilar.conftest import DISTRICT_A, VILLAGE_A, VILLAGE_A2, VILLAGE_B, make_household, make_nik
from pilar.figures import refresh
from pilar.ppks.actions import create_ppks_record
from pilar.psks.actions import create_worker
from pilar.psks.models import PsksType

LONG_AGO = "2020-01-01"


def member(name: str, sex: str, birth: str, relation: str) -> dict:
    return {
        "nik": make_nik(sex, birth),
        "name": name,
        "sex": sex,
        "birth_date": birth,
        "relation": relation,
    }


def ppks(user, number: int, *, person=None, household=None, found: str = LONG_AGO):
    data = {"ppks_type": number, "date_found": found}
    if person is not None:
        data["person"] = person
    else:
        data["household"] = household
    return create_ppks_record(acting_user=user, data=data)


@pytest.fixture
def city(dinsos):
    """Kecamatan A: a Pengemis (L), a Gelandangan (P), a Fakir Miskin household, a
    Lanjut Usia Terlantar (P); kecamatan B: an ODHA (restricted, L) and a Pengemis (P)."""
    hh1 = make_household(
        dinsos,
        VILLAGE_A,
        members=[
            member("Budi Santoso", "L", "1975-03-12", "kepala"),
            member("Sri Wahyuni", "P", "1978-06-01", "istri"),
        ],
    )
    hh2 = make_household(
        dinsos, VILLAGE_A2, members=[member("Mbah Inah", "P", "1940-02-02", "kepala")]
    )
    hh3 = make_household(
        dinsos,
        VILLAGE_B,
        members=[
            member("Joko Susilo", "L", "1985-01-01", "kepala"),
            member("Rina Susilo", "P", "1987-01-01", "istri"),
        ],
    )
    budi, sri = hh1.memberships.order_by("pk")[0].person, hh1.memberships.order_by("pk")[1].person
    inah = hh2.memberships.get().person
    joko, rina = hh3.memberships.order_by("pk")[0].person, hh3.memberships.order_by("pk")[1].person
    ppks(dinsos, 12, person=budi)
    ppks(dinsos, 11, person=sri)
    ppks(dinsos, 24, household=hh1)
    ppks(dinsos, 8, person=inah)
    ppks(dinsos, 16, person=joko)
    ppks(dinsos, 12, person=rina)
    psm = PsksType.objects.get(number=2)
    tksk = PsksType.objects.get(number=11)
    for name, village in (("Siti", VILLAGE_A), ("Rudi", VILLAGE_A2), ("Dewi", VILLAGE_B)):
        create_worker(
            acting_user=dinsos,
            data={
                "psks_type": psm.pk,
                "name": name,
                "district": village[:8],
                "village": village,
                "active_from": "2024-01-01",
            },
        )
    create_worker(
        acting_user=dinsos,
        data={
            "psks_type": tksk.pk,
            "name": "Agus",
            "district": DISTRICT_A,
            "village": "",
            "active_from": "2024-01-01",
        },
    )
    refresh.rebuild()
    return {"hh1": hh1, "hh2": hh2, "hh3": hh3, "budi": budi, "rina": rina}


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def xlsx_rows(data: bytes) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def find_row(rows: list[list], *stub) -> list:
    for row in rows:
        if tuple(row[: len(stub)]) == stub:
            return row
    raise AssertionError(f"no row {stub}")


def month_before(n: int) -> datetime.date:
    today = datetime.date.today().replace(day=1)
    index = today.year * 12 + today.month - 1 - n
    return datetime.date(index // 12, index % 12 + 1, 1)
