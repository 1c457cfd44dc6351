"""Validation and permissions of the PSKS worker actions."""

from __future__ import annotations

import datetime

import pytest

from pilar.conftest import DISTRICT_A, VILLAGE_A, VILLAGE_B, make_nik
from pilar.core.errors import InvalidInput, NotAllowed
from pilar.psks.actions import create_worker, update_worker
from pilar.psks.models import PsksWorker
from pilar.psks.tests.conftest import make_worker, psks_type
from pilar.regions.models import District, Village


def errors_of(user, **data) -> dict[str, list[str]]:
    before = PsksWorker.objects.count()
    with pytest.raises(InvalidInput) as info:
        make_worker(user, **data)
    assert PsksWorker.objects.count() == before  # nothing written
    return info.value.errors


def test_create_normalises_values(dinsos):
    nik = make_nik("P", "1985-02-03")
    worker = make_worker(
        dinsos,
        name="  Siti   Aminah ",
        phone="0812-3456-7890",
        nik=nik,
        email="Siti@Example.ID",
        active_until="31-12-2026",
    )
    worker.refresh_from_db()
    assert worker.name == "Siti Aminah"
    assert worker.phone == "081234567890"
    assert worker.nik == nik
    assert worker.email == "siti@example.id"
    assert worker.district_id == DISTRICT_A
    assert worker.village_id == VILLAGE_A
    assert worker.active_from == datetime.date(2024, 1, 1)
    assert worker.active_until == datetime.date(2026, 12, 31)


def test_name_required(dinsos):
    assert errors_of(dinsos, name="  ")["name"] == ["Nama wajib diisi."]


def test_phone_digits_or_plus(dinsos):
    assert "Nomor telepon" in errors_of(dinsos, phone="0812abc")["phone"][0]
    assert "phone" in errors_of(dinsos, phone="62+812345678")
    assert make_worker(dinsos, phone="+62 812 3456 7890").phone == "+6281234567890"


def test_invalid_nik(dinsos):
    assert errors_of(dinsos, nik="123")["nik"] == ["NIK harus 16 digit (tertulis 3 digit)."]


def test_district_must_be_in_region(dinsos):
    errors = errors_of(dinsos, district="32.73.01", village="")
    assert "tidak dikenal di wilayah ini" in errors["district"][0]


def test_village_must_belong_to_district(dinsos):
    errors = errors_of(dinsos, village=VILLAGE_B)
    assert len(errors["village"]) == 1
    assert "tidak berada di Kecamatan Tangerang" in errors["village"][0]


def test_psm_requires_village(dinsos):
    assert errors_of(dinsos, village="")["village"] == ["PSM wajib ditugaskan di satu kelurahan."]


def test_tksk_requires_district_and_no_village(dinsos):
    tksk = psks_type(11).pk
    errors = errors_of(dinsos, psks_type=tksk, village=VILLAGE_A)
    assert "kosongkan isian kelurahan" in errors["village"][0]
    errors = errors_of(dinsos, psks_type=tksk, district="", village="")
    assert errors["district"] == ["Kecamatan wajib diisi."]
    worker = make_worker(dinsos, psks_type=tksk, village="")
    assert worker.village_id is None and worker.district_id == DISTRICT_A


def test_active_period(dinsos):
    errors = errors_of(dinsos, active_from="2024-05-01", active_until="2024-04-30")
    assert errors["active_until"] == [
        "Tanggal akhir aktif tidak boleh sebelum tanggal mulai aktif."
    ]
    assert "active_from" in errors_of(dinsos, active_from="")
    assert (
        "bukan tanggal yang valid" in errors_of(dinsos, active_from="31-02-2024")["active_from"][0]
    )


def test_all_errors_at_once(dinsos):
    errors = errors_of(dinsos, psks_type="", name="", phone="x", active_from="")
    assert {"psks_type", "name", "phone", "active_from"} <= set(errors)


@pytest.mark.parametrize("persona", ["psm_a", "tksk_a", "pimpinan", "mitra"])
def test_only_dinsos_and_admin_write(request, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(NotAllowed):
        make_worker(user)
    assert not PsksWorker.objects.exists()


def test_admin_may_write(admin_user):
    assert make_worker(admin_user).pk


def test_update_is_partial_and_validated(dinsos, worker_a):
    update_worker(worker_a, acting_user=dinsos, data={"phone": "+6281110000"})
    worker_a.refresh_from_db()
    assert worker_a.phone == "+6281110000" and worker_a.name == "Siti Aminah"
    with pytest.raises(InvalidInput):
        update_worker(worker_a, acting_user=dinsos, data={"name": "", "phone": "021555000"})
    worker_a.refresh_from_db()
    assert worker_a.name == "Siti Aminah" and worker_a.phone == "+6281110000"


def test_update_records_history(dinsos, worker_a):
    update_worker(worker_a, acting_user=dinsos, data={"active_until": "2025-06-30"})
    event_model = PsksWorker.pgh_event_model
    rows = list(event_model.objects.filter(pgh_obj_id=worker_a.pk).order_by("pgh_id"))
    assert [r.pgh_label for r in rows] == ["insert", "before_update", "update"]
    assert rows[1].active_until is None
    assert rows[-1].active_until == datetime.date(2025, 6, 30)


def test_update_by_field_user_refused(psm_a, worker_a):
    with pytest.raises(NotAllowed):
        update_worker(worker_a, acting_user=psm_a, data={"name": "X"})


def test_create_accepts_typed_values(dinsos):

    worker = create_worker(
        acting_user=dinsos,
        data={
            "psks_type": psks_type(2),
            "name": "Budi",
            "district": District.objects.get(pk=DISTRICT_A),
            "village": Village.objects.get(pk=VILLAGE_A),
            "active_from": datetime.date(2023, 1, 1),
        },
    )
    assert worker.village_id == VILLAGE_A
