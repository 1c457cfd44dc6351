"""A restriction or objection in force restricts processing (decision 43): the state on
the person follows the requests (recorded, refused, granted, lifted) with the request
in the history; every processing point refuses or leaves out a restricted person and
writes nothing; an override needs a basis and a reason and is recorded; lifting
restores processing; scope is unchanged."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from pilar.audit.history import event_model
from pilar.cases import actions as case_actions
from pilar.cases.models import Case
from pilar.conftest import VILLAGE_A, VILLAGE_B, make_nik
from pilar.core.errors import InvalidInput
from pilar.core.withheld import HEADER
from pilar.pdp import actions
from pilar.pdp.models import SubjectRequest
from pilar.pdp.tests.helpers import client_for
from pilar.ppks.actions import create_ppks_record
from pilar.programs import enrollment as en
from pilar.programs.models import Candidate, Delivery, Enrollment, Program
from pilar.programs.tests.factories import head, household
from pilar.registry.actions import create_person
from pilar.registry.models import Person, ProcessingOverride
from pilar.submissions.models import Submission
from pilar.submissions.tests.factories import submission_data, submit_change

pytestmark = pytest.mark.django_db

OVERRIDE = {
    "override_basis": "kepentingan_vital",
    "override_reason": "Lansia sakit keras, bantuan pangan darurat wajib disalurkan.",
}


def _request(dinsos, person, kind="pembatasan"):
    return actions.create_request(
        acting_user=dinsos,
        person=person,
        data={
            "kind": kind,
            "requester_name": person.name,
            "channel": "surat",
            "received_at": timezone.localtime() - datetime.timedelta(hours=1),
            "details": "Saya minta data saya tidak diproses dahulu.",
        },
    )


def _fresh(person: Person) -> Person:
    return Person.objects.get(pk=person.pk)


@pytest.fixture
def family(dinsos):
    """A poor household (desil 2) in kelurahan A: a head and a child."""
    hh = household(dinsos, VILLAGE_A, desil=2, members=[head("Suparman")])
    child = create_person(
        acting_user=dinsos,
        household=hh,
        data={
            "nik": make_nik("P", "2012-02-02"),
            "name": "Rina",
            "sex": "P",
            "birth_date": "2012-02-02",
            "relation": "anak",
        },
    )
    return hh, hh.members.get(relation="kepala"), child


@pytest.fixture
def terang(dinsos):
    program = Program.objects.get(code="tangerang-terang")
    program.rule = {"op": "and", "rules": [{"field": "desil", "operator": "lte", "value": 4}]}
    program.year = 2026
    program.amount = Decimal("1000000")
    program.save()
    return program


# The state follows the requests --------------------------------------------------------


def test_open_restriction_restricts_refusal_ends_it_with_the_request_in_history(dinsos, family):
    _, head_person, _ = family
    req = _request(dinsos, head_person)
    person = _fresh(head_person)
    assert person.processing_restricted_since == req.received_at
    assert person.processing_restriction_request == req.pk
    assert person.processing_restriction_kind == "pembatasan"
    events = event_model(Person).objects.filter(pgh_obj_id=person.pk).order_by("pgh_id")
    last = events.last()
    assert last.processing_restriction_request == req.pk
    assert last.pgh_context.metadata["pdp_request"] == req.pk

    actions.close_request(req, acting_user=dinsos, status="ditolak", outcome="Tidak beralasan.")
    person = _fresh(head_person)
    assert person.processing_restricted_since is None
    assert person.processing_restriction_request is None
    assert events.last().pgh_context.metadata["pdp_request"] == req.pk


def test_granted_restriction_holds_until_lifted(dinsos, family):
    _, head_person, _ = family
    req = _request(dinsos, head_person)
    actions.close_request(req, acting_user=dinsos, status="selesai", outcome="Dikabulkan.")
    assert _fresh(head_person).processing_restricted_since is not None
    with pytest.raises(InvalidInput) as exc:
        actions.lift_restriction(req, acting_user=dinsos, reason="")
    assert "alasan" in exc.value.errors["reason"][0].lower()
    assert _fresh(head_person).processing_restricted_since is not None
    actions.lift_restriction(req, acting_user=dinsos, reason="Pemohon mencabut permintaannya.")
    req.refresh_from_db()
    assert req.lifted_at is not None and req.lift_reason.startswith("Pemohon")
    assert req.steps.filter(action="dicabut").exists()
    assert _fresh(head_person).processing_restricted_since is None
    # Lifted once: not again.
    with pytest.raises(InvalidInput):
        actions.lift_restriction(req, acting_user=dinsos, reason="Lagi.")


def test_objection_restricts_only_once_granted(dinsos, family):
    _, head_person, _ = family
    req = _request(dinsos, head_person, kind="keberatan")
    assert _fresh(head_person).processing_restricted_since is None
    actions.close_request(req, acting_user=dinsos, status="selesai", outcome="Dikabulkan.")
    person = _fresh(head_person)
    req.refresh_from_db()
    assert person.processing_restricted_since == req.closed_at
    assert person.processing_restriction_kind == "keberatan"


def test_two_requests_the_restriction_stays_while_one_is_in_force(dinsos, family):
    _, head_person, _ = family
    first = _request(dinsos, head_person)
    actions.close_request(first, acting_user=dinsos, status="selesai", outcome="Dikabulkan.")
    second = _request(dinsos, head_person, kind="keberatan")
    actions.close_request(second, acting_user=dinsos, status="selesai", outcome="Dikabulkan.")
    actions.lift_restriction(first, acting_user=dinsos, reason="Alasan pembatasan selesai.")
    person = _fresh(head_person)
    assert person.processing_restriction_request == second.pk
    actions.lift_restriction(second, acting_user=dinsos, reason="Keberatan dicabut pemohon.")
    assert _fresh(head_person).processing_restricted_since is None


# Programs ------------------------------------------------------------------------------


def test_candidate_list_leaves_out_a_restricted_head_and_lifting_restores(dinsos, family, terang):
    hh, head_person, _ = family
    other = household(dinsos, VILLAGE_B, desil=3)
    req = _request(dinsos, head_person)
    en.generate_candidates(terang, acting_user=dinsos)
    listed = set(Candidate.objects.filter(program=terang).values_list("household_id", flat=True))
    assert listed == {other.pk}
    actions.close_request(req, acting_user=dinsos, status="ditolak", outcome="Tidak beralasan.")
    en.generate_candidates(terang, acting_user=dinsos)
    listed = set(Candidate.objects.filter(program=terang).values_list("household_id", flat=True))
    assert listed == {other.pk, hh.pk}


def test_person_program_candidates_leave_out_a_restricted_person(dinsos, family):
    _, head_person, child = family
    program = Program.objects.get(code="tangerang-cerdas")
    program.rule = {"op": "and", "rules": [{"field": "desil", "operator": "lte", "value": 4}]}
    program.year = 2026
    program.save()
    _request(dinsos, child)
    en.generate_candidates(program, acting_user=dinsos)
    persons = set(Candidate.objects.filter(program=program).values_list("person_id", flat=True))
    assert child.pk not in persons


def test_manual_enroll_refused_then_recorded_override(dinsos, family, terang):
    hh, head_person, _ = family
    req = _request(dinsos, head_person)
    with pytest.raises(InvalidInput) as exc:
        en.enroll(terang, acting_user=dinsos, household=hh)
    message = exc.value.errors["__all__"][0]
    assert "dibatasi" in message and f"#{req.pk}" in message and "pasal 20" in message
    assert exc.value.codes["__all__"] == "processing_restricted"
    assert not Candidate.objects.filter(program=terang).exists()
    assert not ProcessingOverride.objects.exists()
    # A basis without a reason is refused too, nothing written.
    with pytest.raises(InvalidInput) as exc:
        en.enroll(terang, acting_user=dinsos, household=hh, override_basis="kewajiban_hukum")
    assert "override_reason" in exc.value.errors
    assert not ProcessingOverride.objects.exists()

    row = en.enroll(terang, acting_user=dinsos, household=hh, **OVERRIDE)
    assert row.household_id == hh.pk
    override = ProcessingOverride.objects.get()
    assert override.person_id == head_person.pk and override.restriction_request == req.pk
    assert override.purpose == "kandidat_program" and override.basis == "kepentingan_vital"
    assert override.reason == OVERRIDE["override_reason"] and override.actor_id == dinsos.pk


def test_approve_and_deliver_refused_while_restricted(dinsos, family, terang, monkeypatch):
    hh, head_person, _ = family
    listed = en.enroll(terang, acting_user=dinsos, household=hh)
    en.propose(terang, [listed.pk], acting_user=dinsos)
    req = _request(dinsos, head_person)
    with pytest.raises(InvalidInput) as exc:
        en.approve(terang, [listed.pk], acting_user=dinsos)
    assert "Suparman" in exc.value.message and "Tidak ada yang diubah" in exc.value.message
    assert Enrollment.objects.get(pk=listed.pk).status == "diusulkan"

    actions.close_request(req, acting_user=dinsos, status="ditolak", outcome="Tidak beralasan.")
    en.approve(terang, [listed.pk], acting_user=dinsos)
    req = _request(dinsos, head_person)
    row = Enrollment.objects.get(pk=listed.pk)
    pay = {"delivered_on": timezone.localdate(), "amount": "1000000", "note": "Tunai"}
    with pytest.raises(InvalidInput) as exc:
        en.deliver(row, acting_user=dinsos, **pay)
    assert "penyaluran bantuan program tidak dapat dilakukan" in exc.value.message
    assert not Delivery.objects.exists()
    en.deliver(row, acting_user=dinsos, **pay, **OVERRIDE)
    assert Delivery.objects.count() == 1
    assert ProcessingOverride.objects.get().purpose == "penyaluran"


def test_api_gives_422_with_the_message_not_500(dinsos, family, terang):
    hh, head_person, _ = family
    _request(dinsos, head_person)
    client = client_for(dinsos)
    url = f"/api/v1/programs/{terang.pk}/candidates/manual"
    response = client.post(url, {"household_id": hh.pk}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert "Pemrosesan data Suparman dibatasi" in body["message"]
    assert not Candidate.objects.exists()
    response = client.post(
        url, {"household_id": hh.pk, **OVERRIDE}, content_type="application/json"
    )
    assert response.status_code == 201
    assert ProcessingOverride.objects.count() == 1


# Cases ---------------------------------------------------------------------------------


def test_case_refused_without_override_and_recorded_with_it(dinsos, family):
    hh, head_person, _ = family
    # A household-level record (Fakir Miskin): checked against the restricted head.
    record = create_ppks_record(
        acting_user=dinsos,
        data={"ppks_type": 24, "household": hh, "date_found": "2026-01-05"},
    )
    req = _request(dinsos, head_person)
    with pytest.raises(InvalidInput) as exc:
        case_actions.open_case(record, acting_user=dinsos, source="kunjungan")
    assert "penanganan kasus baru tidak dapat dilakukan" in exc.value.message
    assert not Case.objects.exists()
    response = client_for(dinsos).post(
        "/api/v1/cases",
        {"record_id": record.pk, "intake_source": "kunjungan"},
        content_type="application/json",
    )
    assert response.status_code == 422 and "dibatasi" in response.json()["message"]
    assert not Case.objects.exists()
    case = case_actions.open_case(record, acting_user=dinsos, source="kunjungan", **OVERRIDE)
    assert case.pk and ProcessingOverride.objects.get().restriction_request == req.pk


# Exports -------------------------------------------------------------------------------


def test_exports_leave_out_a_restricted_person_with_the_count(dinsos, family):
    hh, head_person, child = family
    _request(dinsos, child)
    client = client_for(dinsos)
    response = client.get(reverse("exports:persons", args=["csv"]))
    body = b"".join(response.streaming_content).decode()
    assert response[HEADER] == "1"
    assert "Suparman" in body and "Rina" not in body
    page = client.get(reverse("web:household_list"))
    assert "1 individu dibatasi pemrosesannya tidak diekspor" in page.content.decode()
    # The head restricted: the household row (it names the head) is left out too.
    _request(dinsos, head_person)
    response = client.get(reverse("exports:households", args=["csv"]))
    body = b"".join(response.streaming_content).decode()
    assert response[HEADER] == "1" and "Suparman" not in body


def test_export_count_stays_inside_the_users_area(dinsos, psm_b, family):
    """The count of those left out is counted within the user's own scope: a worker of
    another kelurahan learns nothing about a restriction outside it."""
    _, head_person, _ = family
    _request(dinsos, head_person)
    response = client_for(psm_b).get(reverse("exports:persons", args=["csv"]))
    b"".join(response.streaming_content)
    assert response[HEADER] == "0"


# Field reports, imports, merges ----------------------------------------------------------


def test_field_report_on_a_restricted_person_is_held(dinsos, psm_a, tksk_a, family):
    hh, head_person, _ = family
    payload = {
        "persons": [
            {"person_id": head_person.pk, "change": "koreksi", "fields": {"occupation": "Ojek"}}
        ]
    }
    from pilar.submissions import actions as submission_actions

    before = submit_change(psm_a, hh, payload)  # sent and verified before the restriction
    submission_actions.verify_submission(before, acting_user=tksk_a, note="Sesuai")
    before.refresh_from_db()
    _request(dinsos, head_person)
    with pytest.raises(InvalidInput) as exc:
        submit_change(psm_a, hh, payload)
    assert "ditahan" in next(iter(exc.value.errors.values()))[0]
    assert Submission.objects.count() == 1
    # Through the API: 422 with the Indonesian message.
    response = client_for(psm_a).post(
        "/api/v1/reports",
        submission_data("perubahan", payload, hh),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "ditahan" in str(response.json())
    # The report sent before is held when Dinas Sosial validates it: nothing applied.
    with pytest.raises(InvalidInput):
        submission_actions.validate_submission(before, acting_user=dinsos, note="Valid")
    assert _fresh(head_person).occupation != "Ojek"


def test_import_rows_of_a_restricted_person_are_held(dinsos):
    from pilar.imports.models import ImportProblem, StagedRow
    from pilar.imports.tests.test_pipeline import FILES, run_import

    run_import(dinsos, FILES / "messy.csv")
    sutrisno = Person.objects.get(nik="3671011708750001")
    req = _request(dinsos, sutrisno)
    stamp = _fresh(sutrisno).updated_at
    batch = run_import(dinsos, FILES / "messy.csv", apply=False)
    held = ImportProblem.objects.filter(batch=batch, message__contains="ditahan")
    assert held.count() == 1 and f"#{req.pk}" in held.get().message
    assert not StagedRow.objects.filter(batch=batch, person_id=sutrisno.pk).exists()
    from pilar.imports.actions import apply_batch

    apply_batch(batch, acting_user=dinsos)
    assert _fresh(sutrisno).updated_at == stamp


def test_dedup_merge_of_a_restricted_person_is_held(dinsos, family):
    from pilar.dedup import actions as dedup_actions
    from pilar.dedup.tests.factories import make_pair, person_in_new_household

    _, head_person, _ = family
    twin = person_in_new_household(dinsos, VILLAGE_A, name="Suparman", sex="L", birth="1975-03-12")
    pair = make_pair(head_person, twin, probability=0.9)
    _request(dinsos, head_person)
    with pytest.raises(InvalidInput) as exc:
        dedup_actions.merge_pair(pair, acting_user=dinsos, survivor="b")
    assert "penggabungan data ganda" in exc.value.message.lower() or any(
        "ditahan" in m for m in exc.value.errors["__all__"]
    )
    assert _fresh(head_person).is_active


# Pages and scope -----------------------------------------------------------------------


def test_pages_say_what_is_blocked_and_scope_is_unchanged(dinsos, psm_a, psm_b, family):
    hh, head_person, child = family
    req = _request(dinsos, child)
    page = client_for(psm_a).get(reverse("web:person_detail", args=[child.pk]))
    assert page.status_code == 200  # viewing stays allowed
    text = page.content.decode()
    assert "Pemrosesan data dibatasi" in text and f"#{req.pk}" in text
    assert "tidak masuk daftar kandidat program" in text
    household_page = client_for(dinsos).get(reverse("web:household_detail", args=[hh.pk]))
    assert household_page.content.decode().count("Pemrosesan dibatasi") == 1
    # Out of area stays a 404, restricted or not.
    assert client_for(psm_b).get(reverse("web:person_detail", args=[child.pk])).status_code == 404
    assert SubjectRequest.objects.get().person_id == child.pk


def test_case_page_asks_for_the_override_and_records_it(dinsos, family):
    hh, head_person, _ = family
    record = create_ppks_record(
        acting_user=dinsos,
        data={"ppks_type": 24, "household": hh, "date_found": "2026-01-05"},
    )
    client = client_for(dinsos)
    url = reverse("cases:open") + f"?record={record.pk}"
    assert "override_reason" not in client.get(url).content.decode()
    _request(dinsos, head_person)
    page = client.get(url).content.decode()
    assert 'name="override_basis"' in page and 'name="override_reason"' in page
    refused = client.post(url, {"intake_source": "kunjungan"})
    assert "dibatasi" in refused.content.decode() and not Case.objects.exists()
    done = client.post(url, {"intake_source": "kunjungan", **OVERRIDE})
    assert done.status_code == 302 and Case.objects.count() == 1
    override = ProcessingOverride.objects.get()
    assert override.purpose == "penanganan" and override.reason == OVERRIDE["override_reason"]
    # The person page lists it for Dinas Sosial.
    person_page = client.get(reverse("web:person_detail", args=[head_person.pk])).content
    assert OVERRIDE["override_reason"] in person_page.decode()


def test_renovation_refused_for_a_restricted_head_and_opened_with_override(dinsos):
    from pilar.renovations import actions as renovation_actions
    from pilar.renovations.models import Renovation
    from pilar.renovations.tests.helpers import PLAN, approved_enrollment

    item = approved_enrollment(dinsos)
    head_person = Person.objects.get(household=item.household_id, relation="kepala")
    _request(dinsos, head_person)
    with pytest.raises(InvalidInput) as exc:
        renovation_actions.open_renovation(item, acting_user=dinsos, data=PLAN)
    assert "bedah rumah baru tidak dapat dilakukan" in exc.value.message
    assert not Renovation.objects.exists()
    renovation_actions.open_renovation(item, acting_user=dinsos, data={**PLAN, **OVERRIDE})
    assert Renovation.objects.count() == 1
    assert ProcessingOverride.objects.get().purpose == "bedah_rumah"
    # Opened on an override, it still stays out of the Bedah Rumah list export.
    response = client_for(dinsos).get(reverse("renovations:export", args=["csv"]))
    body = b"".join(response.streaming_content).decode()
    assert response[HEADER] == "1" and head_person.name not in body


def test_month_payment_refuses_the_batch_with_a_restricted_person(dinsos, family, monkeypatch):
    hh, _, child = family
    monkeypatch.setattr(
        "django.utils.timezone.localdate", lambda *a, **k: datetime.date(2026, 6, 15)
    )
    program = Program.objects.get(code="tangerang-cerdas")
    program.year = 2026
    program.save()
    other = household(dinsos, VILLAGE_A, members=[head("Joko", "1980-01-01")])
    pupil = create_person(
        acting_user=dinsos,
        household=other,
        data={
            "nik": make_nik("L", "2013-03-03"),
            "name": "Dodi",
            "sex": "L",
            "birth_date": "2013-03-03",
            "relation": "anak",
            "education": "sd",
        },
    )
    Person.objects.filter(pk=child.pk).update(education="sd")
    rows = [en.enroll(program, acting_user=dinsos, person=p) for p in (child, pupil)]
    ids = [r.pk for r in rows]
    en.propose(program, ids, acting_user=dinsos)
    en.approve(program, ids, acting_user=dinsos)
    _request(dinsos, child)
    with pytest.raises(InvalidInput) as exc:
        en.deliver_month(
            program,
            ids,
            acting_user=dinsos,
            month=datetime.date(2026, 6, 1),
            delivered_on=datetime.date(2026, 6, 15),
            note="Transfer bank",
        )
    assert "Rina" in exc.value.message and "Dodi" not in exc.value.message
    assert not Delivery.objects.exists()


def test_lift_through_the_page_restores_processing(dinsos, family, terang):
    hh, head_person, _ = family
    req = _request(dinsos, head_person)
    actions.close_request(req, acting_user=dinsos, status="selesai", outcome="Dikabulkan.")
    client = client_for(dinsos)
    detail = client.get(reverse("pdp:request_detail", args=[req.pk])).content.decode()
    assert 'id="lift-form"' in detail and "berlaku" in detail
    url = reverse("pdp:request_lift", args=[req.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert _fresh(head_person).processing_restricted_since is not None
    assert client.post(url, {"reason": "Pemohon mencabut."}).status_code == 302
    assert _fresh(head_person).processing_restricted_since is None
    en.enroll(terang, acting_user=dinsos, household=hh)  # processing resumes
    assert not ProcessingOverride.objects.exists()


def test_bnba_leaves_out_a_restricted_person(dinsos, family):
    from pilar.ppks.actions import validate_record
    from pilar.ppks.models import PpksRecord

    hh, head_person, child = family
    create_ppks_record(
        acting_user=dinsos,
        data={"ppks_type": 24, "household": hh, "date_found": "2026-01-05"},
    )
    create_ppks_record(
        acting_user=dinsos,
        data={
            "ppks_type": 9,
            "person": child,
            "date_found": "2026-01-05",
            "disability_subtypes": ["fisik"],
        },
    )
    for record in PpksRecord.objects.filter(validated_at__isnull=True):
        validate_record(record, acting_user=dinsos)
    client = client_for(dinsos)
    url = reverse("exports:bnba", args=["csv"])

    def download():
        response = client.get(url)
        return response, b"".join(response.streaming_content).decode()

    response, body = download()
    assert response[HEADER] == "0" and "Rina" in body and "Suparman" in body
    _request(dinsos, child)
    response, body = download()
    assert response[HEADER] == "1" and "Rina" not in body and "Suparman" in body
    _request(dinsos, head_person)
    response, body = download()
    assert response[HEADER] == "2" and "Suparman" not in body


def test_program_and_case_exports_leave_out_a_restricted_person(dinsos, family, terang):
    hh, head_person, _ = family
    other = household(dinsos, VILLAGE_B, desil=3, members=[head("Joko", "1980-01-01")])
    for target in (hh, other):
        en.enroll(terang, acting_user=dinsos, household=target)
    record = create_ppks_record(
        acting_user=dinsos,
        data={"ppks_type": 24, "household": hh, "date_found": "2026-01-05"},
    )
    case_actions.open_case(record, acting_user=dinsos, source="kunjungan")
    _request(dinsos, head_person)
    client = client_for(dinsos)
    response = client.get(
        reverse("programs:enrollment_export", args=[terang.pk, "kandidat", "csv"])
    )
    body = b"".join(response.streaming_content).decode()
    assert response[HEADER] == "1" and "Joko" in body and "Suparman" not in body
    response = client.get(reverse("cases:export", args=["csv"]))
    body = b"".join(response.streaming_content).decode()
    assert response[HEADER] == "1" and "Suparman" not in body


def _csv(response) -> str:
    return b"".join(response.streaming_content).decode()


def test_secondary_exports_leave_out_a_restricted_person(dinsos, psm_a, family):
    """The visit schedule, the field reports, the overdue assessments, the PPKS
    consistency watch and the duplicate pairs: every list export naming persons leaves
    out those whose processing is restricted and says how many."""
    from pilar.assessments.actions import create_poverty_assessment
    from pilar.assessments.criteria import POVERTY_CODES
    from pilar.dedup.models import CandidatePair
    from pilar.freshness.refresh import record_verification, refresh

    hh, head_person, child = family
    other = household(dinsos, VILLAGE_A, desil=3, members=[head("Joko", "1980-01-01")])
    joko = other.members.get(relation="kepala")
    refresh()
    record_verification([hh.pk, other.pk], timezone.localdate() - datetime.timedelta(days=900))
    submit_change(psm_a, hh, {"household": {"rt": "009"}})
    submit_change(psm_a, other, {"household": {"rt": "008"}})
    for x, y, p in ((head_person, child, 0.95), (joko, child, 0.93)):
        a, b = sorted((x, y), key=lambda person: person.pk)  # person_a has the lower id
        CandidatePair.objects.create(person_a=a, person_b=b, probability=p)
    long_ago = timezone.localdate() - datetime.timedelta(days=400)
    for target in (hh, other):
        create_poverty_assessment(
            target,
            acting_user=dinsos,
            assessed_on=long_ago,
            criteria={c: False for c in POVERTY_CODES},
        )
    client = client_for(dinsos)

    def export(name: str, *args: str) -> tuple[str, str]:
        response = client.get(reverse(name, args=[*args, "csv"]))
        assert response.status_code == 200, (name, response.status_code)
        return response[HEADER], _csv(response)

    # Nothing restricted: every row is there.
    left, body = export("freshness:village_export", VILLAGE_A)
    assert left == "0" and "Suparman" in body and "Joko" in body
    left, body = export("dedup:export")
    assert left == "0" and "Suparman" in body and "Joko" in body

    _request(dinsos, head_person)  # the head: the household-level rows go too
    left, body = export("freshness:village_export", VILLAGE_A)
    assert left == "1" and "Suparman" not in body and "Joko" in body
    left, body = export("submissions:export")
    assert left == "1" and "Jl." in body
    assert body.count("\n") == 2  # the header and Joko's report
    left, body = export("dedup:export")
    # Suparman's pair goes; Joko's pair with Rina stays (Rina is not restricted).
    assert left == "1" and "Suparman" not in body and "Joko" in body
    _request(dinsos, child)
    left, body = export("dedup:export")
    assert left == "2" and "Joko" not in body
    # Overdue assessments: both households were assessed 400 days ago (before the
    # restriction); Suparman's household is left out.
    left, body = export("assessments:overdue_export")
    assert left == "1" and body.count("\n") == 2
