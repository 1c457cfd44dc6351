"""The enrollment chain and its refusals: candidates from the rule (with priority
parts), propose, approve within quota and budget, reject with a reason, deliver
(amount reason), complete; never twice in one program period."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from pilar.conftest import VILLAGE_A, VILLAGE_A2, VILLAGE_B
from pilar.core.errors import InvalidInput
from pilar.programs import enrollment as en
from pilar.programs import priority, rules
from pilar.programs.choices import EnrollmentStatus as S
from pilar.programs.models import (
    Candidate,
    CandidateGeneration,
    Enrollment,
    EnrollmentStep,
    Program,
    ProgramQuota,
)
from pilar.programs.tests.factories import child, head, household, poverty, rtlh

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 1)


@pytest.fixture
def terang(dinsos):
    """Tangerang Terang with a simple rule (desil <= 4), a budget year and an amount."""
    program = Program.objects.get(code="tangerang-terang")
    program.rule = {"op": "and", "rules": [{"field": "desil", "operator": "lte", "value": 4}]}
    program.year = 2026
    program.amount = Decimal("1000000")
    program.save()
    return program


def _make(dinsos, n, village=VILLAGE_A, desil=2):
    return [household(dinsos, village, desil=desil) for _ in range(n)]


def test_candidates_generated_ranked_with_parts(dinsos, terang):
    poorer, richer, _not_eligible = (
        household(dinsos, VILLAGE_A, desil=1),
        household(dinsos, VILLAGE_B, desil=4),
        household(dinsos, VILLAGE_A, desil=7),
    )
    poverty(dinsos, poorer, poor=True)
    result = en.generate_candidates(terang, acting_user=dinsos)
    assert result["created"] == 2 and result["period"] == 2026
    rows = list(Candidate.objects.filter(program=terang))
    assert [e.household_id for e in rows] == [poorer.pk, richer.pk]  # ranked by total
    top = rows[0]
    assert top.status == S.CANDIDATE and top.village_id == VILLAGE_A
    assert top.amount == Decimal("1000000")
    assert top.priority_parts["desil"] == {"value": 1, "points": 30}
    assert top.priority_parts["poverty"] == {"value": 14, "points": 28}
    assert top.priority_total == sum(p["points"] for p in top.priority_parts.values())
    assert rows[1].priority_parts["desil"] == {"value": 4, "points": 21}
    assert rows[1].priority_parts["poverty"]["points"] == 0

    # Generating again replaces candidates, keeps proposed ones and does not relist them.
    en.propose(terang, [top.pk], acting_user=dinsos)
    again = en.generate_candidates(terang, acting_user=dinsos)
    assert again == {"created": 1, "removed": 1, "period": 2026}
    assert Enrollment.objects.filter(program=terang, household=poorer).count() == 1
    assert list(Candidate.objects.filter(program=terang).values_list("household", flat=True)) == [
        richer.pk
    ]
    # Each generation is logged: who, when, with which rule, how many.
    logs = list(CandidateGeneration.objects.filter(program=terang).order_by("pk"))
    assert [(g.created, g.removed, g.period) for g in logs] == [(2, 0, 2026), (1, 1, 2026)]
    assert {g.generated_by_id for g in logs} == {dinsos.pk}
    assert logs[0].rule == terang.rule and logs[0].generated_at is not None
    assert en.last_generation(terang) == logs[1]


def test_candidates_have_no_row_history_until_proposed(dinsos, terang):
    """Candidates are a working list: no Enrollment row and no history event until
    proposed; proposing creates the Enrollment with the candidate's id, its parts, an
    insert event and a step from candidate to proposed."""
    events = Enrollment.pgh_event_model.objects  # type: ignore[attr-defined]
    poorer = household(dinsos, VILLAGE_A, desil=1)
    household(dinsos, VILLAGE_B, desil=3)
    en.generate_candidates(terang, acting_user=dinsos)
    assert Candidate.objects.filter(program=terang).count() == 2
    assert not Enrollment.objects.exists() and not events.exists()
    cand = Candidate.objects.get(program=terang, household=poorer)
    assert en.propose(terang, [cand.pk], acting_user=dinsos, note="musyawarah RW") == 1
    e = Enrollment.objects.get(pk=cand.pk)
    assert (e.program_id, e.period, e.household_id, e.village_id) == (
        terang.pk,
        2026,
        poorer.pk,
        VILLAGE_A,
    )
    assert e.status == S.PROPOSED and e.amount == Decimal("1000000")
    assert e.priority_total == cand.priority_total and e.priority_parts == cand.priority_parts
    assert e.priority_parts["desil"] == {"value": 1, "points": 30}
    assert list(events.filter(pgh_obj_id=e.pk).values_list("pgh_label", "status")) == [
        ("insert", S.PROPOSED)
    ]
    assert list(e.steps.values_list("action", "from_status", "to_status", "note")) == [
        ("usul", S.CANDIDATE, S.PROPOSED, "musyawarah RW")
    ]
    assert not Candidate.objects.filter(pk=cand.pk).exists()
    # Approving it afterwards writes its history as any enrollment.
    en.approve(terang, [e.pk], acting_user=dinsos)
    assert events.filter(pgh_obj_id=e.pk, pgh_label="update", status=S.APPROVED).exists()


def test_regeneration_never_touches_enrollments(dinsos, terang):
    rows = {
        name: household(dinsos, VILLAGE_A, desil=d)
        for name, d in (("proposed", 1), ("approved", 2), ("rejected", 3), ("listed", 4))
    }
    en.generate_candidates(terang, acting_user=dinsos)
    ids = {
        name: Candidate.objects.get(program=terang, household=hh).pk for name, hh in rows.items()
    }
    en.propose(terang, [ids["proposed"], ids["approved"], ids["rejected"]], acting_user=dinsos)
    en.approve(terang, [ids["approved"]], acting_user=dinsos)
    en.reject(terang, [ids["rejected"]], acting_user=dinsos, reason="Data ganda")
    before = list(Enrollment.objects.order_by("pk").values())
    result = en.generate_candidates(terang, acting_user=dinsos)
    assert result == {"created": 1, "removed": 1, "period": 2026}
    assert list(Enrollment.objects.order_by("pk").values()) == before
    # Only the household never proposed is listed again (a rejected one is not relisted).
    assert list(Candidate.objects.filter(program=terang).values_list("household", flat=True)) == [
        rows["listed"].pk
    ]


def test_propose_refuses_stale_or_already_proposed(dinsos, terang):
    household(dinsos, VILLAGE_A, desil=1)
    household(dinsos, VILLAGE_A, desil=2)
    en.generate_candidates(terang, acting_user=dinsos)
    first, second = Candidate.objects.filter(program=terang)
    en.propose(terang, [first.pk], acting_user=dinsos)
    with pytest.raises(InvalidInput) as exc:  # one proposed already: nothing done
        en.propose(terang, [first.pk, second.pk], acting_user=dinsos)
    assert exc.value.codes == {"__all__": "stale"}
    assert "berstatus diusulkan" in exc.value.message
    assert Candidate.objects.filter(pk=second.pk).exists()
    # A regeneration gives the listed rows new ids: the old page's ids are refused.
    en.generate_candidates(terang, acting_user=dinsos)
    with pytest.raises(InvalidInput) as exc:
        en.propose(terang, [second.pk], acting_user=dinsos)
    assert "tidak ditemukan" in exc.value.message
    assert Enrollment.objects.filter(program=terang).count() == 1
    with pytest.raises(InvalidInput):
        en.propose(terang, [], acting_user=dinsos)


def test_propose_never_enrolls_twice(dinsos, terang):
    """An enrollment written around the actions after the list was made: proposing the
    stale candidate is refused by the database's unique constraint, nothing changes."""
    hh = household(dinsos, VILLAGE_A, desil=1)
    en.generate_candidates(terang, acting_user=dinsos)
    cand = Candidate.objects.get(program=terang, household=hh)
    Enrollment.objects.create(
        program=terang, period=2026, household=hh, village_id=VILLAGE_A, status=S.APPROVED
    )
    with pytest.raises(InvalidInput) as exc:
        en.propose(terang, [cand.pk], acting_user=dinsos)
    assert exc.value.codes == {"__all__": "twice"}
    assert Candidate.objects.filter(pk=cand.pk).exists()
    assert Enrollment.objects.filter(program=terang, household=hh).count() == 1
    assert not EnrollmentStep.objects.exists()


def test_person_program_scores_each_pupil(dinsos):

    cerdas = Program.objects.get(code="tangerang-cerdas")
    cerdas.year = 2026
    cerdas.save()
    hh = household(
        dinsos,
        VILLAGE_A,
        desil=2,
        members=[
            head(),
            child("Ani", "2012-04-01", "sd", sex="P"),
            child("Bayu", "2014-02-02", "sd"),
        ],
    )
    en.generate_candidates(cerdas, acting_user=dinsos)
    rows = list(Candidate.objects.filter(program=cerdas, household=hh))
    assert {e.person.name for e in rows} == {"Ani", "Bayu"}
    for e in rows:
        assert len(e.priority_pairs) == 2 * len(priority.COMPONENTS)
        assert e.priority_total == sum(p["points"] for p in e.priority_parts.values())
        # Household facts, shared by the pupils of one household.
        assert e.priority_parts["desil"] == {"value": 2, "points": 27}
        assert e.priority_parts["children"] == {"value": 2, "points": 4}


def test_priority_parts_count_members(dinsos, terang):

    members = [
        head(),
        {**head("Nenek Siti", "1940-01-01"), "relation": "orang_tua", "sex": "P"},
    ]
    members[1]["nik"] = members[1]["nik"][:6] + "41" + members[1]["nik"][8:]
    hh = household(dinsos, VILLAGE_A, desil=3, members=members)
    rtlh(dinsos, hh, bad=True)
    en.generate_candidates(terang, acting_user=dinsos)
    e = Candidate.objects.get(program=terang, household=hh)
    assert e.priority_parts["elderly"] == {"value": 1, "points": 3}
    assert e.priority_parts["rtlh"]["value"] >= 1
    assert e.priority_parts["rtlh"]["points"] == 5 * e.priority_parts["rtlh"]["value"]
    lines = priority.explain(e.priority_parts)
    assert [line["key"] for line in lines][:3] == ["desil", "poverty", "rtlh"]
    assert "Desil nasional: 3 → 24 poin" in priority.as_text(e.priority_parts)


def test_generation_refused_without_rule_and_for_others(dinsos, psm_a, terang):
    with pytest.raises(PermissionDenied):
        en.generate_candidates(terang, acting_user=psm_a)
    pkh = Program.objects.get(code="pkh")
    with pytest.raises(InvalidInput):
        en.generate_candidates(pkh, acting_user=dinsos)
    terang.rule = {"op": "and", "rules": []}
    with pytest.raises(InvalidInput) as exc:
        en.generate_candidates(terang, acting_user=dinsos)
    assert "belum memiliki aturan" in exc.value.message


def test_never_twice_in_a_period(dinsos, terang):
    hh = household(dinsos, VILLAGE_A, desil=2)
    first = en.enroll(terang, acting_user=dinsos, household=hh)
    # Added by hand, scored like a generated candidate.
    assert first.status == S.CANDIDATE and first.priority_parts["desil"]["points"] == 27
    with pytest.raises(InvalidInput) as exc:  # already listed
        en.enroll(terang, acting_user=dinsos, household=hh)
    assert (
        exc.value.message
        == "Keluarga ini sudah terdaftar pada program ini untuk periode yang sama."
    )
    en.propose(terang, [first.pk], acting_user=dinsos)
    with pytest.raises(InvalidInput):  # already proposed
        en.enroll(terang, acting_user=dinsos, household=hh)
    # The database refuses it too (a second row written around the action).
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(
            program=terang, period=2026, household=hh, village_id=VILLAGE_A, status=S.PROPOSED
        )
    # A generation does not list it again.
    assert en.generate_candidates(terang, acting_user=dinsos)["created"] == 0
    # Once rejected, the place is free again; another period is another place.
    en.reject(terang, [first.pk], acting_user=dinsos, reason="Pindah domisili")
    again = en.enroll(terang, acting_user=dinsos, household=hh)
    assert again.status == S.CANDIDATE and again.pk != first.pk
    en.propose(terang, [again.pk], acting_user=dinsos)
    assert Enrollment.objects.get(pk=again.pk).status == S.PROPOSED
    Enrollment.objects.create(program=terang, period=2027, household=hh, village_id=VILLAGE_A)


def _proposed(dinsos, program, households):
    rows = [en.enroll(program, acting_user=dinsos, household=h) for h in households]
    en.propose(program, [e.pk for e in rows], acting_user=dinsos, note="musyawarah")
    # The enrollments keep the candidates' ids.
    return [Enrollment.objects.get(pk=e.pk) for e in rows]


def test_approve_within_quota_all_or_none(dinsos, terang):
    ProgramQuota.objects.create(program=terang, area_code="36.71.01", quota=2)
    a1, a2, a3 = _proposed(dinsos, terang, _make(dinsos, 3, VILLAGE_A))
    (b1,) = _proposed(dinsos, terang, _make(dinsos, 1, VILLAGE_B))
    assert en.approve(terang, [a1.pk, b1.pk], acting_user=dinsos) == 2
    with pytest.raises(InvalidInput) as exc:
        en.approve(terang, [a2.pk, a3.pk], acting_user=dinsos)
    assert exc.value.codes == {"__all__": "quota"}
    assert "Kuota wilayah 36.71.01 terlampaui: kuota 2, sudah disetujui 1, akan ditambah 2" in (
        exc.value.message
    )
    # Nothing half-applied.
    assert set(
        Enrollment.objects.filter(pk__in=[a2.pk, a3.pk]).values_list("status", flat=True)
    ) == {S.PROPOSED}
    assert en.approve(terang, [a2.pk], acting_user=dinsos) == 1
    usage = {u["area_code"]: u for u in en.quota_usage(terang)}
    assert usage["36.71.01"]["used"] == 2 and usage["36.71.01"]["left"] == 0


def test_kelurahan_quota(dinsos, terang):
    ProgramQuota.objects.create(program=terang, area_code=VILLAGE_A2, quota=0)
    (a,) = _proposed(dinsos, terang, _make(dinsos, 1, VILLAGE_A))
    (a2,) = _proposed(dinsos, terang, _make(dinsos, 1, VILLAGE_A2))
    assert en.approve(terang, [a.pk], acting_user=dinsos) == 1
    with pytest.raises(InvalidInput) as exc:
        en.approve(terang, [a2.pk], acting_user=dinsos)
    assert exc.value.codes == {"__all__": "quota"}


def test_approve_within_budget(dinsos, terang):
    terang.budget = Decimal("2500000")
    terang.save()
    rows = _proposed(dinsos, terang, _make(dinsos, 3))
    with pytest.raises(InvalidInput) as exc:
        en.approve(terang, [e.pk for e in rows], acting_user=dinsos)
    assert exc.value.codes == {"__all__": "budget"}
    assert "Pagu anggaran terlampaui" in exc.value.message
    assert not Enrollment.objects.filter(program=terang, status=S.APPROVED).exists()
    assert en.approve(terang, [rows[0].pk, rows[1].pk], acting_user=dinsos) == 2
    assert en.budget_usage(terang)["left"] == Decimal("500000")


def test_approve_only_proposed_and_by_manager(dinsos, tksk_a, terang):
    hh = household(dinsos, VILLAGE_A, desil=2)
    cand = en.enroll(terang, acting_user=dinsos, household=hh)
    with pytest.raises(InvalidInput) as exc:
        en.approve(terang, [cand.pk], acting_user=dinsos)
    assert "berstatus kandidat" in exc.value.message
    en.propose(terang, [cand.pk], acting_user=dinsos)
    with pytest.raises(PermissionDenied):
        en.approve(terang, [cand.pk], acting_user=tksk_a)


def test_reject_needs_reason_and_records_step(dinsos, terang):
    (e,) = _proposed(dinsos, terang, _make(dinsos, 1))
    with pytest.raises(InvalidInput):
        en.reject(terang, [e.pk], acting_user=dinsos, reason="  ")
    en.reject(terang, [e.pk], acting_user=dinsos, reason="Sudah menerima dari CSR")
    e.refresh_from_db()
    assert e.status == S.REJECTED and e.reject_reason == "Sudah menerima dari CSR"
    steps = list(
        EnrollmentStep.objects.filter(enrollment=e).values_list("action", "to_status", "note")
    )
    assert steps == [
        ("usul", S.PROPOSED, "musyawarah"),
        ("tolak", S.REJECTED, "Sudah menerima dari CSR"),
    ]
    # A rejected enrollment cannot be rejected again or approved.
    with pytest.raises(InvalidInput):
        en.approve(terang, [e.pk], acting_user=dinsos)


def test_delivery_chain_and_refusals(dinsos, terang):
    (e, other) = _proposed(dinsos, terang, _make(dinsos, 2))
    day = datetime.date(2026, 1, 5)
    with pytest.raises(InvalidInput) as exc:  # not approved yet
        en.deliver(e, acting_user=dinsos, delivered_on=day, amount="1000000", note="BAST")
    assert exc.value.codes == {"__all__": "status"}
    en.approve(terang, [e.pk], acting_user=dinsos)
    with pytest.raises(InvalidInput) as exc:  # amount differs, no reason
        en.deliver(e, acting_user=dinsos, delivered_on=day, amount="900000", note="BAST")
    assert exc.value.codes == {"amount_reason": "amount_differs"}
    with pytest.raises(InvalidInput) as exc:  # neither evidence nor note
        en.deliver(e, acting_user=dinsos, delivered_on=day, amount="1000000")
    assert "evidence" in exc.value.errors
    e = en.deliver(
        e,
        acting_user=dinsos,
        delivered_on=day,
        amount="900000",
        amount_reason="Potongan biaya materai disepakati",
        note="BAST no. 12",
    )
    assert e.status == S.DELIVERED and e.delivered_amount == Decimal("900000")
    assert en.budget_usage(terang)["used"] == Decimal("900000")
    e = en.complete(e, acting_user=dinsos)
    assert e.status == S.COMPLETED
    with pytest.raises(InvalidInput) as exc:  # completed
        en.deliver(e, acting_user=dinsos, delivered_on=day, amount="1000000", note="lagi")
    assert "berstatus selesai" in exc.value.message
    en.reject(terang, [other.pk], acting_user=dinsos, reason="Tidak ditemukan di alamat")
    with pytest.raises(InvalidInput) as exc:  # rejected
        en.deliver(other, acting_user=dinsos, delivered_on=day, amount="1000000", note="x")
    assert "berstatus ditolak" in exc.value.message
    actions = list(EnrollmentStep.objects.filter(enrollment=e).values_list("action", flat=True))
    assert actions == ["usul", "setujui", "salurkan", "selesaikan"]


def test_delivery_with_evidence_file_and_complete(dinsos, terang):

    (e,) = _proposed(dinsos, terang, _make(dinsos, 1))
    en.approve(terang, [e.pk], acting_user=dinsos)
    upload = SimpleUploadedFile("bast.pdf", b"%PDF-1.4 bukti", content_type="application/pdf")
    e = en.deliver(
        e,
        acting_user=dinsos,
        delivered_on=datetime.date(2026, 1, 5),
        amount="1000000",
        evidence=upload,
        complete=True,
    )
    e.refresh_from_db()
    assert e.status == S.COMPLETED and e.evidence.name.startswith(f"penyaluran/{terang.pk}/")


def test_school_level_amount(dinsos):

    cerdas = Program.objects.get(code="tangerang-cerdas")
    cerdas.year = 2026
    cerdas.save()
    hh = household(
        dinsos,
        VILLAGE_A,
        desil=1,
        members=[
            head(),
            child("Ani", "2012-04-01", "sd", sex="P"),
            child("Bayu", "2017-02-02", "belum_tamat_sd"),
        ],
    )
    en.generate_candidates(cerdas, acting_user=dinsos)
    rows = {e.person.name: e for e in Candidate.objects.filter(program=cerdas, household=hh)}
    assert rows["Ani"].school_level == "SMP" and rows["Ani"].amount == Decimal("100000")
    assert rows["Bayu"].school_level == "SD" and rows["Bayu"].amount == Decimal("80000")
    en.propose(cerdas, [rows["Ani"].pk], acting_user=dinsos)
    en.approve(cerdas, [rows["Ani"].pk], acting_user=dinsos)
    ani = Enrollment.objects.get(pk=rows["Ani"].pk)
    assert (ani.person_id, ani.school_level, ani.amount) == (
        rows["Ani"].person_id,
        "SMP",
        Decimal("100000"),
    )
    with pytest.raises(InvalidInput) as exc:  # the SD amount for an SMP pupil
        en.deliver(
            ani,
            acting_user=dinsos,
            delivered_on=datetime.date(2026, 1, 5),
            amount="80000",
            note="transfer",
        )
    assert exc.value.codes == {"amount_reason": "amount_differs"}


def test_no_earlier_renovation_rule(dinsos):

    bedah = Program.objects.get(code="bedah-rumah")
    assert {"field": "renovated_before", "operator": "is", "value": False} in bedah.rule["rules"]
    bedah.year = 2026
    bedah.save()
    done, fresh = (
        household(dinsos, VILLAGE_A, desil=2, land_status="milik_sendiri"),
        household(dinsos, VILLAGE_A, desil=2, land_status="milik_sendiri"),
    )
    for hh in (done, fresh):
        rtlh(dinsos, hh, bad=True)

    def matching():
        return set(rules.matching(bedah.rule, "keluarga", dinsos).values_list("pk", flat=True))

    assert matching() == {done.pk, fresh.pk}
    # A renovation delivered last year (any house-renovation program) excludes it.
    old = Enrollment.objects.create(
        program=bedah, period=2025, household=done, village_id=VILLAGE_A, status=S.APPROVED
    )
    assert matching() == {done.pk, fresh.pk}  # approved is not delivered yet
    Enrollment.objects.filter(pk=old.pk).update(status=S.DELIVERED)
    assert matching() == {fresh.pk}
    renovated = {"field": "renovated_before", "operator": "is", "value": True}
    assert set(
        rules.matching({"op": "and", "rules": [renovated]}, "keluarga", dinsos).values_list(
            "pk", flat=True
        )
    ) == {done.pk}


def test_manual_add_must_match_the_program_level(dinsos, terang):
    """A person in a household program, or a household in a person program, is
    refused: it would be counted and paid against the wrong target."""

    cerdas = Program.objects.get(code="tangerang-cerdas")
    hh = household(dinsos, VILLAGE_A, desil=2)
    head_person = hh.members.get(relation="kepala")
    with pytest.raises(InvalidInput) as exc:
        en.enroll(cerdas, acting_user=dinsos, household=hh)
    assert "individu" in exc.value.errors["person"][0]
    with pytest.raises(InvalidInput) as exc:
        en.enroll(terang, acting_user=dinsos, person=head_person)
    assert "keluarga" in exc.value.errors["household"][0]
    assert not Candidate.objects.exists()
