"""Pattern 9 for cases: every object a request names in a body, form or query string
(the PPKS record a case is opened for, the worker assigned, the enrollment an
intervention links) is looked up through the caller's scope and the health-data
rule. Out of area, hidden (restricted health type) and missing give one and the same
answer, and nothing is written."""

from __future__ import annotations

import json

import pytest

from pilar.cases import actions
from pilar.cases.models import Case, CaseStep, Intervention
from pilar.conftest import (
    MISSING_ID,
    VILLAGE_B,
    assert_same_answer,
    bearer,
    make_household,
    make_user,
    move_outside_region,
    row_counts,
)
from pilar.programs.choices import EnrollmentStatus
from pilar.programs.models import Enrollment, Program

from .helpers import ODHA, days_ago, person_record

pytestmark = pytest.mark.django_db

URL = "/api/v1/cases"
WRITTEN = (Case, CaseStep, Intervention)


def post(client, url, body, user):
    return client.post(url, data=json.dumps(body), content_type="application/json", **bearer(user))


def open_body(record_id, **extra) -> dict:
    return {"record_id": record_id, "intake_source": "laporan", **extra}


@pytest.fixture
def records(dinsos):
    """A plain record and an ODHA record in kelurahan A, one outside the region."""
    outside = person_record(dinsos)
    move_outside_region(outside.household)
    return {
        "plain": person_record(dinsos),
        "odha": person_record(dinsos, ppks_type=ODHA),
        "outside": outside,
    }


@pytest.fixture
def strangers(db, psm_b, pimpinan):
    """Users a case in kelurahan A may not be assigned to, by reason."""
    gone = make_user("psm-a-gone", "psm", village="36.71.01.1001")
    gone.is_active = False
    gone.save()
    return {
        "other_area": psm_b,
        "wrong_role": pimpinan,
        "inactive": gone,
        "mitra": make_user("mitra-x", "mitra"),
    }


# Opening a case: the record named in the body / query string ----------------------


def test_api_open_record_outside_hidden_or_missing_reads_alike(
    client, records, psm_a, psm_b, dinsos
):
    before = row_counts(*WRITTEN)
    outside = post(client, URL, open_body(records["plain"].pk), psm_b)  # A's record, PSM of B
    hidden = post(client, URL, open_body(records["odha"].pk), psm_a)  # in area, health data
    missing = post(client, URL, open_body(MISSING_ID), psm_a)
    assert missing.status_code == 404
    assert_same_answer(outside, hidden, missing)
    # City-wide Dinas Sosial: a record outside the deployment region is not theirs either.
    beyond = post(client, URL, open_body(records["outside"].pk), dinsos)
    assert_same_answer(beyond, post(client, URL, open_body(MISSING_ID), dinsos), missing)
    assert row_counts(*WRITTEN) == before


def test_open_page_record_in_query_string(client, records, psm_a, psm_b, dinsos):
    before = row_counts(*WRITTEN)
    answers = []
    for user, record_id in (
        (psm_b, records["plain"].pk),
        (psm_a, records["odha"].pk),
        (psm_a, MISSING_ID),
        (dinsos, records["outside"].pk),
        (dinsos, MISSING_ID),
    ):
        client.force_login(user)
        answers.append(client.get(f"/penanganan/buka/?record={record_id}"))
        answers.append(
            client.post(f"/penanganan/buka/?record={record_id}", {"intake_source": "laporan"})
        )
        answers.append(client.get(f"/penanganan/data-ppks/{record_id}/"))
    assert answers[0].status_code == 404
    assert_same_answer(*answers)
    assert row_counts(*WRITTEN) == before


# The worker named in a body or form --------------------------------------------------


def _worker_ids(strangers, psm_a, record_kind: str) -> list[tuple[str, int]]:
    ids = [(name, u.pk) for name, u in strangers.items()] + [("missing", MISSING_ID)]
    if record_kind == "odha":
        # PSM of the very kelurahan, but an ODHA case is Dinas Sosial's (health data).
        ids.append(("no_health_access", psm_a.pk))
    return ids


@pytest.mark.parametrize("kind", ["plain", "odha"])
def test_api_open_with_worker_refused_like_missing(client, records, strangers, psm_a, dinsos, kind):
    record = records[kind]
    before = row_counts(*WRITTEN)
    answers = {
        name: post(client, URL, open_body(record.pk, assigned_to_id=wid), dinsos)
        for name, wid in _worker_ids(strangers, psm_a, kind)
    }
    missing = answers.pop("missing")
    assert missing.status_code == 422
    assert missing.json()["errors"] == {"assigned_to_id": [actions.MSG_NO_WORKER]}
    assert_same_answer(missing, *answers.values())
    assert row_counts(*WRITTEN) == before
    # Whoever may work the case is accepted (the lookup is not refusing everyone).
    ok = post(client, URL, open_body(record.pk, assigned_to_id=dinsos.pk), dinsos)
    assert ok.status_code == 201, ok.content
    assert Case.objects.get(pk=ok.json()["id"]).assigned_to == dinsos


@pytest.mark.parametrize("kind", ["plain", "odha"])
def test_api_assign_refused_like_missing(client, records, strangers, psm_a, dinsos, kind):
    case = actions.open_case(records[kind], acting_user=dinsos, source="laporan")
    before = row_counts(*WRITTEN)
    url = f"{URL}/{case.pk}/assign"
    answers = [
        post(client, url, {"worker_id": wid}, dinsos)
        for _, wid in _worker_ids(strangers, psm_a, kind)
    ]
    assert answers[0].status_code == 422
    assert answers[0].json()["errors"] == {"worker_id": [actions.MSG_NO_WORKER]}
    assert_same_answer(*answers)
    assert row_counts(*WRITTEN) == before
    case.refresh_from_db()
    assert case.assigned_to is None


@pytest.mark.parametrize("kind", ["plain", "odha"])
def test_pages_open_and_assign_refuse_worker_like_missing(
    client, records, strangers, psm_a, dinsos, kind
):
    record = records[kind]
    case_record = person_record(dinsos, ppks_type=record.ppks_type.number)
    case = actions.open_case(case_record, acting_user=dinsos, source="laporan")
    client.force_login(dinsos)
    before = row_counts(*WRITTEN)
    ids = _worker_ids(strangers, psm_a, kind)
    opened = [
        client.post(
            f"/penanganan/buka/?record={record.pk}",
            {"intake_source": "laporan", "assigned_to": str(wid), "intake_date": days_ago(1)},
        )
        for _, wid in ids
    ]
    assigned = [
        client.post(f"/penanganan/{case.pk}/tugaskan/", {"assigned_to": str(wid)}) for _, wid in ids
    ]
    assert opened[0].status_code == 200
    assert actions.MSG_NO_WORKER in opened[0].content.decode()
    assert_same_answer(*opened)
    assert actions.MSG_NO_WORKER in assigned[0].content.decode()
    assert_same_answer(*assigned)
    assert row_counts(*WRITTEN) == before
    case.refresh_from_db()
    assert case.assigned_to is None


def test_worker_dropdown_lists_only_who_may_work_the_case(client, records, psm_a, tksk_a, dinsos):
    client.force_login(dinsos)
    plain = client.get(f"/penanganan/buka/?record={records['plain'].pk}").content.decode()
    odha = client.get(f"/penanganan/buka/?record={records['odha'].pk}").content.decode()
    assert f'value="{psm_a.pk}"' in plain and f'value="{tksk_a.pk}"' in plain
    assert f'value="{psm_a.pk}"' not in odha and f'value="{tksk_a.pk}"' not in odha
    assert f'value="{dinsos.pk}"' in odha


# The enrollment an intervention links --------------------------------------------------


def test_api_intervention_enrollment_outside_reads_like_missing(client, dinsos, psm_a):

    record = person_record(dinsos)
    case = actions.open_case(record, acting_user=dinsos, source="laporan", assigned_to=psm_a)
    actions.assess_case(case, acting_user=psm_a, needs=["ekonomi"])
    program = Program.objects.filter(is_national=False).first()
    other = make_household(dinsos, VILLAGE_B)
    elsewhere = Enrollment.objects.create(
        program=program,
        period=2026,
        household=other,
        village_id=other.village_id,
        status=EnrollmentStatus.APPROVED,
    )
    before = row_counts(*WRITTEN)
    url = f"{URL}/{case.pk}/interventions"
    body = {"kind": "program", "program_id": program.pk}
    outside = post(client, url, {**body, "enrollment_id": elsewhere.pk}, psm_a)
    missing = post(client, url, {**body, "enrollment_id": MISSING_ID}, psm_a)
    assert missing.status_code == 422
    assert_same_answer(outside, missing)
    assert row_counts(*WRITTEN) == before


def test_api_intervention_inactive_program_reads_like_missing(client, dinsos, psm_a):
    """The page offers only active programs; the API refuses the others alike."""
    record = person_record(dinsos)
    case = actions.open_case(record, acting_user=dinsos, source="laporan", assigned_to=psm_a)
    actions.assess_case(case, acting_user=psm_a, needs=["ekonomi"])
    program = Program.objects.filter(is_national=False).first()
    Program.objects.filter(pk=program.pk).update(is_active=False)
    before = row_counts(*WRITTEN)
    url = f"{URL}/{case.pk}/interventions"
    inactive = post(client, url, {"kind": "program", "program_id": program.pk}, psm_a)
    missing = post(client, url, {"kind": "program", "program_id": MISSING_ID}, psm_a)
    assert missing.status_code == 422
    assert_same_answer(inactive, missing)
    assert row_counts(*WRITTEN) == before
