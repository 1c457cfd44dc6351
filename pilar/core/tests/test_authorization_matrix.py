"""Every page and API endpoint x every role (architecture.md, "Tests").

Data lives in kelurahan A (36.71.01.1001, kecamatan 36.71.01). Who may see it:
admin, dinsos, pimpinan (read-only), the TKSK of kecamatan A and the PSM of
kelurahan A. The PSM of kelurahan B and the TKSK of kecamatan B must get 404 and
no data; mitra gets no person data at all (403); anonymous users go to login.
Direct writes to the registry and PPKS records are for admin and dinsos only: the
TKSK and PSM of A get 403 there (they report changes through field reports).
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from pilar.accounts.choices import Role
from pilar.accounts.models import ApiToken
from pilar.conftest import VILLAGE_A, make_household, make_user
from pilar.ppks.actions import create_ppks_record
from pilar.ppks.models import PpksRecord
from pilar.ppks.tests.factories import unvalidated_record
from pilar.psks.actions import create_worker
from pilar.psks.models import PsksType
from pilar.registry.models import Household

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "admin", "dinsos", "pimpinan", "tksk_a", "psm_a", "tksk_b", "psm_b", "mitra"]
IN_AREA = {"admin", "dinsos", "pimpinan", "tksk_a", "psm_a"}
EDITORS_IN_AREA = {"admin", "dinsos", "tksk_a", "psm_a"}
WRITERS = {"admin", "dinsos"}  # REGISTRY_WRITE_ROLES
OUT_OF_AREA = {"tksk_b", "psm_b"}
SECRET_NAME = "Wiryawan Kusumadewa"  # the head of household A; must never leak


@pytest.fixture
def world(dinsos):
    household = make_household(
        dinsos,
        VILLAGE_A,
        address="Jl. Rahasia No. 7",
        members=[
            {
                "nik": "3671011203750001",
                "name": SECRET_NAME,
                "sex": "L",
                "birth_date": "1975-03-12",
                "relation": "kepala",
            }
        ],
    )
    person = household.members.get()
    record = create_ppks_record(acting_user=dinsos, data={"ppks_type": 24, "household": household})
    worker = create_worker(
        acting_user=dinsos,
        data={
            "psks_type": PsksType.objects.get(number=2).pk,
            "name": "Sukmawati Pramesti",
            "district": "36.71.01",
            "village": VILLAGE_A,
            "active_from": "2024-01-01",
        },
    )
    users = {
        "admin": make_user("m-admin", Role.ADMIN),
        "dinsos": dinsos,
        "pimpinan": make_user("m-pimpinan", Role.PIMPINAN),
        "tksk_a": make_user("m-tksk-a", Role.TKSK, district="36.71.01"),
        "psm_a": make_user("m-psm-a", Role.PSM, village=VILLAGE_A),
        "tksk_b": make_user("m-tksk-b", Role.TKSK, district="36.71.02"),
        "psm_b": make_user("m-psm-b", Role.PSM, village="36.71.02.1001"),
        "mitra": make_user("m-mitra", Role.MITRA),
    }
    users["admin"].is_staff = users["admin"].is_superuser = True
    users["admin"].save()
    return {
        "household": household,
        "person": person,
        "record": record,
        "worker": worker,
        "users": users,
    }


def client_for(client, world, role):
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


# (url name, kwargs key, kind): kind "list" = scoped list, "view" = an object of
# area A, "edit" = an edit page of an object of A, "create" = a form to create,
# "psks_admin" = dinsos/admin-only PSKS forms.
PAGES = [
    ("web:home", None, "home"),
    ("web:household_list", None, "list"),
    ("web:household_create", None, "create"),
    ("web:household_detail", "household", "view"),
    ("registry:household_edit", "household", "edit"),
    ("web:member_create", "household", "edit"),
    ("web:person_detail", "person", "view"),
    ("registry:person_edit", "person", "edit"),
    ("registry:person_move", "person", "edit"),
    ("ppks:record_list", None, "list"),
    ("ppks:record_create", "person_query", "edit"),
    ("ppks:record_end", "record", "edit"),
    ("psks:worker_list", None, "list"),
    ("psks:worker_detail", "worker", "view"),
    ("psks:worker_create", None, "psks_admin"),
    ("psks:worker_edit", "worker", "psks_admin"),
    ("dedup:queue", None, "dedup"),  # pair pages: pilar/dedup/tests/test_views.py
    ("imports:list", None, "import"),  # batch pages: pilar/imports/tests/test_views.py
]


def page_url(world, name, key):
    if key is None:
        return reverse(name)
    if key == "person_query":
        return reverse(name) + f"?person={world['person'].pk}"
    return reverse(name, kwargs={"pk": world[key].pk})


def expected_page(role, kind):
    if role == "anonymous":
        return 302
    if role == "mitra":
        return 200 if kind == "home" else 403
    if kind == "import":  # bulk import: Dinas Sosial only
        return 200 if role in ("admin", "dinsos") else 403
    if kind == "dedup":  # duplicate review: admin, dinsos and TKSK (their own area)
        return 200 if role in ("admin", "dinsos", "tksk_a", "tksk_b") else 403
    if kind in ("home", "list"):
        return 200
    if kind == "create":
        return 200 if role in WRITERS else 403
    if kind == "psks_admin":
        return (
            200
            if role in ("admin", "dinsos")
            else (404 if role in OUT_OF_AREA and "edit" in kind else 403)
        )
    if role in OUT_OF_AREA:
        return 404
    if kind == "view":
        return 200
    return 200 if role in WRITERS else 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name, key, kind", PAGES)
def test_page_matrix(client, world, role, name, key, kind):
    url = page_url(world, name, key)
    response = client_for(client, world, role).get(url)
    expected = expected_page(role, kind)
    assert response.status_code == expected, (role, url, response.status_code)
    body = response.content.decode()
    if expected == 302:
        assert "/akun/masuk/" in response["Location"]
    may_see_a = role in IN_AREA
    if not may_see_a:
        assert SECRET_NAME not in body
        assert "Jl. Rahasia" not in body
        assert "Sukmawati" not in body
    elif kind == "view" and key in ("household", "person"):
        assert SECRET_NAME in body
    if kind == "list" and name == "web:household_list":
        assert ("Jl. Rahasia" in body) == may_see_a


@pytest.mark.parametrize("role", ROLES)
def test_reveal_matrix(client, world, role):
    url = reverse("registry:reveal", kwargs={"kind": "nik", "pk": world["person"].pk})
    response = client_for(client, world, role).post(url, HTTP_HX_PROMPT="pemeriksaan data")
    body = response.content.decode()
    if role == "anonymous":
        assert response.status_code == 302
    elif role in EDITORS_IN_AREA:
        assert response.status_code == 200 and "3671011203750001" in body
    else:
        assert response.status_code in (403, 404)
        assert "3671011203750001" not in body


@pytest.mark.parametrize("role", ROLES)
def test_ppks_validate_matrix(client, world, role):
    """Only Dinas Sosial and admins validate; the others get 403 and change nothing."""
    record = unvalidated_record(
        {"ppks_type": 13, "person": world["person"]},
        checked_by=world["users"]["tksk_a"],
        reporter=world["users"]["tksk_a"],
    )
    url = reverse("ppks:record_validate", kwargs={"pk": record.pk})
    response = client_for(client, world, role).post(url)
    record.refresh_from_db()
    if role in ("admin", "dinsos"):
        assert response.status_code == 302
        assert record.validated_by == world["users"][role]
    else:
        assert response.status_code == (302 if role == "anonymous" else 403)
        assert record.validated_at is None


# ---- API -----------------------------------------------------------------

API_READS = [
    ("/api/v1/households", "list"),
    ("/api/v1/households/{household}", "view"),
    ("/api/v1/persons", "list"),
    ("/api/v1/persons/{person}", "view"),
    ("/api/v1/ppks/records", "list"),
    ("/api/v1/ppks/records/{record}", "view"),
    ("/api/v1/regions/districts", "public"),
    ("/api/v1/ppks/types", "public"),
]


def api_headers(world, role):
    if role == "anonymous":
        return {}
    _, key = ApiToken.issue(world["users"][role])
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def fill(world, path):
    return path.format(
        household=world["household"].pk, person=world["person"].pk, record=world["record"].pk
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path, kind", API_READS)
def test_api_read_matrix(client, world, role, path, kind):
    response = client.get(fill(world, path), **api_headers(world, role))
    body = response.content.decode()
    if role == "anonymous":
        assert response.status_code == 401
        assert "message" in response.json()
    elif kind == "public":
        assert response.status_code == 200
    elif role == "mitra":
        assert response.status_code == 403
    elif role in OUT_OF_AREA:
        assert response.status_code == (200 if kind == "list" else 404)
        if kind == "list":
            assert response.json()["count"] == 0
    else:
        assert response.status_code == 200
        if kind == "list":
            assert response.json()["count"] >= 1
    if role not in IN_AREA:
        assert SECRET_NAME not in body and "Jl. Rahasia" not in body


@pytest.mark.parametrize("role", ROLES)
def test_api_household_patch_matrix(client, world, role):
    url = fill(world, "/api/v1/households/{household}")
    response = client.patch(
        url,
        data=json.dumps({"address": "Jl. Diubah No. 1"}),
        content_type="application/json",
        **api_headers(world, role),
    )
    household = Household.objects.get(pk=world["household"].pk)
    if role in WRITERS:
        assert response.status_code == 200
        assert household.address == "Jl. Diubah No. 1"
    else:
        expected = {"anonymous": 401, "mitra": 403, "pimpinan": 403}.get(role, 404)
        if role in EDITORS_IN_AREA:  # a field worker in the area: reports instead
            expected = 403
            assert "laporan lapangan" in response.json()["message"]
        assert response.status_code == expected
        assert household.address == "Jl. Rahasia No. 7"


@pytest.mark.parametrize("role", ROLES)
def test_api_ppks_end_matrix(client, world, role):
    url = fill(world, "/api/v1/ppks/records/{record}/end")
    response = client.post(
        url,
        data=json.dumps({"end_reason": "Terentaskan"}),
        content_type="application/json",
        **api_headers(world, role),
    )
    record = PpksRecord.objects.get(pk=world["record"].pk)
    if role in WRITERS:
        assert response.status_code == 200, response.content
        assert record.status == "selesai"
    else:
        expected = {"anonymous": 401, "mitra": 403, "pimpinan": 403}.get(role, 404)
        if role in EDITORS_IN_AREA:  # a field worker in the area: reports instead
            expected = 403
        assert response.status_code == expected
        assert record.status == "aktif"
