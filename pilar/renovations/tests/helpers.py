"""Building blocks for the Bedah Rumah tests: an RTLH house with an approved
Bedah Rumah enrollment, made through the real actions, and small photos."""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from pilar.conftest import VILLAGE_A, make_household
from pilar.programs import enrollment as enrollment_actions
from pilar.programs.models import Enrollment, Program
from pilar.programs.tests.factories import GOOD_HOUSE, rtlh
from pilar.renovations import actions

SURVEYED = datetime.date(2026, 1, 10)

# The house after the work: sound floor, wall and roof, enough room for 4.
RENOVATED = {**GOOD_HOUSE, "occupants": 4, "floor_area_m2": "36"}

PLAN = {"mode": "swakelola", "contractor": "Pokmas Melati", "planned_start": "2026-03-01"}
ITEMS = [
    {
        "category": "bahan",
        "description": "Bata merah",
        "quantity": "2000",
        "unit": "buah",
        "unit_price": "1.000",
    },
    {
        "category": "bahan",
        "description": "Semen",
        "quantity": "40",
        "unit": "sak",
        "unit_price": "65000",
    },
    {
        "category": "upah",
        "description": "Tukang",
        "quantity": "60",
        "unit": "OH",
        "unit_price": "150000",
    },
]


def jpeg(name: str = "rumah.jpg", size=(64, 48), colour=(180, 120, 60)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def bedah_rumah() -> Program:
    return Program.objects.get(code="bedah-rumah")


def approved_enrollment(dinsos, village: str = VILLAGE_A, *, rtlh_house: bool = True):
    """A household with an RTLH house (survey + assessment) and an approved Bedah
    Rumah enrollment."""
    household = make_household(dinsos, village)
    rtlh(dinsos, household, bad=rtlh_house, on=SURVEYED)
    program = bedah_rumah()
    listed = enrollment_actions.enroll(program, acting_user=dinsos, household=household)
    enrollment_actions.propose(program, [listed.pk], acting_user=dinsos)
    item = Enrollment.objects.get(program=program, household=household)
    enrollment_actions.approve(program, [item.pk], acting_user=dinsos)
    item.refresh_from_db()
    return item


def opened(dinsos, village: str = VILLAGE_A):
    """A renovation just opened from an approved enrollment."""
    return actions.open_renovation(
        approved_enrollment(dinsos, village), acting_user=dinsos, data=PLAN
    )


def working(dinsos, village: str = VILLAGE_A):
    """Planned (RAB), photographed before, and started on 2 March 2026."""
    renovation = opened(dinsos, village)
    actions.save_plan(renovation, acting_user=dinsos, data=PLAN, items=ITEMS)
    actions.add_photos(
        renovation,
        acting_user=dinsos,
        kind="sebelum",
        taken_on="2026-02-20",
        files=[jpeg()],
        data={},
    )
    actions.start_work(renovation, acting_user=dinsos, started_on="2026-03-02")
    renovation.refresh_from_db()
    return renovation


def finished(dinsos, village: str = VILLAGE_A):
    """Work reported at 100 % on 15 April 2026: ready for the handover."""
    renovation = working(dinsos, village)
    actions.report_progress(
        renovation,
        acting_user=dinsos,
        reported_on="2026-04-15",
        percent=100,
        files=[jpeg()],
        data={},
    )
    renovation.refresh_from_db()
    return renovation
