"""The verification chain, transition by transition, with personas; and every refusal."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from pilar.accounts.choices import Role
from pilar.assessments.models import RtlhAssessment
from pilar.conftest import VILLAGE_B, make_household, make_nik, make_user
from pilar.core.errors import InvalidInput, NotAllowed
from pilar.ppks.actions import create_ppks_record
from pilar.ppks.models import PpksRecord
from pilar.registry.actions import update_household
from pilar.registry.models import Household, HousingSurvey, Person
from pilar.submissions import actions
from pilar.submissions.choices import Status, StepAction
from pilar.submissions.filters import inbox_for
from pilar.submissions.models import Notification, Submission
from pilar.submissions.proposals import proposals
from pilar.submissions.tests.factories import (
    jpeg,
    new_household_payload,
    photo_upload,
    submission_data,
    submit_change,
)

pytestmark = pytest.mark.django_db


def steps(submission):
    return list(submission.steps.values_list("action", "actor__username"))


def test_new_household_goes_through_the_chain_and_lands_in_registry(psm_a, tksk_a, dinsos):
    before = Household.objects.count()
    photo_id = "6f1f5a3e-6c1b-4f7e-9d8e-1a2b3c4d5e6f"
    data = submission_data(
        "keluarga_baru",
        new_household_payload(),
        latitude="-6.170000",
        longitude="106.630000",
        photos=[{"client_id": photo_id, "kind": "depan", "taken_at": None}],
    )
    submission, created = actions.create_submission(
        acting_user=psm_a, data=data, files={f"photo_{photo_id}": photo_upload(photo_id)}
    )
    assert created and submission.status == Status.SUBMITTED
    assert submission.photos.count() == 1 and submission.photos.get().content_type == "image/jpeg"
    assert Household.objects.count() == before  # nothing in the registry yet
    assert Notification.objects.filter(user=tksk_a, submission=submission).exists()

    actions.verify_submission(submission, acting_user=tksk_a, note="Sesuai kunjungan")
    submission.refresh_from_db()
    assert submission.status == Status.VERIFIED and submission.verified_by == tksk_a
    assert Notification.objects.filter(user=dinsos, submission=submission).exists()
    assert Household.objects.count() == before

    actions.validate_submission(submission, acting_user=dinsos)
    submission.refresh_from_db()
    assert submission.status == Status.VALIDATED
    household = Household.objects.get(pk=submission.result["household_id"])
    assert submission.household == household
    assert household.address == "Gg. Mawar No. 3"
    assert str(household.latitude) == "-6.170000"  # GPS of the visit
    assert list(household.members.values_list("name", flat=True)) == ["Siti Aminah"]
    assert steps(submission) == [
        ("dibuat", "psm-a"),
        ("diajukan", "psm-a"),
        ("diverifikasi", "tksk-a"),
        ("divalidasi", "dinsos"),
    ]
    assert Notification.objects.filter(user=psm_a, submission=submission).exists()


def test_same_client_id_twice_gives_one_report(psm_a):
    data = submission_data("keluarga_baru", new_household_payload())
    first, created = actions.create_submission(acting_user=psm_a, data=data)
    again, created_again = actions.create_submission(acting_user=psm_a, data=dict(data))
    assert created and not created_again and first.pk == again.pk
    assert Submission.objects.count() == 1


def test_returned_report_is_corrected_and_keeps_history(psm_a, tksk_a, dinsos, household_a):
    head = household_a.members.get()
    submission = submit_change(
        psm_a,
        household_a,
        {
            "persons": [
                {
                    "person_id": head.pk,
                    "change": "koreksi",
                    "fields": {"occupation": "Buruh harian"},
                }
            ]
        },
    )
    with pytest.raises(InvalidInput) as exc:
        actions.return_submission(submission, acting_user=tksk_a)
    assert "note" in exc.value.errors
    actions.return_submission(
        submission,
        acting_user=tksk_a,
        field_reasons={f"person.{head.pk}.occupation": "Pekerjaan tidak sesuai KTP"},
    )
    submission.refresh_from_db()
    assert submission.status == Status.RETURNED
    assert submission.return_reasons == {
        f"person.{head.pk}.occupation": "Pekerjaan tidak sesuai KTP"
    }
    assert Notification.objects.filter(user=psm_a, submission=submission).exists()

    payload = {
        "persons": [
            {
                "person_id": head.pk,
                "change": "koreksi",
                "fields": {"occupation": "Pedagang keliling"},
            }
        ]
    }
    actions.resubmit_submission(
        submission, acting_user=psm_a, data={"revision": 1, "payload": payload}
    )
    # The same correction sent again (lost response) is not applied twice.
    actions.resubmit_submission(
        submission, acting_user=psm_a, data={"revision": 1, "payload": payload}
    )
    submission.refresh_from_db()
    assert submission.status == Status.SUBMITTED and submission.revision == 2
    assert submission.return_reasons == {}
    actions.verify_submission(submission, acting_user=tksk_a)
    actions.validate_submission(submission, acting_user=dinsos)
    head.refresh_from_db()
    assert head.occupation == "Pedagang keliling"
    assert [s[0] for s in steps(submission)] == [
        "dibuat",
        "diajukan",
        "dikembalikan",
        "diajukan_ulang",
        "diverifikasi",
        "divalidasi",
    ]
    returned = submission.steps.get(action=StepAction.RETURNED)
    assert returned.field_reasons and returned.revision == 1


def test_reject_with_reason(psm_a, tksk_a, dinsos, household_a):
    submission = submit_change(psm_a, household_a, {"household": {"address": "Jl. Baru 1"}})
    actions.verify_submission(submission, acting_user=tksk_a)
    with pytest.raises(InvalidInput):
        actions.reject_submission(submission, acting_user=dinsos, reason="  ")
    actions.reject_submission(submission, acting_user=dinsos, reason="Alamat fiktif")
    submission.refresh_from_db()
    assert submission.status == Status.REJECTED
    household_a.refresh_from_db()
    assert household_a.address == "Jl. Melati No. 5"
    with pytest.raises(InvalidInput):
        actions.validate_submission(submission, acting_user=dinsos)


def test_roles_that_may_not_act(psm_a, psm_b, tksk_a, dinsos, household_a):
    submission = submit_change(psm_a, household_a, {"household": {"rt": "7"}})
    with pytest.raises(PermissionDenied):
        actions.verify_submission(submission, acting_user=psm_a)  # own report
    with pytest.raises(PermissionDenied):
        actions.verify_submission(submission, acting_user=psm_b)
    with pytest.raises(PermissionDenied):  # a TKSK verifies, it does not decide
        actions.reject_submission(submission, acting_user=tksk_a, reason="x")
    with pytest.raises(InvalidInput):  # not verified yet
        actions.validate_submission(submission, acting_user=dinsos)
    actions.verify_submission(submission, acting_user=dinsos)  # Dinas Sosial may verify too
    with pytest.raises(PermissionDenied):  # but not validate what it verified
        actions.validate_submission(submission, acting_user=dinsos)


def test_dinsos_report_needs_another_validator(dinsos, tksk_a, household_a):
    submission = submit_change(dinsos, household_a, {"household": {"rt": "8"}})
    actions.verify_submission(submission, acting_user=tksk_a)
    with pytest.raises(PermissionDenied):
        actions.validate_submission(submission, acting_user=dinsos)
    other = make_user("dinsos-2", Role.DINSOS)
    actions.validate_submission(submission, acting_user=other)
    household_a.refresh_from_db()
    assert household_a.rt == "008"


def test_household_outside_area_is_not_found(psm_a, household_b):
    with pytest.raises(NotAllowed):
        submit_change(psm_a, household_b, {"household": {"rt": "3"}})
    assert Submission.objects.count() == 0


def test_new_household_outside_area_refused(psm_a):
    with pytest.raises(InvalidInput) as exc:
        actions.create_submission(
            acting_user=psm_a,
            data=submission_data("keluarga_baru", new_household_payload(VILLAGE_B)),
        )
    assert "household.kelurahan" in exc.value.errors
    assert Submission.objects.count() == 0


def test_invalid_nik_and_age_rules_refused_with_paths(psm_a, household_a):
    payload = new_household_payload(nik="1234")
    with pytest.raises(InvalidInput) as exc:
        actions.create_submission(acting_user=psm_a, data=submission_data("keluarga_baru", payload))
    assert "member.0.nik" in exc.value.errors
    head = household_a.members.get()  # born 1975: not a child
    with pytest.raises(InvalidInput) as exc:
        actions.create_submission(
            acting_user=psm_a,
            data=submission_data(
                "ppks", {"add": [{"person_id": head.pk, "ppks_type": 2}]}, household_a
            ),
        )
    assert "ppks_add.0.ppks_type" in exc.value.errors
    assert Submission.objects.count() == 0


def test_bad_payload_shape_refused(psm_a, household_a):
    with pytest.raises(InvalidInput) as exc:
        actions.create_submission(
            acting_user=psm_a,
            data=submission_data("survei_rumah", {"floor_material": "emas"}, household_a),
        )
    assert "survey.floor_material" in exc.value.errors
    assert "survey.occupants" in exc.value.errors


def test_photo_that_is_not_an_image_or_too_large_is_refused(psm_a, household_a, settings):
    pid = "7a1f5a3e-6c1b-4f7e-9d8e-1a2b3c4d5e6f"
    data = submission_data(
        "perubahan",
        {"household": {"rt": "3"}},
        household_a,
        photos=[{"client_id": pid, "kind": "depan", "taken_at": None}],
    )
    with pytest.raises(InvalidInput) as exc:
        actions.create_submission(
            acting_user=psm_a, data=data, files={f"photo_{pid}": photo_upload(pid, b"not an image")}
        )
    assert "bukan foto" in exc.value.errors["evidence.photos"][0]
    settings.PILAR_REPORT_PHOTO_MAX_BYTES = 100
    with pytest.raises(InvalidInput) as exc:
        actions.create_submission(
            acting_user=psm_a,
            data=data,
            files={f"photo_{pid}": photo_upload(pid, jpeg((400, 400)))},
        )
    assert "terlalu besar" in exc.value.errors["evidence.photos"][0]
    with pytest.raises(InvalidInput) as exc:
        actions.create_submission(acting_user=psm_a, data=data, files={})
    assert "tidak ikut terkirim" in exc.value.errors["evidence.photos"][0]
    assert Submission.objects.count() == 0


def test_conflict_must_be_resolved_field_by_field(psm_a, tksk_a, dinsos, household_a):
    submission = submit_change(
        psm_a, household_a, {"household": {"address": "Jl. Usulan 1", "rt": "9"}}
    )
    # The registry changes after the report was made.
    update_household(household_a, acting_user=dinsos, data={"address": "Jl. Registri 2"})
    with pytest.raises(InvalidInput) as exc:
        actions.verify_submission(submission, acting_user=tksk_a)
    assert list(exc.value.errors) == ["household.address"]
    assert exc.value.codes == {"household.address": "conflict"}
    actions.verify_submission(
        submission, acting_user=tksk_a, resolutions={"household.address": "registri"}
    )
    actions.validate_submission(submission, acting_user=dinsos)
    household_a.refresh_from_db()
    assert household_a.address == "Jl. Registri 2"  # kept, as decided
    assert household_a.rt == "009"  # not in conflict: applied


def test_conflict_resolved_to_proposal_overwrites(psm_a, tksk_a, dinsos, household_a):
    submission = submit_change(psm_a, household_a, {"household": {"address": "Jl. Usulan 1"}})
    update_household(household_a, acting_user=dinsos, data={"address": "Jl. Registri 2"})
    actions.verify_submission(
        submission, acting_user=tksk_a, resolutions={"household.address": "usulan"}
    )
    actions.validate_submission(submission, acting_user=dinsos)
    household_a.refresh_from_db()
    assert household_a.address == "Jl. Usulan 1"


def test_client_base_detects_change_made_before_upload(psm_a, tksk_a, dinsos, household_a):
    """The phone saw the old address; the registry changed before the report arrived."""
    update_household(household_a, acting_user=dinsos, data={"address": "Jl. Registri 2"})
    submission = submit_change(
        psm_a,
        household_a,
        {"household": {"address": "Jl. Usulan 1"}},
        base={"household.address": "Jl. Melati No. 5"},
    )
    with pytest.raises(InvalidInput):
        actions.verify_submission(submission, acting_user=tksk_a)


def test_death_ends_ppks_records(psm_a, tksk_a, dinsos):
    household = make_household(
        dinsos,
        members=[
            {
                "nik": make_nik("L", "1940-02-02"),
                "name": "Pak Tua",
                "sex": "L",
                "birth_date": "1940-02-02",
                "relation": "kepala",
            }
        ],
    )
    person = household.members.get()
    record = create_ppks_record(acting_user=dinsos, data={"ppks_type": 8, "person": person})
    day = datetime.date.today().isoformat()
    submission = submit_change(
        psm_a,
        household,
        {"persons": [{"person_id": person.pk, "change": "meninggal", "date": day}]},
    )
    actions.verify_submission(submission, acting_user=tksk_a)
    actions.validate_submission(submission, acting_user=dinsos)
    person.refresh_from_db()
    record.refresh_from_db()
    assert person.life_status == "meninggal" and record.status == "selesai"
    assert f"laporan #{submission.pk}" in record.end_reason


def test_ppks_report_adds_and_ends_records(psm_a, tksk_a, dinsos):
    household = make_household(
        dinsos,
        members=[
            {
                "nik": make_nik("L", "1940-02-02"),
                "name": "Pak Tua",
                "sex": "L",
                "birth_date": "1940-02-02",
                "relation": "kepala",
            },
        ],
    )
    person = household.members.get()
    old = create_ppks_record(acting_user=dinsos, data={"ppks_type": 12, "person": person})
    submission, _ = actions.create_submission(
        acting_user=psm_a,
        data=submission_data(
            "ppks",
            {
                "add": [{"person_id": person.pk, "ppks_type": 8}],
                "end": [{"record_id": old.pk, "reason": "Sudah tidak mengemis"}],
            },
            household,
        ),
    )
    actions.verify_submission(submission, acting_user=tksk_a)
    actions.validate_submission(submission, acting_user=dinsos)
    new = PpksRecord.objects.get(person=person, ppks_type__number=8)
    assert new.reporter == psm_a and new.validated_by == dinsos
    old.refresh_from_db()
    assert old.status == "selesai"
    assert person in submission.persons.all()


def test_housing_survey_is_dated_and_kept(psm_a, tksk_a, dinsos, household_a):
    survey = {
        "house_ownership": "milik_sendiri",
        "land_status": "milik_sendiri",
        "floor_material": "tanah",
        "floor_condition": "rusak_berat",
        "wall_material": "anyaman_bambu",
        "wall_condition": "rusak_berat",
        "roof_material": "seng",
        "roof_condition": "rusak_ringan",
        "floor_area_m2": "18.5",
        "occupants": 4,
        "water_source": "sumur_tak_terlindung",
        "lighting_source": "pln_tanpa_meteran",
        "toilet": "tidak_ada",
        "cooking_fuel": "kayu_bakar",
    }
    submission, _ = actions.create_submission(
        acting_user=psm_a, data=submission_data("survei_rumah", survey, household_a)
    )
    actions.verify_submission(submission, acting_user=tksk_a)
    actions.validate_submission(submission, acting_user=dinsos)
    saved = HousingSurvey.objects.get(household=household_a)
    assert saved.floor_material == "tanah" and saved.surveyor == psm_a
    assert saved.submission == submission and float(saved.floor_area_m2) == 18.5
    household_a.refresh_from_db()
    assert household_a.house_ownership == "milik_sendiri"
    # ...and assessed for RTLH at once: earth floor, bamboo walls, no toilet.

    rtlh = RtlhAssessment.objects.get(household=household_a)
    assert rtlh.is_rtlh and rtlh.survey == saved and rtlh.assessed_on == saved.surveyed_on
    submission.refresh_from_db()
    assert submission.result["rtlh_assessment_id"] == rtlh.pk


def test_validation_is_all_or_nothing(psm_a, tksk_a, dinsos, household_a):
    """A NIK taken by someone else after verification: nothing of the report is written."""
    nik = make_nik("L", "2001-04-04")
    submission = submit_change(
        psm_a,
        household_a,
        {
            "household": {"address": "Jl. Semua Atau Tidak"},
            "new_members": [
                {
                    "nik": nik,
                    "name": "Andi",
                    "sex": "L",
                    "birth_date": "2001-04-04",
                    "relation": "anak",
                    "reason": "belum_tercatat",
                }
            ],
        },
    )
    actions.verify_submission(submission, acting_user=tksk_a)

    make_household(
        dinsos,
        VILLAGE_B,
        members=[
            {
                "nik": nik,
                "name": "Orang Lain",
                "sex": "L",
                "birth_date": "2001-04-04",
                "relation": "kepala",
            }
        ],
    )
    with pytest.raises(InvalidInput) as exc:
        actions.validate_submission(submission, acting_user=dinsos)
    assert "new_member.0.nik" in exc.value.errors
    household_a.refresh_from_db()
    submission.refresh_from_db()
    assert household_a.address == "Jl. Melati No. 5"
    assert submission.status == Status.VERIFIED
    assert not Person.objects.filter(name="Andi").exists()


@override_settings(PILAR_VERIVALI_MUSYAWARAH=True)
def test_musyawarah_required_when_enabled(psm_a, tksk_a, household_a):
    submission = submit_change(psm_a, household_a, {"household": {"rt": "3"}})
    with pytest.raises(InvalidInput):
        actions.verify_submission(submission, acting_user=tksk_a)
    minutes = SimpleUploadedFile("ba.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    deliberation = actions.record_deliberation(
        acting_user=tksk_a,
        village_id=household_a.village_id,
        held_on=datetime.date.today(),
        attendees="Lurah\nKetua RW 02",
        minutes=minutes,
        submission_ids=[submission.pk],
    )
    submission.refresh_from_db()
    assert submission.deliberation == deliberation
    actions.verify_submission(submission, acting_user=tksk_a)
    assert "dimusyawarahkan" in [s[0] for s in steps(submission)]


def test_ratification_freezes_the_bnba_list(psm_a, tksk_a, dinsos):
    submission, _ = actions.create_submission(
        acting_user=psm_a, data=submission_data("keluarga_baru", new_household_payload())
    )
    actions.verify_submission(submission, acting_user=tksk_a)
    actions.validate_submission(submission, acting_user=dinsos)
    decree = SimpleUploadedFile("sk.pdf", b"%PDF-1.4 sk", content_type="application/pdf")
    with pytest.raises(PermissionDenied):
        actions.ratify(
            acting_user=tksk_a,
            decree_number="1",
            decree_date=datetime.date.today(),
            decree_file=decree,
            submission_ids=[submission.pk],
        )
    sk = actions.ratify(
        acting_user=dinsos,
        decree_number="400/12/Dinsos/2026",
        decree_date=datetime.date.today(),
        decree_file=decree,
        submission_ids=[submission.pk],
    )
    assert [row["nama"] for row in sk.frozen] == ["Siti Aminah"]
    person = Person.objects.get(name="Siti Aminah")
    person.name = "Siti Aminah Berubah"
    person.save()
    sk.refresh_from_db()
    assert sk.frozen[0]["nama"] == "Siti Aminah"
    with pytest.raises(InvalidInput):  # not twice in an SK
        actions.ratify(
            acting_user=dinsos,
            decree_number="2",
            decree_date=datetime.date.today(),
            decree_file=decree,
            submission_ids=[submission.pk],
        )


def test_rt_padding_is_not_a_change(psm_a, household_a):
    submission = submit_change(psm_a, household_a, {"household": {"rt": "1", "rw": "3"}})
    by_path = {p.path: p for p in proposals(submission, reader=psm_a)}
    assert not by_path["household.rt"].changed  # "1" is the registry's "001"
    assert by_path["household.rw"].changed


def test_dinsos_inbox_takes_reports_nobody_else_can_verify(
    psm_a, psm_b, tksk_a, dinsos, household_a, household_b
):

    covered = submit_change(psm_a, household_a, {"household": {"rt": "5"}})
    uncovered = submit_change(psm_b, household_b, {"household": {"rt": "5"}})  # no TKSK there
    by_tksk = submit_change(tksk_a, household_a, {"household": {"rw": "5"}})
    assert set(inbox_for(dinsos)) == {uncovered, by_tksk}
    assert list(inbox_for(tksk_a)) == [covered]
    actions.verify_submission(covered, acting_user=tksk_a)
    assert set(inbox_for(dinsos)) == {uncovered, by_tksk, covered}
