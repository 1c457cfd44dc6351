"""The optional verivali steps: musyawarah kelurahan and SK penetapan pages, off
by default (404, no links) and working when switched on."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from pilar.audit.models import AccessAction, AccessLog
from pilar.conftest import make_household
from pilar.submissions import actions, forms
from pilar.submissions.bnba import COLUMNS
from pilar.submissions.choices import Status
from pilar.submissions.models import Deliberation, Ratification
from pilar.submissions.tests.factories import new_household_payload, submission_data, submit_change

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 berita acara"
TODAY = datetime.date.today()


def pdf(name="ba.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.mark.parametrize(
    "name,args",
    [
        ("deliberation_list", []),
        ("deliberation_create", []),
        ("ratification_list", []),
        ("ratification_create", []),
        ("ratification_detail", [1]),
    ],
)
def test_switched_off_by_default(client, dinsos, name, args):
    client.force_login(dinsos)
    assert client.get(reverse(f"submissions:{name}", args=args)).status_code == 404
    body = client.get(reverse("submissions:list")).content.decode()
    assert "/laporan/musyawarah/" not in body and "/laporan/sk/" not in body


# Musyawarah ---------------------------------------------------------------------------


@override_settings(PILAR_VERIVALI_MUSYAWARAH=True)
def test_record_deliberation_through_the_page(client, psm_a, tksk_a, household_a):
    submission = submit_change(psm_a, household_a, {"household": {"rt": "3"}})
    other = submit_change(psm_a, household_a, {"household": {"rt": "4"}})
    client.force_login(tksk_a)
    body = client.get(reverse("submissions:detail", args=[submission.pk])).content.decode()
    assert 'id="need-deliberation"' in body and 'value="verifikasi"' not in body
    body = client.get(reverse("submissions:list")).content.decode()
    assert reverse("submissions:deliberation_list") in body  # the tab shows when on

    url = reverse("submissions:deliberation_create")
    body = client.get(url, {"kelurahan": household_a.village_id}).content.decode()
    assert f'value="{submission.pk}"' in body and f'value="{other.pk}"' in body
    fragment = client.get(
        url, {"kelurahan": household_a.village_id}, headers={"HX-Request": "true"}
    ).content.decode()
    assert fragment.lstrip().startswith('<div class="report-choices"')

    form = {
        "kelurahan": household_a.village_id,
        "held_on": TODAY.isoformat(),
        "attendees": "Lurah Sukarasa\nKetua RW 02",
        "submissions": [submission.pk],
    }
    bad = client.post(url, {**form, "minutes": pdf("ba.pdf", b"MZ not a pdf")})
    assert "harus berupa PDF, JPEG atau PNG" in bad.content.decode()
    assert not Deliberation.objects.exists()
    response = client.post(url, {**form, "minutes": pdf()})
    assert response.status_code == 302
    deliberation = Deliberation.objects.get()
    submission.refresh_from_db()
    other.refresh_from_db()
    assert submission.deliberation == deliberation and other.deliberation is None
    body = client.get(reverse("submissions:deliberation_list")).content.decode()
    assert "Lurah Sukarasa" in body
    minutes = client.get(reverse("submissions:deliberation_minutes", args=[deliberation.pk]))
    assert minutes["Content-Type"] == "application/pdf"
    assert minutes["X-Content-Type-Options"] == "nosniff"
    body = client.get(reverse("submissions:detail", args=[submission.pk])).content.decode()
    assert 'value="verifikasi"' in body


@override_settings(PILAR_VERIVALI_MUSYAWARAH=True)
def test_deliberation_too_large_and_out_of_area(client, monkeypatch, psm_a, psm_b, household_a):
    submission = submit_change(psm_a, household_a, {"household": {"rt": "3"}})
    monkeypatch.setattr(forms, "DOCUMENT_MAX_BYTES", 10)
    client.force_login(psm_a)
    response = client.post(
        reverse("submissions:deliberation_create"),
        {
            "kelurahan": household_a.village_id,
            "held_on": TODAY.isoformat(),
            "attendees": "Lurah",
            "submissions": [submission.pk],
            "minutes": pdf(),
        },
    )
    assert "Berkas terlalu besar" in response.content.decode()
    assert not Deliberation.objects.exists()
    client.force_login(psm_b)  # another kelurahan: not theirs to choose
    response = client.get(
        reverse("submissions:deliberation_create"), {"kelurahan": household_a.village_id}
    )
    assert response.status_code == 404


# SK penetapan ----------------------------------------------------------------------------


@pytest.fixture
def validated(psm_a, tksk_a, dinsos):
    submission, _ = actions.create_submission(
        acting_user=psm_a, data=submission_data("keluarga_baru", new_household_payload())
    )
    actions.verify_submission(submission, acting_user=tksk_a)
    actions.validate_submission(submission, acting_user=dinsos)
    submission.refresh_from_db()
    return submission


@override_settings(PILAR_VERIVALI_SK=True)
def test_ratify_through_the_page_and_export_bnba(
    client, dinsos, pimpinan, tksk_a, validated, psm_a, household_a
):
    still_waiting = submit_change(psm_a, household_a, {"household": {"rt": "3"}})
    client.force_login(dinsos)
    url = reverse("submissions:ratification_create")
    body = client.get(url).content.decode()
    assert f'value="{validated.pk}"' in body and f'value="{still_waiting.pk}"' not in body
    response = client.post(
        url,
        {
            "decree_number": "400/12/Dinsos/2026",
            "decree_date": TODAY.isoformat(),
            "decree_file": pdf("sk.pdf"),
            "submissions": [validated.pk],
        },
    )
    assert response.status_code == 302
    sk = Ratification.objects.get()
    validated.refresh_from_db()
    assert validated.ratification == sk and validated.status == Status.VALIDATED

    person = validated.household.members.get()
    body = client.get(reverse("submissions:ratification_detail", args=[sk.pk])).content.decode()
    assert "Siti Aminah" in body and person.nik not in body  # masked on screen

    response = client.get(reverse("submissions:ratification_export", args=[sk.pk, "csv"]))
    rows = list(
        csv.reader(
            io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"
        )
    )

    assert rows[0] == [header for _, header in COLUMNS]
    assert rows[1][rows[0].index("NIK")] == person.nik  # Dinas Sosial may see full numbers
    assert rows[1][rows[0].index("Nama")] == "Siti Aminah"
    log = AccessLog.objects.get(user=dinsos, action=AccessAction.EXPORT)
    assert log.object_type == "bnba_sk" and log.object_id == str(sk.pk)

    client.force_login(pimpinan)  # may look, may not reveal numbers, may not record
    response = client.get(reverse("submissions:ratification_export", args=[sk.pk, "csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert person.nik not in text and person.nik[:4] + "********" + person.nik[-4:] in text
    assert client.get(url).status_code == 403

    client.force_login(tksk_a)  # city-wide lists: not for a kecamatan's TKSK
    assert client.get(reverse("submissions:ratification_list")).status_code == 403


@override_settings(PILAR_VERIVALI_SK=True)
def test_ratify_errors_shown(client, dinsos, validated):
    client.force_login(dinsos)
    response = client.post(
        reverse("submissions:ratification_create"),
        {
            "decree_number": "1/2026",
            "decree_date": (TODAY + datetime.timedelta(days=3)).isoformat(),
            "decree_file": pdf("sk.pdf"),
            "submissions": [],
        },
    )
    body = response.content.decode()
    assert "Tanggal SK tidak boleh di masa depan" in body
    assert "Pilih laporan yang ditetapkan" in body
    assert not Ratification.objects.exists()


def test_history_lists_only_visible_reports(client, psm_b, dinsos):
    household = make_household(dinsos)
    client.force_login(psm_b)
    assert client.get(reverse("web:household_detail", args=[household.pk])).status_code == 404
