"""What a report names by id is fetched through the reporter's scope and the
health-data rule, on drafts as on submitted reports (issue 11, part 1).

Before the fix a draft (`"submit": false`) named any person or PPKS record in the
city and its detail showed their registry values. Each probe here names (a) an
object outside the reporter's area, (b) a restricted health record, (c) an id that
does not exist: the three answers must be identical and nothing may be written.
"""

from __future__ import annotations

import datetime
import json
import uuid

import pytest

from pilar.audit.models import AccessLog
from pilar.conftest import VILLAGE_A, make_household, make_nik
from pilar.ppks.actions import create_ppks_record
from pilar.ppks.models import PpksType
from pilar.registry.actions import update_household
from pilar.submissions import actions
from pilar.submissions.models import Submission, SubmissionStep
from pilar.submissions.proposals import proposals
from pilar.submissions.tests.factories import submission_data
from pilar.submissions.tests.test_api import bearer

URL = "/api/v1/reports"
MISSING = 2_000_000_000


@pytest.fixture
def ppks_types(db):
    return {
        "odha": PpksType.objects.get(is_restricted=True, number=16),
        "lansia": PpksType.objects.get(number=8),
        "fakir": PpksType.objects.get(number=24),
    }


@pytest.fixture
def world(dinsos, household_a, household_b, ppks_types):
    """Household A (PSM A's kelurahan) with a second member carrying a restricted
    record; household B (another kecamatan) with a member and a PPKS record."""
    member_a = household_a.members.get()
    sick = make_household(
        dinsos,
        VILLAGE_A,
        members=[
            {
                "nik": make_nik("L", "1980-01-01"),
                "name": "Anwar Rahasia",
                "sex": "L",
                "birth_date": "1980-01-01",
                "relation": "kepala",
            }
        ],
        address="Jl. Rahasia 1",
    )
    sick_person = sick.members.get()
    odha = create_ppks_record(
        acting_user=dinsos, data={"ppks_type": ppks_types["odha"], "person": sick_person}
    )
    far_person = household_b.members.get()
    far_record = create_ppks_record(
        acting_user=dinsos, data={"ppks_type": ppks_types["fakir"], "household": household_b}
    )
    return {
        "member_a": member_a,
        "sick": sick,
        "sick_person": sick_person,
        "odha": odha,
        "far_person": far_person,
        "far_record": far_record,
    }


def _post(client, user, data):
    return client.post(
        URL, data=json.dumps(data, default=str), content_type="application/json", **bearer(user)
    )


def _body(kind, household, payload, submit):
    return {
        "client_id": str(uuid.uuid4()),
        "kind": kind,
        "household_id": household.pk,
        "payload": payload,
        "submit": submit,
        "visit_date": str(datetime.date.today()),
    }


def _counts():
    return (Submission.objects.count(), SubmissionStep.objects.count())


def _person_change(pid):
    return {"persons": [{"person_id": pid, "change": "koreksi", "fields": {"occupation": "Buruh"}}]}


@pytest.mark.parametrize("submit", [False, True])
def test_change_report_naming_a_person_elsewhere_answers_as_missing(
    client, psm_a, household_a, world, submit
):
    answers = []
    for pid in (world["far_person"].pk, MISSING):
        before = _counts()
        response = _post(
            client, psm_a, _body("perubahan", household_a, _person_change(pid), submit)
        )
        assert _counts() == before, "nothing is written"
        answers.append((response.status_code, response.json()["errors"]))
    assert answers[0][0] == answers[1][0] == 422
    # Same message, keyed by the id the client sent.
    assert list(answers[0][1].values()) == list(answers[1][1].values())
    assert "bukan anggota keluarga" in json.dumps(answers[0][1])


@pytest.mark.parametrize("submit", [False, True])
def test_ppks_end_naming_a_record_elsewhere_or_restricted_answers_as_missing(
    client, psm_a, household_a, world, submit
):
    answers = set()
    for household, record_id in (
        (household_a, world["far_record"].pk),  # another kecamatan
        (world["sick"], world["odha"].pk),  # own kelurahan, restricted type
        (household_a, MISSING),
    ):
        before = _counts()
        payload = {"end": [{"record_id": record_id, "reason": "sudah pulih"}]}
        response = _post(client, psm_a, _body("ppks", household, payload, submit))
        assert _counts() == before
        answers.add((response.status_code, json.dumps(response.json(), sort_keys=True)))
    assert len(answers) == 1, answers
    status, text = answers.pop()
    assert status == 422
    assert "Anwar" not in text and "HIV" not in text


@pytest.mark.parametrize("submit", [False, True])
def test_ppks_add_of_a_restricted_type_answers_as_an_unknown_type(
    client, psm_a, world, ppks_types, submit
):
    before = _counts()
    payload = {"add": [{"person_id": world["sick_person"].pk, "ppks_type": 16}]}
    response = _post(client, psm_a, _body("ppks", world["sick"], payload, submit))
    assert response.status_code == 422
    assert _counts() == before
    assert response.json()["errors"]["ppks_add.0.ppks_type"] == [
        "Jenis PPKS '16' tidak dikenal (isi nomor 1–26 atau nama)."
    ]


def test_ppks_add_for_a_person_of_another_household_answers_as_missing(
    client, psm_a, household_a, world
):
    answers = []
    for pid in (world["far_person"].pk, world["sick_person"].pk, MISSING):
        payload = {"add": [{"person_id": pid, "ppks_type": 8}]}
        before = _counts()
        response = _post(client, psm_a, _body("ppks", household_a, payload, False))
        assert _counts() == before
        answers.append((response.status_code, response.json()))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 422


def test_draft_household_elsewhere_is_404_like_missing(client, psm_a, household_b):
    codes = set()
    for hid in (household_b.pk, MISSING):
        before = _counts()
        data = {
            "client_id": str(uuid.uuid4()),
            "kind": "survei_rumah",
            "household_id": hid,
            "payload": {},
            "submit": False,
            "visit_date": str(datetime.date.today()),
        }
        response = _post(client, psm_a, data)
        assert _counts() == before
        codes.add((response.status_code, json.dumps(response.json())))
    assert len(codes) == 1
    assert codes.pop()[0] == 404


def test_a_valid_draft_still_saves_and_shows_only_its_own_household(
    client, psm_a, household_a, world
):
    member = world["member_a"]
    response = _post(
        client, psm_a, _body("perubahan", household_a, _person_change(member.pk), False)
    )
    assert response.status_code == 201, response.content
    submission_id = response.json()["id"]
    assert Submission.objects.get(pk=submission_id).status == "draf"
    detail = client.get(f"{URL}/{submission_id}", **bearer(psm_a)).json()
    rows = {row["path"]: row for row in detail["diff"]}
    assert rows[f"person.{member.pk}.occupation"]["proposed"] == "Buruh"


def test_resubmit_cannot_swap_in_a_person_elsewhere(client, psm_a, tksk_a, household_a, world):
    member = world["member_a"]
    submission, _ = actions.create_submission(
        acting_user=psm_a,
        data=submission_data("perubahan", _person_change(member.pk), household_a),
    )
    actions.return_submission(submission, acting_user=tksk_a, note="cek lagi")
    body = {
        "revision": 1,
        "payload": _person_change(world["far_person"].pk),
        "visit_date": str(datetime.date.today()),
    }
    response = client.post(
        f"{URL}/{submission.pk}/resubmit",
        data=json.dumps(body),
        content_type="application/json",
        **bearer(psm_a),
    )
    assert response.status_code == 422
    submission.refresh_from_db()
    assert submission.payload["persons"][0]["person_id"] == member.pk
    assert submission.revision == 1


def test_current_values_are_read_through_the_readers_scope(
    dinsos, psm_a, tksk_a, household_a, world
):
    """A report validated long ago still names its person; after the person's
    household moved out of the reader's area the reader sees no registry values."""
    member = world["member_a"]
    submission, _ = actions.create_submission(
        acting_user=psm_a, data=submission_data("perubahan", _person_change(member.pk), household_a)
    )
    by_dinsos = {p.path: p for p in proposals(submission, reader=dinsos)}
    assert by_dinsos[f"person.{member.pk}.occupation"].current == member.occupation

    update_household(household_a, acting_user=dinsos, data={"village": "36.71.02.1001"})
    by_psm = {p.path: p for p in proposals(submission, reader=psm_a)}
    row = by_psm[f"person.{member.pk}.occupation"]
    assert row.current is None
    assert row.group == f"Individu #{member.pk}"


def test_reports_with_restricted_health_data_are_dinsos_only(
    client, dinsos, psm_a, tksk_a, admin_user, world
):
    payload = {"end": [{"record_id": world["odha"].pk, "reason": "pindah layanan"}]}
    submission, _ = actions.create_submission(
        acting_user=dinsos, data=submission_data("ppks", payload, world["sick"])
    )
    assert submission.restricted
    for user in (psm_a, tksk_a):
        assert client.get(f"{URL}/{submission.pk}", **bearer(user)).status_code == 404
        assert client.get(f"/laporan/{submission.pk}/", **{}).status_code in (302, 404)
        assert not actions.may_verify(user, submission)
    client.force_login(tksk_a)
    assert client.get(f"/laporan/{submission.pk}/").status_code == 404
    inbox_ids = [r["id"] for r in client.get(f"{URL}/inbox", **bearer(admin_user)).json()["items"]]
    assert submission.pk in inbox_ids  # no TKSK may verify it: Dinas Sosial does
    detail = client.get(f"{URL}/{submission.pk}", **bearer(admin_user)).json()
    assert "Orang dengan HIV/AIDS – Anwar Rahasia" in [row["label"] for row in detail["diff"]]


def test_report_page_of_a_draft_naming_outsiders_cannot_exist(client, psm_a, household_a, world):
    """The page reads the same report: with the draft refused there is nothing to show,
    and no access-log entry for a view of someone else's record was made."""
    before = AccessLog.objects.count()
    _post(
        client,
        psm_a,
        _body("perubahan", household_a, _person_change(world["far_person"].pk), False),
    )
    assert AccessLog.objects.count() == before
    assert not Submission.objects.filter(reporter=psm_a).exists()
