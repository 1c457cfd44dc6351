"""PSKS worker pages: scoping, search, filters, pagination, create and edit."""

from __future__ import annotations

import pytest

from pilar.accounts.models import User
from pilar.conftest import DISTRICT_A, VILLAGE_A, VILLAGE_A2, VILLAGE_B, make_nik
from pilar.psks.models import PsksWorker
from pilar.psks.tests.conftest import make_worker, psks_type

LIST = "/psks/"


def names(response) -> set[str]:
    return {w.name for w in response.context["workers"]}


@pytest.fixture
def everyone(worker_a, worker_a2, worker_b, tksk_worker_a):
    return [worker_a, worker_a2, worker_b, tksk_worker_a]


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("dinsos", {"Siti Aminah", "Rudi Hartono", "Dewi Lestari", "Agus Salim"}),
        ("pimpinan", {"Siti Aminah", "Rudi Hartono", "Dewi Lestari", "Agus Salim"}),
        ("admin_user", {"Siti Aminah", "Rudi Hartono", "Dewi Lestari", "Agus Salim"}),
        ("tksk_a", {"Siti Aminah", "Rudi Hartono", "Agus Salim"}),
        ("psm_a", {"Siti Aminah"}),
        ("psm_b", {"Dewi Lestari"}),
    ],
)
def test_list_is_scoped(client, request, everyone, persona, expected):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(LIST)
    assert response.status_code == 200
    assert names(response) == expected
    assert response.context["total"] == len(expected)
    html = response.content.decode()
    for worker in everyone:
        assert (worker.name in html) == (worker.name in expected)


def test_list_needs_login(client, db):
    response = client.get(LIST)
    assert response.status_code == 302 and response.url.startswith("/akun/masuk/")


def test_mitra_gets_403(client, mitra, everyone):
    client.force_login(mitra)
    assert client.get(LIST).status_code == 403
    assert client.get(f"/psks/{everyone[0].pk}/").status_code == 403


def test_search_and_filters(client, dinsos, everyone):
    client.force_login(dinsos)
    assert names(client.get(LIST, {"q": "aminah"})) == {"Siti Aminah"}
    assert names(client.get(LIST, {"jenis": psks_type(11).pk})) == {"Agus Salim"}
    assert names(client.get(LIST, {"kecamatan": "36.71.02"})) == {"Dewi Lestari"}
    assert names(client.get(LIST, {"kecamatan": DISTRICT_A, "jenis": psks_type(2).pk})) == {
        "Siti Aminah",
        "Rudi Hartono",
    }


def test_kecamatan_filter_offers_only_own_area(client, tksk_a, everyone):
    client.force_login(tksk_a)
    response = client.get(LIST)
    choices = [value for value, _label in response.context["form"].fields["kecamatan"].choices]
    assert choices == ["", DISTRICT_A]


def test_pagination_25(client, dinsos, django_assert_max_num_queries):
    for index in range(30):
        make_worker(dinsos, name=f"PSM {index:02d}")
    client.force_login(dinsos)
    with django_assert_max_num_queries(12):
        first = client.get(LIST)
    assert len(first.context["workers"]) == 25
    assert first.context["total"] == 30
    second = client.get(LIST, {"page": 2})
    assert len(second.context["workers"]) == 5
    assert not names(first) & names(second)
    assert "page=2" in first.content.decode()


def test_detail_shows_everything(client, dinsos, worker_a):
    account = User.objects.create_user("psm-siti", password="x", role="psm", village_id=VILLAGE_A)
    account.psks_worker = worker_a
    account.save()
    client.force_login(dinsos)
    response = client.get(f"/psks/{worker_a.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in ["Siti Aminah", "Pekerja Sosial Masyarakat", "081234567890", "psm-siti", "aktif"]:
        assert text in html
    assert response.context["account"] == account


def test_detail_without_account(client, dinsos, worker_b):
    client.force_login(dinsos)
    response = client.get(f"/psks/{worker_b.pk}/")
    assert response.context["account"] is None
    assert "belum ada" in response.content.decode()


def test_field_users_see_masked_nik(client, dinsos, psm_a):
    nik = make_nik("P", "1985-02-03")
    worker = make_worker(dinsos, nik=nik)
    client.force_login(psm_a)
    html = client.get(f"/psks/{worker.pk}/").content.decode()
    assert nik not in html and nik[-4:] in html
    client.force_login(dinsos)
    assert nik in client.get(f"/psks/{worker.pk}/").content.decode()


def test_out_of_area_detail_is_404(client, psm_b, worker_a):
    client.force_login(psm_b)
    response = client.get(f"/psks/{worker_a.pk}/")
    assert response.status_code == 404
    assert "Siti Aminah" not in response.content.decode()


def test_tksk_sees_kecamatan_not_other(client, tksk_a, worker_a2, worker_b, tksk_worker_a):
    client.force_login(tksk_a)
    assert client.get(f"/psks/{worker_a2.pk}/").status_code == 200
    assert client.get(f"/psks/{tksk_worker_a.pk}/").status_code == 200
    assert client.get(f"/psks/{worker_b.pk}/").status_code == 404


def test_missing_is_404(client, dinsos):
    client.force_login(dinsos)
    assert client.get("/psks/999999/").status_code == 404


@pytest.mark.parametrize("persona", ["psm_a", "tksk_a", "pimpinan", "mitra"])
def test_create_and_edit_forbidden_for_others(client, request, worker_a, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/psks/baru/").status_code == 403
    assert client.post("/psks/baru/", {"name": "X"}).status_code == 403
    assert client.get(f"/psks/{worker_a.pk}/ubah/").status_code == 403
    assert client.post(f"/psks/{worker_a.pk}/ubah/", {"name": "X"}).status_code == 403
    assert PsksWorker.objects.count() == 1
    worker_a.refresh_from_db()
    assert worker_a.name == "Siti Aminah"


def form_data(**overrides) -> dict:
    data = {
        "psks_type": str(psks_type(2).pk),
        "name": "Nur Hasanah",
        "nik": "",
        "phone": "0812 1111 2222",
        "email": "",
        "address": "Jl. Mawar 3",
        "district": DISTRICT_A,
        "village": VILLAGE_A2,
        "active_from": "2025-01-15",
        "active_until": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_dinsos_creates_worker(client, dinsos):
    client.force_login(dinsos)
    assert client.get("/psks/baru/").status_code == 200
    response = client.post("/psks/baru/", form_data())
    worker = PsksWorker.objects.get(name="Nur Hasanah")
    assert response.status_code == 302 and response.url == f"/psks/{worker.pk}/"
    assert worker.village_id == VILLAGE_A2 and worker.phone == "081211112222"
    assert worker.psks_type.number == 2


def test_create_errors_on_fields_and_nothing_written(client, dinsos):
    client.force_login(dinsos)
    response = client.post(
        "/psks/baru/",
        form_data(
            name="Budi Tersesat",
            village=VILLAGE_B,
            phone="08x",
            nik="12345",
            active_until="2024-01-01",
        ),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "tidak berada di Kecamatan" in form.errors["village"][0]
    assert "Nomor telepon" in form.errors["phone"][0]
    assert "NIK harus 16 digit" in form.errors["nik"][0]
    assert "tidak boleh sebelum" in form.errors["active_until"][0]
    assert not PsksWorker.objects.exists()
    html = response.content.decode()
    assert 'value="Budi Tersesat"' in html  # kept as typed


def test_create_missing_required_in_indonesian(client, dinsos):
    client.force_login(dinsos)
    response = client.post("/psks/baru/", form_data(name="", psks_type="", active_from=""))
    form = response.context["form"]
    assert form.errors["name"] == ["Nama wajib diisi."]
    assert form.errors["psks_type"] == ["Jenis PSKS wajib dipilih."]
    assert form.errors["active_from"] == ["Tanggal mulai aktif wajib diisi."]
    assert not PsksWorker.objects.exists()


def test_create_tksk_with_village_refused(client, dinsos):
    client.force_login(dinsos)
    response = client.post(
        "/psks/baru/", form_data(psks_type=str(psks_type(11).pk), village=VILLAGE_A)
    )
    assert "kosongkan isian kelurahan" in response.context["form"].errors["village"][0]
    assert not PsksWorker.objects.exists()


def test_dinsos_edits_worker(client, dinsos, worker_a):
    client.force_login(dinsos)
    page = client.get(f"/psks/{worker_a.pk}/ubah/")
    assert page.status_code == 200
    assert page.context["form"].initial["name"] == "Siti Aminah"
    response = client.post(
        f"/psks/{worker_a.pk}/ubah/",
        form_data(name="Siti Aminah", village=VILLAGE_A, active_until="2026-12-31"),
    )
    assert response.status_code == 302
    worker_a.refresh_from_db()
    assert str(worker_a.active_until) == "2026-12-31"
    assert worker_a.address == "Jl. Mawar 3"


def test_edit_error_writes_nothing(client, dinsos, worker_a):
    client.force_login(dinsos)
    response = client.post(f"/psks/{worker_a.pk}/ubah/", form_data(name="Baru", village=""))
    assert response.status_code == 200
    assert response.context["form"].errors["village"] == ["PSM wajib ditugaskan di satu kelurahan."]
    worker_a.refresh_from_db()
    assert worker_a.name == "Siti Aminah" and worker_a.village_id == VILLAGE_A


def test_pagination_links_keep_the_filter(client, dinsos):
    for index in range(30):
        make_worker(dinsos, name=f"PSM {index:02d}")
    client.force_login(dinsos)
    html = client.get(LIST, {"q": "PSM"}).content.decode()
    assert "?q=PSM&amp;page=2" in html
