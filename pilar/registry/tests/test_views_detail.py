import pytest
from django.urls import reverse

from pilar.audit.models import AccessLog
from pilar.conftest import VILLAGE_A, VILLAGE_B, make_household, make_nik
from pilar.ppks.actions import create_ppks_record, end_ppks_record
from pilar.registry.actions import create_person, move_person

pytestmark = pytest.mark.django_db


def hh_url(household):
    return reverse("web:household_detail", args=[household.pk])


def person_url(person):
    return reverse("web:person_detail", args=[person.pk])


def test_household_detail_shows_members_ppks_and_logs(client, psm_a, dinsos, household_a):
    head = household_a.members.get()
    child = create_person(
        acting_user=dinsos,
        household=household_a,
        data={
            "nik": make_nik("P", "2021-04-10"),
            "name": "Putri Ayu",
            "sex": "P",
            "birth_date": "2021-04-10",
            "relation": "anak",
        },
    )
    create_ppks_record(acting_user=dinsos, data={"ppks_type": 1, "person": child})
    create_ppks_record(acting_user=dinsos, data={"ppks_type": 24, "household": household_a})
    client.force_login(psm_a)
    response = client.get(hh_url(household_a))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Budi Santoso" in html and "Putri Ayu" in html
    assert head.nik not in html and head.masked_nik in html
    assert household_a.no_kk not in html
    members = {m.name: m for m in response.context["members"]}
    assert [r.ppks_type.number for r in members["Putri Ayu"].active_ppks] == [1]
    assert [r.ppks_type.number for r in response.context["household_records"]] == [24]
    assert "Fakir Miskin" in html
    # A PSM in scope reports changes through the field app: no direct-edit links.
    assert reverse("registry:household_edit", args=[household_a.pk]) not in html
    assert reverse("web:member_create", args=[household_a.pk]) not in html
    assert reverse("ppks:record_create") not in html
    assert "/selesai/" not in html
    assert f'href="/lapangan/#/keluarga/{household_a.pk}"' in html
    log = AccessLog.objects.get(action="lihat_keluarga")
    assert (log.user, log.object_id) == (psm_a, str(household_a.pk))


def test_household_detail_edit_links_for_dinsos(client, dinsos, household_a):
    create_ppks_record(acting_user=dinsos, data={"ppks_type": 24, "household": household_a})
    client.force_login(dinsos)
    html = client.get(hh_url(household_a)).content.decode()
    assert reverse("registry:household_edit", args=[household_a.pk]) in html
    assert reverse("web:member_create", args=[household_a.pk]) in html
    assert f"{reverse('ppks:record_create')}?household={household_a.pk}" in html
    record = household_a.ppks_records.get()
    assert reverse("ppks:record_end", args=[record.pk]) in html


def test_household_out_of_area_is_404_without_data(client, psm_b, household_a):
    client.force_login(psm_b)
    response = client.get(hh_url(household_a))
    assert response.status_code == 404
    assert household_a.address not in response.content.decode()
    assert "Budi" not in response.content.decode()
    assert not AccessLog.objects.exists()


def test_pimpinan_reads_without_edit_buttons(client, pimpinan, household_a):
    client.force_login(pimpinan)
    html = client.get(hh_url(household_a)).content.decode()
    assert "Budi Santoso" in html
    assert reverse("registry:household_edit", args=[household_a.pk]) not in html
    assert reverse("web:member_create", args=[household_a.pk]) not in html
    assert "hx-post" not in html  # no reveal buttons for pimpinan


def test_reveal_button_for_allowed_roles(client, dinsos, household_a):
    client.force_login(dinsos)
    html = client.get(hh_url(household_a)).content.decode()
    assert reverse("registry:reveal", args=["kk", household_a.pk]) in html
    person = household_a.members.get()
    assert reverse("registry:reveal", args=["nik", person.pk]) in html


def test_past_members_trail(client, dinsos, household_a, household_b):
    person = household_a.members.get()
    move_person(
        person,
        acting_user=dinsos,
        to_household=household_b,
        relation="famili_lain",
        reason="Menumpang di rumah saudara",
    )
    client.force_login(dinsos)
    response = client.get(hh_url(household_a))
    past = list(response.context["past_memberships"])
    assert [m.person_id for m in past] == [person.pk]
    assert "Menumpang di rumah saudara" in response.content.decode()


def test_person_detail(client, tksk_a, dinsos, household_a):
    person = household_a.members.get()
    record = create_ppks_record(
        acting_user=dinsos,
        data={"ppks_type": 9, "person": person, "disability_subtypes": ["fisik"]},
    )
    end_ppks_record(record, acting_user=dinsos, reason="Sudah mendapat alat bantu")
    client.force_login(tksk_a)
    response = client.get(person_url(person))
    html = response.content.decode()
    assert response.status_code == 200
    assert person.name in html and person.nik not in html
    assert "Penyandang Disabilitas" in html and "Sudah mendapat alat bantu" in html
    assert len(response.context["memberships"]) == 1
    # The TKSK reports instead of editing: the field app's household page.
    assert reverse("registry:person_edit", args=[person.pk]) not in html
    assert reverse("registry:person_move", args=[person.pk]) not in html
    assert f'href="/lapangan/#/keluarga/{household_a.pk}"' in html
    log = AccessLog.objects.get(action="lihat_individu")
    assert (log.user, log.object_id) == (tksk_a, str(person.pk))


def test_person_out_of_area_is_404(client, psm_a, household_b):
    person = household_b.members.get()
    client.force_login(psm_a)
    response = client.get(person_url(person))
    assert response.status_code == 404
    assert person.name not in response.content.decode()


def test_mitra_cannot_open_pages(client, mitra, household_a):
    client.force_login(mitra)
    assert client.get(hh_url(household_a)).status_code == 403
    assert client.get(person_url(household_a.members.get())).status_code == 403


def test_anonymous_redirected(client, household_a):
    response = client.get(hh_url(household_a))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_household_in_b_visible_to_city(client, dinsos):
    household = make_household(dinsos, VILLAGE_B, address="Jl. Anggrek 1")
    client.force_login(dinsos)
    assert "Jl. Anggrek 1" in client.get(hh_url(household)).content.decode()
    other = make_household(dinsos, VILLAGE_A, address="Jl. Cempaka 2")
    assert "Jl. Cempaka 2" in client.get(hh_url(other)).content.decode()
