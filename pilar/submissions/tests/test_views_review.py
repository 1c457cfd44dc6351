"""One report's page: who may open it, what it shows, and the review flow through
the page (verify with a conflict, return with reasons, validate, reject, the
double click), plus the photos."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pilar.accounts.choices import Role
from pilar.audit.models import AccessAction, AccessLog
from pilar.conftest import VILLAGE_B, make_household, make_nik, make_user
from pilar.registry.actions import update_household
from pilar.submissions import actions
from pilar.submissions.choices import Status
from pilar.submissions.models import Notification, Submission
from pilar.submissions.tests.factories import (
    new_household_payload,
    photo_upload,
    submission_data,
    submit_change,
)

pytestmark = pytest.mark.django_db

PHOTO_ID = "5e1f5a3e-6c1b-4f7e-9d8e-1a2b3c4d5e60"


@pytest.fixture
def tksk_b(db):
    return make_user("tksk-b", Role.TKSK, district="36.71.02")


@pytest.fixture
def submission(psm_a, household_a):
    data = submission_data(
        "perubahan",
        {"household": {"address": "Jl. Usulan 1", "rt": "9"}},
        household_a,
        latitude="-6.170000",
        longitude="106.630000",
        gps_accuracy_m=12,
        notes="Rumah di ujung gang",
        photos=[{"client_id": PHOTO_ID, "kind": "depan", "taken_at": None}],
    )
    created, _ = actions.create_submission(
        acting_user=psm_a, data=data, files={f"photo_{PHOTO_ID}": photo_upload(PHOTO_ID)}
    )
    return created


def url(submission):
    return reverse("submissions:detail", args=[submission.pk])


def page(client, user, submission):
    client.force_login(user)
    response = client.get(url(submission))
    return response, response.content.decode()


# Who may open it ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["psm_a", "tksk_a", "dinsos", "pimpinan"])
def test_detail_shows_report_to_its_area(client, request, submission, who):
    user = request.getfixturevalue(who)
    response, body = page(client, user, submission)
    assert response.status_code == 200
    assert f"Laporan #{submission.pk}" in body
    assert "Jl. Usulan 1" in body and "Jl. Melati No. 5" in body  # proposed and registry
    assert "openstreetmap.org/?mlat=-6.170000&amp;mlon=106.630000" in body
    assert "akurasi ±12 m" in body and "Rumah di ujung gang" in body
    assert reverse("submissions:photo", args=[submission.pk, PHOTO_ID]) in body
    log = AccessLog.objects.filter(user=user, object_id=str(submission.pk)).get()
    assert log.action == AccessAction.VIEW_PERSON and log.object_type == "submissions.submission"


@pytest.mark.parametrize("who", ["psm_b", "tksk_b"])
def test_detail_out_of_area_is_404(client, request, submission, who):
    response, _ = page(client, request.getfixturevalue(who), submission)
    assert response.status_code == 404
    assert not AccessLog.objects.filter(object_id=str(submission.pk)).exists()


def test_detail_refuses_roles_without_person_data(client, mitra, submission):
    response, _ = page(client, mitra, submission)
    assert response.status_code == 403


def test_action_forms_only_for_who_may_act(client, psm_a, tksk_a, dinsos, pimpinan, submission):
    _, body = page(client, tksk_a, submission)
    assert 'value="verifikasi"' in body and 'value="kembalikan"' in body
    assert 'value="validasi"' not in body
    _, body = page(client, psm_a, submission)  # the reporter
    assert 'id="review-form"' not in body
    _, body = page(client, pimpinan, submission)
    assert 'id="review-form"' not in body
    actions.verify_submission(submission, acting_user=tksk_a)
    _, body = page(client, tksk_a, submission)
    assert 'id="review-form"' not in body  # verified: now Dinas Sosial's turn
    _, body = page(client, dinsos, submission)
    assert 'value="validasi"' in body and 'value="tolak"' in body and 'value="kembalikan"' in body


def test_opening_report_marks_its_notifications_read(client, tksk_a, submission):
    assert Notification.objects.filter(user=tksk_a, submission=submission, read_at=None).exists()
    page(client, tksk_a, submission)
    assert not Notification.objects.filter(
        user=tksk_a, submission=submission, read_at=None
    ).exists()


# The review flow ---------------------------------------------------------------------


def test_verify_with_conflict_resolution_then_validate(
    client, psm_a, tksk_a, dinsos, household_a, submission
):
    update_household(household_a, acting_user=dinsos, data={"address": "Jl. Registri 2"})
    _, body = page(client, tksk_a, submission)
    assert "BENTROK" in body and 'name="res:household.address"' in body
    assert "Jl. Melati No. 5" in body  # what the reporter saw, beside the new registry value

    # Verifying without deciding the conflict: refused, the message beside the row.
    response = client.post(url(submission), {"aksi": "verifikasi", "note": "Sudah dicek"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "pilih nilai usulan atau nilai registri" in body
    submission.refresh_from_db()
    assert submission.status == Status.SUBMITTED

    response = client.post(
        url(submission),
        {"aksi": "verifikasi", "note": "Sudah dicek", "res:household.address": "registri"},
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Status.VERIFIED and submission.verified_by == tksk_a
    assert submission.resolutions == {"household.address": "registri"}

    _, body = page(client, dinsos, submission)
    assert "Diputuskan: pertahankan registri" not in body  # dinsos may still change it
    assert 'value="registri" checked' in body
    client.force_login(dinsos)
    response = client.post(
        url(submission), {"aksi": "validasi", "res:household.address": "registri"}
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    household_a.refresh_from_db()
    assert submission.status == Status.VALIDATED
    assert household_a.address == "Jl. Registri 2" and household_a.rt == "009"
    _, body = page(client, psm_a, submission)
    assert "Divalidasi dan diterapkan ke registri" in body and "Sudah dicek" in body


def test_return_with_per_field_reasons_shown_to_reporter(client, psm_a, tksk_a, submission):
    client.force_login(tksk_a)
    response = client.post(url(submission), {"aksi": "kembalikan"})
    assert "Tuliskan alasan pengembalian" in response.content.decode()
    response = client.post(
        url(submission),
        {
            "aksi": "kembalikan",
            "alasan:household.address": "Nomor rumah tidak sesuai KK",
            "alasan:household.rt": "",
            "alasan:evidence.photos": "Foto buram",
            "note": "Mohon diperbaiki",
        },
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Status.RETURNED
    assert submission.return_reasons == {
        "household.address": "Nomor rumah tidak sesuai KK",
        "evidence.photos": "Foto buram",
        "__all__": "Mohon diperbaiki",
    }
    _, body = page(client, psm_a, submission)
    assert "Alasan dikembalikan: Nomor rumah tidak sesuai KK" in body
    assert "Bukti: foto" in body and "Foto buram" in body and "Mohon diperbaiki" in body
    assert "/lapangan/#/daftar/dikembalikan" in body
    # The step timeline names the field in words.
    assert "Keluarga: Alamat" in body


def test_reject_needs_reason(client, tksk_a, dinsos, submission):
    actions.verify_submission(submission, acting_user=tksk_a)
    client.force_login(dinsos)
    response = client.post(url(submission), {"aksi": "tolak", "reason": " "})
    assert "Alasan penolakan wajib diisi" in response.content.decode()
    response = client.post(url(submission), {"aksi": "tolak", "reason": "Alamat fiktif"})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Status.REJECTED
    assert submission.steps.last().note == "Alamat fiktif"


def test_double_click_gets_clear_stale_message(client, tksk_a, submission):
    client.force_login(tksk_a)
    assert client.post(url(submission), {"aksi": "verifikasi"}).status_code == 302
    response = client.post(url(submission), {"aksi": "verifikasi"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="stale-alert"' in body and "sudah diproses orang lain" in body
    assert "sudah berstatus diverifikasi tksk oleh tksk-a" in body
    assert submission.steps.filter(action="diverifikasi").count() == 1


def test_acting_without_right_is_403_and_out_of_area_404(client, psm_a, psm_b, submission):
    client.force_login(psm_a)  # the reporter may not verify their own report
    assert client.post(url(submission), {"aksi": "verifikasi"}).status_code == 403
    client.force_login(psm_b)
    assert client.post(url(submission), {"aksi": "verifikasi"}).status_code == 404
    submission.refresh_from_db()
    assert submission.status == Status.SUBMITTED


def test_unknown_action_is_bad_request(client, tksk_a, submission):
    client.force_login(tksk_a)
    assert client.post(url(submission), {"aksi": "hapus"}).status_code == 400


def test_validation_error_of_apply_is_shown_beside_the_row(client, psm_a, tksk_a, dinsos):
    """A new household whose NIK was registered meanwhile: the error names the member row."""
    nik = make_nik("P", "1950-01-20")
    submission, _ = actions.create_submission(
        acting_user=psm_a, data=submission_data("keluarga_baru", new_household_payload(nik=nik))
    )
    actions.verify_submission(submission, acting_user=tksk_a)
    make_household(
        dinsos,
        VILLAGE_B,
        members=[
            {"nik": nik, "name": "X", "sex": "P", "birth_date": "1950-01-20", "relation": "kepala"}
        ],
    )
    client.force_login(dinsos)
    response = client.post(url(submission), {"aksi": "validasi"})
    body = response.content.decode()
    assert response.status_code == 200 and 'class="text-danger fw-semibold field-error"' in body
    assert Submission.objects.get(pk=submission.pk).status == Status.VERIFIED


# Photos ----------------------------------------------------------------------------------


def test_photo_served_in_area_with_nosniff(client, tksk_a, psm_b, submission):
    photo_url = reverse("submissions:photo", args=[submission.pk, PHOTO_ID])
    client.force_login(tksk_a)
    response = client.get(photo_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    other = reverse(
        "submissions:photo", args=[submission.pk, "11111111-1111-4111-8111-111111111111"]
    )
    assert client.get(other).status_code == 404
    client.force_login(psm_b)
    assert client.get(photo_url).status_code == 404


def test_history_on_household_and_person_pages(client, psm_a, psm_b, tksk_a, household_a):
    head = household_a.members.get()
    submission = submit_change(
        psm_a,
        household_a,
        {"persons": [{"person_id": head.pk, "change": "koreksi", "fields": {"name": "Budi S."}}]},
    )
    actions.return_submission(
        submission,
        acting_user=tksk_a,
        field_reasons={f"person.{head.pk}.name": "Tulis nama lengkap"},
    )
    client.force_login(tksk_a)
    for page_url in (
        reverse("web:household_detail", args=[household_a.pk]),
        reverse("web:person_detail", args=[head.pk]),
    ):
        body = client.get(page_url).content.decode()
        assert 'id="report-history"' in body
        assert reverse("submissions:detail", args=[submission.pk]) in body
        assert "Dikembalikan ke pelapor" in body and "Tulis nama lengkap" in body
        assert f"Individu #{head.pk}: Nama" in body
        assert f"/lapangan/#/keluarga/{household_a.pk}" in body
    client.force_login(psm_b)
    assert client.get(reverse("web:household_detail", args=[household_a.pk])).status_code == 404


def test_no_report_link_for_read_only_roles(client, pimpinan, household_a):
    client.force_login(pimpinan)
    body = client.get(reverse("web:household_detail", args=[household_a.pk])).content.decode()
    assert 'id="report-history"' in body and "/lapangan/#/keluarga/" not in body
