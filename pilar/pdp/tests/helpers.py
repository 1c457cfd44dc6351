"""A person with something in every table that can hold them, built through the
real actions (pilar/conftest.py personas), and a bystander in the same household
and in another one, for the access-export and art. 33 tests."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pilar.cases import actions as case_actions
from pilar.conftest import VILLAGE_A, make_household, make_nik
from pilar.dedup.tests.factories import make_pair, person_in_new_household
from pilar.pdp import actions as pdp_actions
from pilar.pdp.models import SubjectRequest
from pilar.ppks.actions import create_ppks_record
from pilar.programs import enrollment as enrollment_actions
from pilar.programs.models import Enrollment, Program
from pilar.programs.tests.factories import poverty, rtlh
from pilar.registry.actions import create_person
from pilar.registry.models import Person
from pilar.renovations import actions as renovation_actions
from pilar.renovations.tests.helpers import ITEMS, PLAN, SURVEYED, bedah_rumah, jpeg
from pilar.submissions import actions as submission_actions
from pilar.submissions.tests.factories import submit_change

SUBJECT_NAME = "Sumarni Wulandari"
SUBJECT_NIK_BIRTH = "1961-04-09"
OTHER_NAME = "Bambang Hartono"
STRANGER_NAME = "Yohanes Prasetyo"


@dataclass
class World:
    subject: Person
    housemate: Person  # another member of the subject's household
    stranger: Person  # someone in another household
    request: SubjectRequest


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rich_subject(dinsos, psm_a, tksk_a) -> World:
    """The subject (a widow, head of her household) with: PPKS record and an open case
    with a visit; a field report about her, verified and validated; poverty and RTLH
    assessments of the house; a Bedah Rumah enrollment, renovation and plan; a Fakir
    Miskin household record; a duplicate pair with a stranger; an access request. Her
    housemate has his own PPKS record and report line, which must not leak."""
    household = make_household(
        dinsos,
        VILLAGE_A,
        members=[
            {
                "nik": make_nik("P", SUBJECT_NIK_BIRTH),
                "name": SUBJECT_NAME,
                "sex": "P",
                "birth_date": SUBJECT_NIK_BIRTH,
                "relation": "kepala",
                "occupation": "Buruh cuci",
            }
        ],
        address="Jl. Kenari Gg. 2 No. 14",
    )
    subject = household.members.get()
    housemate = create_person(
        acting_user=dinsos,
        household=household,
        data={
            "nik": make_nik("L", "1988-07-01"),
            "name": OTHER_NAME,
            "sex": "L",
            "birth_date": "1988-07-01",
            "relation": "anak",
            "chronic_illness": "Diabetes",
        },
    )
    stranger = person_in_new_household(
        dinsos, VILLAGE_A, name=STRANGER_NAME, sex="P", birth=SUBJECT_NIK_BIRTH
    )

    # PPKS: hers (elderly neglected, 8), the household's (Fakir Miskin, 24), his (9).
    record = create_ppks_record(
        acting_user=dinsos,
        data={"ppks_type": 8, "person": subject, "date_found": "2026-01-05"},
    )
    create_ppks_record(
        acting_user=dinsos,
        data={"ppks_type": 24, "household": household, "date_found": "2026-01-05"},
    )
    create_ppks_record(
        acting_user=dinsos,
        data={
            "ppks_type": 9,
            "person": housemate,
            "date_found": "2026-01-05",
            "disability_subtypes": ["fisik"],
        },
    )

    # A field report by the PSM correcting her occupation and his chronic illness.
    report = submit_change(
        psm_a,
        household,
        {
            "persons": [
                {
                    "person_id": subject.pk,
                    "change": "koreksi",
                    "fields": {"occupation": "Pedagang sayur"},
                },
                {
                    "person_id": housemate.pk,
                    "change": "koreksi",
                    "fields": {"chronic_illness": "Diabetes melitus tipe 2"},
                },
            ]
        },
    )
    submission_actions.verify_submission(report, acting_user=tksk_a, note="Sesuai kunjungan")
    report.refresh_from_db()
    submission_actions.validate_submission(report, acting_user=dinsos, note="Valid")

    # A case on her record, with a visit.
    case = case_actions.open_case(
        record, acting_user=dinsos, source="kunjungan", notes="Tinggal sendiri siang hari"
    )
    case_actions.record_visit(
        case, acting_user=dinsos, visited_on=timezone.localdate(), notes="Sehat"
    )

    # Assessments, a Bedah Rumah enrollment and its renovation with a plan.
    rtlh(dinsos, household, bad=True, on=SURVEYED)
    poverty(dinsos, household, poor=True)
    program: Program = bedah_rumah()
    listed = enrollment_actions.enroll(program, acting_user=dinsos, household=household)
    enrollment_actions.propose(program, [listed.pk], acting_user=dinsos)
    item = Enrollment.objects.get(program=program, household=household)
    enrollment_actions.approve(program, [item.pk], acting_user=dinsos)
    item.refresh_from_db()
    renovation = renovation_actions.open_renovation(item, acting_user=dinsos, data=PLAN)
    renovation_actions.save_plan(renovation, acting_user=dinsos, data=PLAN, items=ITEMS)
    renovation_actions.add_photos(
        renovation,
        acting_user=dinsos,
        kind="sebelum",
        taken_on="2026-02-20",
        files=[jpeg()],
        data={},
    )

    # A duplicate pair with the stranger (the linkage engine thought them alike).
    make_pair(subject, stranger, probability=0.62)

    request = pdp_actions.create_request(
        acting_user=dinsos,
        person=subject,
        data={
            "kind": "akses",
            "requester_name": SUBJECT_NAME,
            "channel": "langsung",
            "received_at": timezone.localtime() - datetime.timedelta(hours=2),
            "details": "Meminta salinan seluruh data dan riwayatnya.",
            "identity_checked": True,
        },
    )
    return World(subject=subject, housemate=housemate, stranger=stranger, request=request)


def view_pages(user, world: World) -> None:
    """A few logged accesses: her page, her household's page, his page."""
    client = client_for(user)
    assert client.get(reverse("web:person_detail", args=[world.subject.pk])).status_code == 200
    assert (
        client.get(reverse("web:household_detail", args=[world.subject.household_id])).status_code
        == 200
    )
    assert client.get(reverse("web:person_detail", args=[world.housemate.pk])).status_code == 200
