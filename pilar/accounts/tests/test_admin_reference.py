"""Django admin for reference data (PPKS and PSKS types) and PSKS workers."""

from __future__ import annotations

import pytest
from django.contrib import admin

from pilar.conftest import DISTRICT_A, VILLAGE_A, VILLAGE_B
from pilar.ppks.models import PpksType
from pilar.psks.models import PsksType, PsksWorker
from pilar.registry.models import Household, Person


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_ppks_type_list_shows_number_name_level_ages(admin_client):
    response = admin_client.get("/admin/ppks/ppkstype/")
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert len(rows) == 26 and rows[0].number == 1
    html = response.content.decode()
    assert "Anak Balita Terlantar" in html and "usia 0–5 tahun" in html


def test_ppks_type_rules_editable_number_level_fixed(admin_client):
    toddler = PpksType.objects.get(number=1)
    response = admin_client.post(
        f"/admin/ppks/ppkstype/{toddler.pk}/change/",
        {
            "number": "99",
            "level": "keluarga",
            "name": "Anak Balita Terlantar",
            "short_name": toddler.short_name,
            "min_age": "0",
            "max_age": "4",
            "sex": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    toddler.refresh_from_db()
    assert toddler.max_age == 4
    assert toddler.number == 1 and toddler.level == "individu"
    assert not toddler.is_restricted


def test_ppks_type_cannot_be_deleted(admin_client):
    toddler = PpksType.objects.get(number=1)
    assert admin_client.get(f"/admin/ppks/ppkstype/{toddler.pk}/delete/").status_code == 403


def test_psks_types_editable(admin_client):
    tagana = PsksType.objects.get(number=3)
    response = admin_client.post(
        f"/admin/psks/pskstype/{tagana.pk}/change/",
        {
            "name": tagana.name,
            "short_name": "TAGANA",
            "is_person": "on",
            "min_age": "17",
            "max_age": "40",
        },
    )
    assert response.status_code == 302
    tagana.refresh_from_db()
    assert tagana.min_age == 17 and tagana.number == 3


def worker_post(**overrides):
    data = {
        "psks_type": str(PsksType.objects.get(number=2).pk),
        "name": "Siti Admin",
        "nik": "",
        "phone": "0812 3333 4444",
        "email": "",
        "address": "",
        "district": DISTRICT_A,
        "village": VILLAGE_A,
        "active_from": "2024-01-01",
        "active_until": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_worker_admin_goes_through_actions(admin_client):
    response = admin_client.post("/admin/psks/psksworker/add/", worker_post())
    assert response.status_code == 302
    worker = PsksWorker.objects.get(name="Siti Admin")
    assert worker.phone == "081233334444"  # normalised by the action


def test_worker_admin_shows_action_errors(admin_client):
    response = admin_client.post("/admin/psks/psksworker/add/", worker_post(village=VILLAGE_B))
    assert response.status_code == 200
    assert "tidak berada di Kecamatan" in response.content.decode()
    assert not PsksWorker.objects.exists()


def test_registry_has_no_admin():
    # Writes must go through the registry actions; the admin would bypass them.
    assert not admin.site.is_registered(Household)
    assert not admin.site.is_registered(Person)


def test_worker_admin_change(admin_client):
    admin_client.post("/admin/psks/psksworker/add/", worker_post())
    worker = PsksWorker.objects.get(name="Siti Admin")
    assert admin_client.get(f"/admin/psks/psksworker/{worker.pk}/change/").status_code == 200
    response = admin_client.post(
        f"/admin/psks/psksworker/{worker.pk}/change/",
        worker_post(name="Siti Admin", active_until="2023-12-31"),
    )
    assert response.status_code == 200
    assert "tidak boleh sebelum" in response.content.decode()
    response = admin_client.post(
        f"/admin/psks/psksworker/{worker.pk}/change/",
        worker_post(name="Siti Admin", active_until="2026-12-31"),
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert str(worker.active_until) == "2026-12-31"
    assert PsksWorker.objects.count() == 1
