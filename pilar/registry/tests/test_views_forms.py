import pytest
from django.urls import reverse

from pilar.conftest import VILLAGE_A, VILLAGE_B, make_household, make_kk, make_nik
from pilar.core.identity import mask
from pilar.regions.models import Village
from pilar.registry.models import Household, Membership, Person

pytestmark = pytest.mark.django_db

CREATE = "/keluarga/baru/"


def household_post(**overrides):
    data = {
        "no_kk": make_kk(),
        "address": "Jl. Flamboyan No. 3",
        "rt": "4",
        "rw": "5",
        "village": VILLAGE_A,
        "kepala-name": "Darmawan",
        "kepala-sex": "L",
        "kepala-birth_date": "1980-05-17",
        "kepala-nik": make_nik("L", "1980-05-17"),
    }
    data.update(overrides)
    return data


def person_post(**overrides):
    data = {
        "name": "Rina Marlina",
        "sex": "P",
        "birth_date": "1999-09-09",
        "relation": "anak",
        "nik": make_nik("P", "1999-09-09"),
    }
    data.update(overrides)
    return data


# Create household -------------------------------------------------------------


def test_create_household_with_head(client, dinsos):
    client.force_login(dinsos)
    assert reverse("web:household_create") == CREATE
    response = client.post(CREATE, household_post())
    household = Household.objects.get(address="Jl. Flamboyan No. 3")
    assert response.status_code == 302
    assert response["Location"] == reverse("web:household_detail", args=[household.pk])
    head = household.members.get()
    assert (head.name, head.relation, household.rt) == ("Darmawan", "kepala", "004")
    page = client.get(response["Location"]).content.decode()
    assert "berhasil disimpan" in page


def test_village_select_lists_only_change_scope(client, dinsos):

    outside = Village.objects.exclude(code__startswith="36.71.").first()
    assert outside is not None
    client.force_login(dinsos)
    response = client.get(CREATE)
    html = response.content.decode()
    assert f'value="{VILLAGE_A}"' in html and f'value="{VILLAGE_B}"' in html
    assert f'value="{outside.code}"' not in html


def test_field_workers_report_new_households_instead(client, psm_a, tksk_a):
    for user in (psm_a, tksk_a):
        client.force_login(user)
        response = client.get(CREATE)
        assert response.status_code == 403
        html = response.content.decode()
        assert "laporan lapangan" in html
        assert 'href="/lapangan/#/"' in html
        assert 'name="kepala-nik"' not in html  # no form
        assert client.post(CREATE, household_post()).status_code == 403
    assert not Household.objects.exists()
    assert not Person.objects.exists()


def test_invalid_nik_on_field_nothing_written(client, dinsos):
    client.force_login(dinsos)
    data = household_post(**{"kepala-nik": "12345"})
    response = client.post(CREATE, data)
    assert response.status_code == 200
    head_form = response.context["head_form"]
    assert head_form.errors["nik"] == ["NIK harus 16 digit (tertulis 5 digit)."]
    html = response.content.decode()
    assert "NIK harus 16 digit (tertulis 5 digit)." in html
    assert 'value="Jl. Flamboyan No. 3"' in html  # kept as typed
    assert not Household.objects.exists()
    assert not Person.objects.exists()


def test_missing_no_kk_needs_reason(client, dinsos):
    client.force_login(dinsos)
    response = client.post(CREATE, household_post(no_kk=""))
    assert "no_kk_missing_reason" in response.context["form"].errors
    assert not Household.objects.exists()
    response = client.post(
        CREATE, household_post(no_kk="", no_kk_missing_reason="tidak_punya_dokumen")
    )
    assert response.status_code == 302
    assert Household.objects.get().no_kk is None


def test_pimpinan_and_mitra_cannot_create(client, pimpinan, mitra):
    for user in (pimpinan, mitra):
        client.force_login(user)
        assert client.get(CREATE).status_code == 403
        assert client.post(CREATE, household_post()).status_code == 403
    assert not Household.objects.exists()


# Edit household ---------------------------------------------------------------


def test_edit_household_keeps_masked_kk(client, dinsos, household_a):
    client.force_login(dinsos)
    url = reverse("registry:household_edit", args=[household_a.pk])
    html = client.get(url).content.decode()
    assert household_a.no_kk not in html
    assert mask(household_a.no_kk) in html
    response = client.post(
        url,
        {"no_kk": mask(household_a.no_kk), "address": "Jl. Baru 10", "village": VILLAGE_A},
    )
    assert response.status_code == 302
    household_a.refresh_from_db()
    assert household_a.address == "Jl. Baru 10"
    assert household_a.no_kk is not None and "*" not in household_a.no_kk


def test_edit_household_refused_for_field_workers_in_area(client, psm_a, tksk_a, household_a):
    url = reverse("registry:household_edit", args=[household_a.pk])
    for user in (psm_a, tksk_a):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 403
        assert f'href="/lapangan/#/keluarga/{household_a.pk}"' in response.content.decode()
        response = client.post(url, {"address": "Jl. Baru 10", "village": VILLAGE_A})
        assert response.status_code == 403
    household_a.refresh_from_db()
    assert household_a.address == "Jl. Melati No. 5"


def test_edit_household_out_of_area_404(client, psm_b, household_a):
    client.force_login(psm_b)
    url = reverse("registry:household_edit", args=[household_a.pk])
    response = client.get(url)
    assert response.status_code == 404
    assert household_a.address not in response.content.decode()
    assert client.post(url, {"address": "X", "village": VILLAGE_B}).status_code == 404
    household_a.refresh_from_db()
    assert household_a.address == "Jl. Melati No. 5"


def test_pimpinan_cannot_edit(client, pimpinan, household_a):
    client.force_login(pimpinan)
    url = reverse("registry:household_edit", args=[household_a.pk])
    assert client.get(url).status_code in (403, 404)


# Members ------------------------------------------------------------------------


def test_add_member(client, dinsos, psm_a, household_a):
    url = reverse("web:member_create", args=[household_a.pk])
    client.force_login(psm_a)
    assert client.get(url).status_code == 403
    assert client.post(url, person_post()).status_code == 403
    assert not household_a.members.filter(name="Rina Marlina").exists()
    client.force_login(dinsos)
    response = client.post(url, person_post())
    assert response.status_code == 302
    assert household_a.members.filter(name="Rina Marlina").exists()


def test_add_member_out_of_area_404(client, psm_b, household_a):
    client.force_login(psm_b)
    url = reverse("web:member_create", args=[household_a.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, person_post()).status_code == 404
    assert household_a.members.count() == 1


def test_nik_mismatch_confirmation_flow(client, dinsos, household_a):
    client.force_login(dinsos)
    url = reverse("web:member_create", args=[household_a.pk])
    data = person_post(nik=make_nik("L", "1999-09-09"))  # NIK says male, form says female
    response = client.post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert any("laki-laki" in e for e in form.errors["nik"])
    assert form.show_mismatch
    html = response.content.decode()
    assert 'name="nik_mismatch_reason"' in html and 'id="nik-mismatch"' in html
    assert household_a.members.count() == 1
    response = client.post(url, {**data, "nik_mismatch_reason": "Sesuai KTP asli"})
    assert response.status_code == 302
    person = household_a.members.get(name="Rina Marlina")
    assert person.nik_mismatch_reason == "Sesuai KTP asli"


def test_mismatch_field_hidden_by_default(client, dinsos, household_a):
    client.force_login(dinsos)
    html = client.get(reverse("web:member_create", args=[household_a.pk])).content.decode()
    assert 'name="nik"' in html
    assert 'id="nik-mismatch"' not in html


def test_edit_person_life_status(client, dinsos, household_a):
    person = household_a.members.get()
    client.force_login(dinsos)
    url = reverse("registry:person_edit", args=[person.pk])
    html = client.get(url).content.decode()
    assert person.nik not in html
    data = {
        "nik": person.masked_nik,
        "name": person.name,
        "sex": "L",
        "birth_date": "1975-03-12",
        "relation": "kepala",
        "life_status": "meninggal",
        "life_status_date": "2024-01-05",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    person.refresh_from_db()
    assert person.life_status == "meninggal"
    assert str(person.life_status_date) == "2024-01-05"
    assert person.nik and "*" not in person.nik


def test_edit_person_invalid_date_kept(client, dinsos, household_a):
    person = household_a.members.get()
    client.force_login(dinsos)
    url = reverse("registry:person_edit", args=[person.pk])
    response = client.post(
        url,
        {"nik": person.masked_nik, "name": "", "sex": "L", "relation": "kepala"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["Nama wajib diisi."]
    person.refresh_from_db()
    assert person.name == "Budi Santoso"


def test_edit_person_refused_for_psm_in_area(client, psm_a, household_a):
    person = household_a.members.get()
    client.force_login(psm_a)
    url = reverse("registry:person_edit", args=[person.pk])
    assert client.get(url).status_code == 403
    data = {"name": "Diganti", "sex": "L", "relation": "kepala", "life_status": "meninggal"}
    assert client.post(url, data).status_code == 403
    person.refresh_from_db()
    assert (person.name, person.life_status) == ("Budi Santoso", "hidup")


def test_edit_person_out_of_area_404(client, psm_b, household_a):
    person = household_a.members.get()
    client.force_login(psm_b)
    assert client.get(reverse("registry:person_edit", args=[person.pk])).status_code == 404


# Move ---------------------------------------------------------------------------


def test_move_person_by_no_kk(client, dinsos, household_a, household_b):
    person = household_a.members.get()
    client.force_login(dinsos)
    url = reverse("registry:person_move", args=[person.pk])
    response = client.post(
        url,
        {
            "to_household": household_b.no_kk,
            "relation": "famili_lain",
            "moved_on": "2025-01-02",
            "reason": "Ikut saudara",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.household_id == household_b.pk
    old = Membership.objects.get(person=person, household=household_a)
    assert (str(old.end_date), old.end_reason) == ("2025-01-02", "Ikut saudara")


def test_move_refused_for_psm(client, dinsos, psm_a, household_a):
    other = make_household(dinsos, VILLAGE_A, address="Jl. Dua")
    person = household_a.members.get()
    client.force_login(psm_a)
    url = reverse("registry:person_move", args=[person.pk])
    assert client.get(url).status_code == 403
    response = client.post(
        url, {"to_household": str(other.pk), "relation": "anak", "reason": "Pindah"}
    )
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.household_id == household_a.pk
    assert person.memberships.count() == 1


def test_move_out_of_area_404(client, psm_b, household_a):
    person = household_a.members.get()
    client.force_login(psm_b)
    assert client.get(reverse("registry:person_move", args=[person.pk])).status_code == 404


def test_move_unknown_target_is_field_error(client, dinsos, household_a):
    person = household_a.members.get()
    client.force_login(dinsos)
    url = reverse("registry:person_move", args=[person.pk])
    response = client.post(url, {"to_household": "999999", "relation": "anak", "reason": "Pindah"})
    assert response.status_code == 200
    assert "tidak ditemukan" in response.context["form"].errors["to_household"][0]
    person.refresh_from_db()
    assert person.household_id == household_a.pk


def test_move_needs_reason(client, dinsos, household_a, household_b):
    person = household_a.members.get()
    client.force_login(dinsos)
    url = reverse("registry:person_move", args=[person.pk])
    response = client.post(url, {"to_household": household_b.no_kk, "relation": "anak"})
    assert response.context["form"].errors["reason"] == ["Alasan pindah wajib diisi."]
    person.refresh_from_db()
    assert person.household_id == household_a.pk
