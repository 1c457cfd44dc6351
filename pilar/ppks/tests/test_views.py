import pytest
from django.urls import reverse

from pilar.ppks.actions import create_ppks_record
from pilar.ppks.models import PpksRecord

pytestmark = pytest.mark.django_db

CREATE = "/ppks/baru/"


def test_url_names():
    assert reverse("ppks:record_create") == CREATE
    assert reverse("ppks:record_end", args=[5]) == "/ppks/5/selesai/"


def test_record_person_ppks(client, dinsos, household_a):
    person = household_a.members.get()
    client.force_login(dinsos)
    url = f"{CREATE}?person={person.pk}"
    html = client.get(url).content.decode()
    assert "Lanjut Usia Terlantar" in html
    assert "Fakir Miskin" not in html  # household-level types are not offered for a person
    response = client.post(
        url, {"ppks_type": "9", "disability_subtypes": ["fisik"], "date_found": "2025-02-01"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("web:person_detail", args=[person.pk])
    record = PpksRecord.objects.get()
    assert (record.person, record.ppks_type.number, record.disability_subtypes) == (
        person,
        9,
        ["fisik"],
    )
    assert record.reporter == dinsos
    assert record.validated_by == dinsos


def test_age_rule_message_on_field(client, dinsos, household_a):
    person = household_a.members.get()  # born 1975
    client.force_login(dinsos)
    response = client.post(f"{CREATE}?person={person.pk}", {"ppks_type": "1"})
    assert response.status_code == 200
    errors = response.context["form"].errors["ppks_type"]
    assert errors[0].startswith("Anak Balita Terlantar hanya untuk usia 0–5 tahun")
    assert "Anak Balita Terlantar hanya untuk usia 0–5 tahun" in response.content.decode()
    assert not PpksRecord.objects.exists()


def test_disability_subtype_required(client, dinsos, household_a):
    person = household_a.members.get()
    client.force_login(dinsos)
    response = client.post(f"{CREATE}?person={person.pk}", {"ppks_type": "9"})
    assert response.context["form"].errors["disability_subtypes"] == [
        "Pilih minimal satu jenis disabilitas."
    ]
    assert not PpksRecord.objects.exists()


def test_record_household_ppks(client, dinsos, household_a):
    client.force_login(dinsos)
    url = f"{CREATE}?household={household_a.pk}"
    assert "Fakir Miskin" in client.get(url).content.decode()
    response = client.post(url, {"ppks_type": "24", "notes": "Rumah tidak layak"})
    assert response["Location"] == reverse("web:household_detail", args=[household_a.pk])
    record = PpksRecord.objects.get()
    assert (record.household, record.person, record.notes) == (
        household_a,
        None,
        "Rumah tidak layak",
    )


@pytest.mark.parametrize("persona", ["psm_a", "tksk_a"])
def test_field_workers_report_ppks_instead(client, request, persona, household_a):
    person = household_a.members.get()
    client.force_login(request.getfixturevalue(persona))
    for url in (f"{CREATE}?person={person.pk}", f"{CREATE}?household={household_a.pk}"):
        response = client.get(url)
        assert response.status_code == 403
        html = response.content.decode()
        assert f'href="/lapangan/#/keluarga/{household_a.pk}"' in html
        assert 'name="ppks_type"' not in html
        assert client.post(url, {"ppks_type": "24"}).status_code == 403
    assert not PpksRecord.objects.exists()


def test_out_of_area_and_readonly(client, psm_b, pimpinan, household_a):
    person = household_a.members.get()
    client.force_login(psm_b)
    assert client.get(f"{CREATE}?person={person.pk}").status_code == 404
    assert (
        client.post(f"{CREATE}?household={household_a.pk}", {"ppks_type": "24"}).status_code == 404
    )
    client.force_login(pimpinan)
    assert (
        client.post(f"{CREATE}?household={household_a.pk}", {"ppks_type": "24"}).status_code == 403
    )
    assert not PpksRecord.objects.exists()


def test_missing_subject_404(client, dinsos):
    client.force_login(dinsos)
    assert client.get(CREATE).status_code == 404


def test_end_record(client, psm_a, dinsos, household_a):
    record = create_ppks_record(
        acting_user=dinsos, data={"ppks_type": 24, "household": household_a}
    )
    url = reverse("ppks:record_end", args=[record.pk])
    # A PSM in the area reports the end instead: 403, the record stays active.
    client.force_login(psm_a)
    assert client.get(url).status_code == 403
    assert client.post(url, {"end_reason": "Sudah mandiri"}).status_code == 403
    record.refresh_from_db()
    assert record.status == "aktif"
    client.force_login(dinsos)
    response = client.post(url, {"ended_on": "", "end_reason": ""})
    assert response.context["form"].errors["end_reason"] == ["Alasan selesai wajib diisi."]
    record.refresh_from_db()
    assert record.status == "aktif"
    response = client.post(url, {"end_reason": "Sudah mandiri"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.status, record.end_reason) == ("selesai", "Sudah mandiri")
    # An ended record cannot be ended again.
    assert client.get(url).status_code == 404


def test_end_record_out_of_area(client, psm_b, dinsos, household_a):
    record = create_ppks_record(
        acting_user=dinsos, data={"ppks_type": 24, "household": household_a}
    )
    client.force_login(psm_b)
    url = reverse("ppks:record_end", args=[record.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"end_reason": "x"}).status_code == 404
    record.refresh_from_db()
    assert record.status == "aktif"
