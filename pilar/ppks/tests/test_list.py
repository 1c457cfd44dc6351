"""The PPKS list page (validation status, filters, BNBA button) and the "Validasi"
button behind it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pilar.conftest import VILLAGE_A, VILLAGE_B, make_household, make_nik
from pilar.ppks.actions import create_ppks_record, end_ppks_record
from pilar.ppks.models import PpksRecord
from pilar.ppks.tests.factories import unvalidated_record

pytestmark = pytest.mark.django_db

LIST = "/ppks/"


def member(name: str, sex: str = "L", birth: str = "1975-03-12", relation: str = "kepala"):
    return {
        "nik": make_nik(sex, birth),
        "name": name,
        "sex": sex,
        "birth_date": birth,
        "relation": relation,
    }


@pytest.fixture
def data(dinsos, psm_a):
    a = make_household(
        dinsos,
        VILLAGE_A,
        members=[member("Budi Santoso"), member("Siti Aminah", "P", "1978-07-01", "istri")],
    )
    b = make_household(dinsos, VILLAGE_B, members=[member("Bambang Pamungkas")])
    budi = a.members.get(name="Budi Santoso")
    siti = a.members.get(name="Siti Aminah")
    return {
        "a": a,
        "b": b,
        # Entered by a PSM before field reports existed: waits for validation.
        "waiting": unvalidated_record(
            {"ppks_type": 13, "person": budi}, checked_by=psm_a, reporter=psm_a
        ),
        # Entered by Dinas Sosial: validated.
        "validated": create_ppks_record(acting_user=dinsos, data={"ppks_type": 24, "household": a}),
        "odha": create_ppks_record(acting_user=dinsos, data={"ppks_type": 16, "person": siti}),
        "in_b": create_ppks_record(
            acting_user=dinsos, data={"ppks_type": 12, "person": b.members.get()}
        ),
    }


def rows(response) -> dict[int, str]:
    """Record id -> that table row's HTML."""
    html = response.content.decode()
    out = {}
    for chunk in html.split('<tr data-record="')[1:]:
        pk, rest = chunk.split('"', 1)
        out[int(pk)] = rest.split("</tr>", 1)[0]
    return out


def test_url_names():
    assert reverse("ppks:record_list") == LIST
    assert reverse("ppks:record_validate", args=[7]) == "/ppks/7/validasi/"


def test_dinsos_sees_status_and_validate_button(client, dinsos, data):
    client.force_login(dinsos)
    response = client.get(LIST)
    assert response.status_code == 200
    table = rows(response)
    assert set(table) == {r.pk for r in data.values() if isinstance(r, PpksRecord)}
    waiting = table[data["waiting"].pk]
    assert "Belum divalidasi" in waiting and "Validasi</button>" in waiting
    assert reverse("ppks:record_validate", args=[data["waiting"].pk]) in waiting
    validated = table[data["validated"].pk]
    assert "Tervalidasi" in validated and "Validasi</button>" not in validated
    assert "dinsos" in validated  # who validated
    # The household-level record names the head of household.
    assert "Budi Santoso" in validated and "tingkat keluarga" in validated
    # NIK/KK masked in the list.
    assert data["a"].no_kk not in response.content.decode()


def test_field_workers_see_status_without_button(client, psm_a, data):
    client.force_login(psm_a)
    response = client.get(LIST)
    table = rows(response)
    # Own kelurahan only; ODHA (health data) hidden from a PSM.
    assert set(table) == {data["waiting"].pk, data["validated"].pk}
    assert "Belum divalidasi" in table[data["waiting"].pk]
    assert "Validasi</button>" not in response.content.decode()
    assert "Orang dengan HIV" not in response.content.decode()  # not even in the type filter


def test_list_filters(client, dinsos, pimpinan, data):
    client.force_login(dinsos)
    assert set(rows(client.get(LIST, {"validated": "tidak"}))) == {data["waiting"].pk}
    assert set(rows(client.get(LIST, {"validated": "ya", "kelurahan": VILLAGE_A}))) == {
        data["validated"].pk,
        data["odha"].pk,
    }
    assert set(rows(client.get(LIST, {"ppks_type": 12}))) == {data["in_b"].pk}
    assert set(rows(client.get(LIST, {"q": "Bambang"}))) == {data["in_b"].pk}
    end_ppks_record(data["in_b"], acting_user=dinsos, reason="Sudah dibina")
    assert set(rows(client.get(LIST, {"status": "selesai"}))) == {data["in_b"].pk}
    # A restricted type asked for by a role without health-data access: nothing.
    client.force_login(pimpinan)
    assert rows(client.get(LIST, {"ppks_type": 16})) == {}


def test_bnba_button_carries_the_list_filter(client, dinsos, data):
    client.force_login(dinsos)
    html = client.get(
        LIST, {"kelurahan": VILLAGE_A, "validated": "tidak", "status": "aktif", "page": "1"}
    ).content.decode()
    bnba = reverse("exports:bnba", kwargs={"fmt": "xlsx"})
    # validated/status are dropped: a BNBA is always validated and active.
    assert f'id="export-bnba" href="{bnba}?kelurahan={VILLAGE_A}"' in html
    assert "Ekspor BNBA" in html
    ppks_xlsx = reverse("exports:ppks_records", kwargs={"fmt": "xlsx"})
    assert f'href="{ppks_xlsx}?kelurahan={VILLAGE_A}&amp;validated=tidak&amp;status=aktif"' in html


def test_list_query_count_is_fixed(client, dinsos, data, django_assert_max_num_queries):
    client.force_login(dinsos)
    for name in ("Ani", "Badu", "Cici", "Dedi", "Eka", "Fajar"):
        household = make_household(dinsos, VILLAGE_A, members=[member(f"Warga {name}")])
        create_ppks_record(acting_user=dinsos, data={"ppks_type": 24, "household": household})
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    assert len(rows(response)) == 10


def test_validate_button(client, dinsos, data):
    client.force_login(dinsos)
    record = data["waiting"]
    back = f"{LIST}?validated=tidak"
    response = client.post(reverse("ppks:record_validate", args=[record.pk]), {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    record.refresh_from_db()
    assert record.validated_by == dinsos and record.validated_at is not None
    page = client.get(response["Location"])
    assert "telah divalidasi" in page.content.decode()
    assert rows(page) == {}  # nothing left to validate
    # A second click is harmless, and a foreign "next" is not followed.
    response = client.post(
        reverse("ppks:record_validate", args=[record.pk]), {"next": "https://contoh.test/"}
    )
    assert response["Location"] == LIST
    assert "sudah tervalidasi" in client.get(LIST).content.decode()


def test_validate_ended_record_shows_message(client, dinsos, data):
    end_ppks_record(data["waiting"], acting_user=dinsos, reason="Sudah bekerja")
    client.force_login(dinsos)
    response = client.post(reverse("ppks:record_validate", args=[data["waiting"].pk]), follow=True)
    assert "sudah selesai tidak dapat divalidasi" in response.content.decode()
    assert PpksRecord.objects.get(pk=data["waiting"].pk).validated_at is None


@pytest.mark.parametrize("persona", ["psm_a", "tksk_a", "pimpinan", "mitra"])
def test_validate_forbidden_for_other_roles(client, request, data, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse("ppks:record_validate", args=[data["waiting"].pk]))
    assert response.status_code == 403
    assert PpksRecord.objects.get(pk=data["waiting"].pk).validated_at is None


def test_validate_needs_post_and_login(client, dinsos, data):
    url = reverse("ppks:record_validate", args=[data["waiting"].pk])
    response = client.post(url)
    assert response.status_code == 302 and "/akun/" in response["Location"]
    client.force_login(dinsos)
    assert client.get(url).status_code == 405
    assert client.post(reverse("ppks:record_validate", args=[999999])).status_code == 404
    assert PpksRecord.objects.get(pk=data["waiting"].pk).validated_at is None
