"""Pattern 9 for programs: every candidate, enrollment, household or person a request
names in its body or form (manual candidates, the enrollment actions, deliveries,
national participation lists) is looked up through the caller's scope. The managers
(Dinas Sosial, admin) are city-wide, so "outside the area" is a row outside the
deployment region; a PSM is refused before any lookup. Out of area and missing give
one and the same answer, and nothing is written. Enrollments hold no health data,
so the health-data rule has no case here."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from pilar.accounts.choices import Role
from pilar.conftest import (
    MISSING_ID,
    VILLAGE_A,
    VILLAGE_B,
    assert_same_answer,
    bearer,
    make_user,
    move_outside_region,
    row_counts,
)
from pilar.core.dates import today
from pilar.core.errors import NotAllowed
from pilar.ppks.actions import create_ppks_record
from pilar.programs import enrollment as en
from pilar.programs.enrollment.transitions import MSG_STALE
from pilar.programs.models import Candidate, Delivery, Enrollment, EnrollmentStep, Program
from pilar.programs.tests.factories import child, head, household
from pilar.registry.models import Person

pytestmark = pytest.mark.django_db

URL = "/api/v1/programs"
WRITTEN = (Candidate, Enrollment, EnrollmentStep, Delivery)


def post(client, url, body, user):
    return client.post(url, data=json.dumps(body), content_type="application/json", **bearer(user))


@pytest.fixture
def terang(dinsos):
    program = Program.objects.get(code="tangerang-terang")  # households, one-off
    program.year, program.amount, program.budget = today().year, Decimal("1000000"), None
    program.save()
    return program


@pytest.fixture
def cerdas(dinsos):
    program = Program.objects.get(code="tangerang-cerdas")  # persons, monthly
    program.year, program.start_date, program.end_date = today().year, None, None
    program.save()
    return program


def _to(program, status: str, who, dinsos):
    """Enroll `who` and take it to `status` through the actions."""
    key = "person" if program.level == "individu" else "household"
    row = en.enroll(program, acting_user=dinsos, **{key: who})
    if status == "kandidat":
        return row
    en.propose(program, [row.pk], acting_user=dinsos)
    if status != "diusulkan":
        en.approve(program, [row.pk], acting_user=dinsos)
    if status == "disalurkan":
        en.deliver(
            Enrollment.objects.get(pk=row.pk),
            acting_user=dinsos,
            delivered_on=today(),
            amount=program.amount,
            note="Tunai",
        )
    return Enrollment.objects.get(pk=row.pk)


@pytest.fixture
def outside(dinsos, terang):
    """One row of each status whose household is outside the deployment region."""
    rows = {}
    for status in ("kandidat", "diusulkan", "disetujui", "disalurkan"):
        hh = household(dinsos, VILLAGE_A, desil=2)
        rows[status] = _to(terang, status, hh, dinsos)
        move_outside_region(hh)
    return rows


# The enrollment actions: ids in the body (API) and the form (page) ----------------------

ACTIONS = [
    ("propose", "kandidat", {}),
    ("approve", "diusulkan", {}),
    ("approve", "kandidat", {}),  # a candidate id used to be named "berstatus kandidat"
    ("reject", "disetujui", {"reason": "Tidak memenuhi syarat"}),
    ("complete", "disalurkan", {}),
]


@pytest.mark.parametrize("action,status,extra", ACTIONS)
def test_api_enrollment_action_outside_reads_like_missing(
    client, dinsos, terang, outside, action, status, extra
):
    url = f"{URL}/{terang.pk}/enrollments/{action}"
    before = row_counts(*WRITTEN)
    beyond = post(client, url, {"ids": [outside[status].pk], **extra}, dinsos)
    missing = post(client, url, {"ids": [MISSING_ID], **extra}, dinsos)
    assert missing.status_code == 422
    assert missing.json()["errors"] == {"__all__": [MSG_STALE]}
    assert_same_answer(beyond, missing)
    assert row_counts(*WRITTEN) == before
    assert Enrollment.objects.get(pk=outside["disetujui"].pk).status == "disetujui"


@pytest.mark.parametrize("action,status,extra", ACTIONS)
def test_psm_refused_before_any_lookup(client, psm_a, terang, outside, action, status, extra):
    url = f"{URL}/{terang.pk}/enrollments/{action}"
    answers = [
        post(client, url, {"ids": [i], **extra}, psm_a) for i in (outside[status].pk, MISSING_ID)
    ]
    assert answers[0].status_code == 403
    assert_same_answer(*answers)


@pytest.mark.parametrize("op,status", [("propose", "kandidat"), ("approve", "diusulkan")])
def test_page_enrollment_action_outside_reads_like_missing(
    client, dinsos, terang, outside, op, status
):
    client.force_login(dinsos)
    url = f"/program/{terang.pk}/peserta/usulan/aksi/"
    before = row_counts(*WRITTEN)
    beyond = client.post(url, {"op": op, "ids": [str(outside[status].pk)]}, follow=True)
    missing = client.post(url, {"op": op, "ids": [str(MISSING_ID)]}, follow=True)
    assert MSG_STALE in missing.content.decode()
    assert_same_answer(beyond, missing)
    assert row_counts(*WRITTEN) == before


def test_page_single_delivery_outside_reads_like_missing(client, dinsos, terang, outside):
    client.force_login(dinsos)
    url = f"/program/{terang.pk}/peserta/penyaluran/aksi/"
    form = {"op": "deliver", "delivered_on": today().isoformat(), "amount": "1000000"}
    before = row_counts(*WRITTEN)
    beyond = client.post(url, {**form, "enrollment": str(outside["disetujui"].pk), "note": "x"})
    missing = client.post(url, {**form, "enrollment": str(MISSING_ID), "note": "x"})
    assert missing.status_code == 404
    assert_same_answer(beyond, missing)
    assert row_counts(*WRITTEN) == before


def test_deliver_action_rechecks_the_area(dinsos, outside):

    before = row_counts(*WRITTEN)
    with pytest.raises(NotAllowed):
        en.deliver(
            outside["disetujui"],
            acting_user=dinsos,
            delivered_on=today(),
            amount="1000000",
            note="Tunai",
        )
    assert row_counts(*WRITTEN) == before


def test_api_delivery_of_enrollment_outside_reads_like_missing(client, dinsos, outside):
    before = row_counts(*WRITTEN)
    body = {"delivered_on": today().isoformat(), "amount": 1000000, "note": "Tunai"}
    beyond = post(client, f"{URL}/enrollments/{outside['disetujui'].pk}/deliveries", body, dinsos)
    missing = post(client, f"{URL}/enrollments/{MISSING_ID}/deliveries", body, dinsos)
    assert missing.status_code == 404
    assert_same_answer(beyond, missing)
    assert row_counts(*WRITTEN) == before


def test_api_month_batch_outside_reads_like_missing(client, dinsos, cerdas):
    pupil = household(dinsos, VILLAGE_A, desil=1, members=[head(), child("Ani", "2016-04-01")])
    row = _to(cerdas, "disetujui", pupil.members.get(name="Ani"), dinsos)
    move_outside_region(pupil)
    url = f"{URL}/{cerdas.pk}/deliveries/month"
    body = {
        "period_month": f"{today():%Y-%m}",
        "delivered_on": today().isoformat(),
        "note": "Transfer bank",
    }
    before = row_counts(*WRITTEN)
    beyond = post(client, url, {**body, "ids": [row.pk]}, dinsos)
    missing = post(client, url, {**body, "ids": [MISSING_ID]}, dinsos)
    assert missing.status_code == 422
    assert_same_answer(beyond, missing)
    assert row_counts(*WRITTEN) == before


# Manual candidates: the household / person in the body ----------------------------------


def test_api_manual_candidate_outside_inactive_or_missing_reads_alike(
    client, dinsos, psm_b, terang, cerdas
):

    beyond = household(dinsos, VILLAGE_A, desil=2)
    move_outside_region(beyond)
    merged = household(dinsos, VILLAGE_A, members=[head(), child("Ani", "2016-04-01")])
    gone = merged.members.get(name="Ani")
    Person.objects.filter(pk=gone.pk).update(is_active=False)  # merged away by dedup
    far = household(dinsos, VILLAGE_B, members=[head(), child("Budi", "2015-04-01")])
    a_home = household(dinsos, VILLAGE_A, desil=2)
    before = row_counts(*WRITTEN)
    hh_url = f"{URL}/{terang.pk}/candidates/manual"
    person_url = f"{URL}/{cerdas.pk}/candidates/manual"
    answers = [
        post(client, hh_url, {"household_id": beyond.pk}, dinsos),
        post(client, hh_url, {"household_id": MISSING_ID}, dinsos),
        post(client, person_url, {"person_id": beyond.members.first().pk}, dinsos),
        post(client, person_url, {"person_id": gone.pk}, dinsos),
        post(client, person_url, {"person_id": MISSING_ID}, dinsos),
        # A PSM of B naming A's household or a person of A: as missing (not 403).
        post(client, hh_url, {"household_id": a_home.pk}, psm_b),
        post(client, hh_url, {"household_id": MISSING_ID}, psm_b),
    ]
    assert answers[0].status_code == 404
    assert_same_answer(*answers)
    assert row_counts(*WRITTEN) == before
    # The same endpoint still lists one inside the area.
    ok = post(client, person_url, {"person_id": far.members.get(name="Budi").pk}, dinsos)
    assert ok.status_code == 201, ok.content


def test_enroll_action_rechecks_area_and_active(dinsos, terang):

    beyond = household(dinsos, VILLAGE_A, desil=2)
    move_outside_region(beyond)
    before = row_counts(*WRITTEN)
    with pytest.raises(NotAllowed):
        en.enroll(terang, acting_user=dinsos, household=beyond)
    assert row_counts(*WRITTEN) == before


# National participation: a list of numbers must not become an oracle ---------------------


def test_national_numbers_outside_read_like_unknown(client, dinsos):
    pkh = Program.objects.get(code="pkh")
    beyond = household(dinsos, VILLAGE_A)
    recorded = household(dinsos, VILLAGE_A)
    url = f"{URL}/{pkh.pk}/participants"
    body = {"period": 2026, "source": "SIKS-NG"}
    # Recorded while it was inside, then outside: not "already recorded" either.
    assert post(client, url, {**body, "numbers": [recorded.no_kk]}, dinsos).json()["created"] == 1
    move_outside_region(beyond)
    move_outside_region(recorded)
    unknown = "3671019999999999"
    before = row_counts(*WRITTEN)
    answers = {
        number: post(client, url, {**body, "numbers": [number]}, dinsos)
        for number in (beyond.no_kk, recorded.no_kk, unknown)
    }
    shapes = {
        json.dumps(r.json()).replace(number, "N")
        for number, r in answers.items()
        if r.status_code == 200
    }
    assert len(shapes) == 1 and len(answers) == 3
    assert answers[unknown].json()["not_found"] == [unknown]
    assert row_counts(*WRITTEN) == before


# Partner API: a masked number cannot be read digit by digit ------------------------------


def test_partner_search_by_number_needs_the_whole_number(client, dinsos, terang):
    hh = household(dinsos, VILLAGE_A, desil=2)
    _to(terang, "disetujui", hh, dinsos)
    partner = make_user("mitra-perkim", Role.MITRA)
    partner.organization = terang.agency
    partner.save()
    client.force_login(partner)
    url = f"{URL}/{terang.pk}/beneficiaries"
    assert client.get(url).json()["count"] == 1
    assert client.get(url, {"q": hh.no_kk[:10]}).json()["count"] == 0
    assert client.get(url, {"q": hh.no_kk}).json()["count"] == 1
    # Staff who may reveal numbers keep searching by their start.
    client.force_login(dinsos)
    assert client.get(url, {"q": hh.no_kk[:10]}).json()["count"] == 1


# The rule preview: a PPKS type named in the rule follows the health-data rule ------------


@pytest.mark.parametrize(
    "level,field",
    [("keluarga", "household_ppks"), ("individu", "household_ppks"), ("individu", "person_ppks")],
)
def test_preview_on_restricted_type_reveals_nobody(
    client, dinsos, psm_a, psm_b, tksk_a, pimpinan, level, field
):

    odha = household(dinsos, VILLAGE_A).members.get()
    create_ppks_record(acting_user=dinsos, data={"ppks_type": 16, "person": odha})
    household(dinsos, VILLAGE_B)
    url = f"{URL}/preview"

    def body(operator):
        rule = {"op": "and", "rules": [{"field": field, "operator": operator, "value": [16]}]}
        return {"level": level, "rule": rule}

    # A's PSM and TKSK and the leader (an ODHA person in their area) answer like B's
    # PSM (none): count 0, nobody listed.
    answers = [post(client, url, body("in"), user) for user in (psm_a, tksk_a, pimpinan, psm_b)]
    assert answers[0].status_code == 200, answers[0].content
    assert answers[0].json()["count"] == 0 and answers[0].json()["items"] == []
    assert_same_answer(*answers)
    # "Has none of": the ODHA person is not singled out by being missing from the list.
    listed = post(client, url, body("not_in"), psm_a).json()
    assert odha.name in json.dumps(listed["items"]) and listed["count"] >= 1
    # Dinas Sosial, who may see health data, still finds them.
    assert post(client, url, body("in"), dinsos).json()["count"] == 1
