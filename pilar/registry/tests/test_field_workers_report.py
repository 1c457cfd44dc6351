"""PSM and TKSK propose registry changes through field reports (issue 3): the registry
actions refuse them (PermissionDenied) after the area check (NotAllowed outside it),
and the pages offer "Laporkan" instead of the direct-edit buttons."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from pilar.conftest import VILLAGE_A, make_household, make_kk, make_nik
from pilar.registry.actions import (
    MSG_FIELD_REPORT,
    NotAllowed,
    create_household,
    create_person,
    move_person,
    update_household,
    update_person,
)
from pilar.registry.models import Household, Membership, Person

pytestmark = pytest.mark.django_db


def new_member(**extra):
    return {
        "nik": make_nik("P", "2010-02-03"),
        "name": "Siti Aminah",
        "sex": "P",
        "birth_date": "2010-02-03",
        "relation": "anak",
        **extra,
    }


def test_registry_write_role_property(admin_user, dinsos, pimpinan, tksk_a, psm_a, mitra):
    assert admin_user.can_write_registry and dinsos.can_write_registry
    for user in (pimpinan, tksk_a, psm_a, mitra):
        assert not user.can_write_registry
    # Their "change" area (what they may report on) is unchanged.
    assert psm_a.can_edit and tksk_a.can_edit
    dinsos.is_active = False
    assert not dinsos.can_write_registry


@pytest.mark.parametrize("role", ["psm_a", "tksk_a"])
def test_actions_refuse_field_workers_inside_their_area(request, role, dinsos):
    user = request.getfixturevalue(role)
    household = make_household(dinsos, VILLAGE_A)
    other = make_household(dinsos, VILLAGE_A, address="Jl. Dua")
    person = household.members.get()
    counts = (Household.objects.count(), Person.objects.count(), Membership.objects.count())

    with pytest.raises(PermissionDenied) as exc:
        create_household(
            acting_user=user,
            data={"no_kk": make_kk(), "address": "Jl. Baru", "village": VILLAGE_A},
            members=[new_member(relation="kepala")],
        )
    assert str(exc.value) == MSG_FIELD_REPORT
    with pytest.raises(PermissionDenied):
        update_household(household, acting_user=user, data={"address": "Jl. Diganti"})
    with pytest.raises(PermissionDenied):
        create_person(acting_user=user, household=household, data=new_member())
    with pytest.raises(PermissionDenied):
        update_person(person, acting_user=user, data={"life_status": "meninggal"})
    with pytest.raises(PermissionDenied):
        move_person(person, acting_user=user, to_household=other, relation="anak", reason="x")

    assert (Household.objects.count(), Person.objects.count(), Membership.objects.count()) == (
        counts
    )
    household.refresh_from_db()
    person.refresh_from_db()
    assert household.address == "Jl. Melati No. 5"
    assert (person.life_status, person.household_id) == ("hidup", household.pk)


def test_outside_the_area_stays_not_found_before_role(psm_b, household_a, household_b):
    person = household_a.members.get()
    with pytest.raises(NotAllowed):
        update_household(household_a, acting_user=psm_b, data={"address": "x"})
    with pytest.raises(NotAllowed):
        create_person(acting_user=psm_b, household=household_a, data=new_member())
    with pytest.raises(NotAllowed):
        update_person(person, acting_user=psm_b, data={"name": "x"})
    with pytest.raises(NotAllowed):
        move_person(
            person, acting_user=psm_b, to_household=household_b, relation="anak", reason="x"
        )
    assert Person.objects.get(pk=person.pk).name == "Budi Santoso"


def test_admin_writes_directly(admin_user):
    household = make_household(admin_user, VILLAGE_A)
    update_household(household, acting_user=admin_user, data={"address": "Jl. Admin"})
    assert Household.objects.get(pk=household.pk).address == "Jl. Admin"


def test_list_offers_report_link_to_field_workers(client, psm_a, dinsos):
    create = reverse("web:household_create")
    client.force_login(psm_a)
    html = client.get(reverse("web:household_list")).content.decode()
    assert f'href="{create}"' not in html
    assert 'href="/lapangan/#/"' in html and "Laporkan keluarga baru" in html
    client.force_login(dinsos)
    html = client.get(reverse("web:household_list")).content.decode()
    assert f'href="{create}"' in html
    assert "Laporkan keluarga baru" not in html


def test_person_page_buttons_by_role(client, dinsos, psm_a, household_a):
    person = household_a.members.get()
    url = reverse("web:person_detail", args=[person.pk])
    edit = reverse("registry:person_edit", args=[person.pk])
    move = reverse("registry:person_move", args=[person.pk])
    client.force_login(psm_a)
    html = client.get(url).content.decode()
    assert edit not in html and move not in html
    assert f"{reverse('ppks:record_create')}?person=" not in html
    assert 'id="report-button"' in html
    client.force_login(dinsos)
    html = client.get(url).content.decode()
    assert edit in html and move in html
    assert f"{reverse('ppks:record_create')}?person={person.pk}" in html
