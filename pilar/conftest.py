"""Shared test personas (architecture.md): two PSM in different kelurahan, the TKSK of
A's kecamatan, a Dinas Sosial operator, a leader, an admin and an API partner,
plus small factories that build data through the actions."""

from __future__ import annotations

import itertools

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.special import RunPython

from pilar.accounts.choices import Role
from pilar.accounts.models import ApiToken, User
from pilar.programs.models import Candidate, Enrollment
from pilar.regions.models import Village
from pilar.registry.actions import create_household
from pilar.registry.models import Household

# Kota Tangerang: 36.71.01 Tangerang (kelurahan A and A2), 36.71.02 Jatiuwung (B).
VILLAGE_A = "36.71.01.1001"
VILLAGE_A2 = "36.71.01.1002"
VILLAGE_B = "36.71.02.1001"
DISTRICT_A = "36.71.01"

_serial = itertools.count(1)


def make_user(username: str, role: str, *, district=None, village=None, password="rahasia-123"):

    user = User(username=username, role=role, district_id=district, village_id=village)
    if village and not district:
        user.district_id = village[:8]
    user.set_password(password)
    user.save()
    return user


@pytest.fixture
def psm_a(db):
    return make_user("psm-a", Role.PSM, village=VILLAGE_A)


@pytest.fixture
def psm_b(db):
    return make_user("psm-b", Role.PSM, village=VILLAGE_B)


@pytest.fixture
def tksk_a(db):
    return make_user("tksk-a", Role.TKSK, district=DISTRICT_A)


@pytest.fixture
def dinsos(db):
    return make_user("dinsos", Role.DINSOS)


@pytest.fixture
def pimpinan(db):
    return make_user("pimpinan", Role.PIMPINAN)


@pytest.fixture
def admin_user(db):
    user = make_user("admin", Role.ADMIN)
    user.is_staff = True
    user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def mitra(db):
    return make_user("mitra", Role.MITRA)


def next_serial() -> int:
    return next(_serial)


def make_nik(sex: str = "L", birth: str = "1980-05-17", region: str = "367101") -> str:
    """A valid NIK consistent with `sex` and `birth` (YYYY-MM-DD)."""
    year, month, day = birth.split("-")
    day_i = int(day) + (40 if sex == "P" else 0)
    return f"{region}{day_i:02d}{month}{year[2:]}{next_serial() % 10000 or 1:04d}"


def make_kk(region: str = "367101") -> str:
    return f"{region}{next_serial():010d}"


def make_household(user, village: str = VILLAGE_A, members: list[dict] | None = None, **data):

    values = {
        "no_kk": make_kk(),
        "address": "Jl. Melati No. 5",
        "rt": "1",
        "rw": "2",
        "village": village,
    }
    values.update(data)
    if members is None:
        members = [
            {
                "nik": make_nik("L", "1975-03-12"),
                "name": "Budi Santoso",
                "sex": "L",
                "birth_date": "1975-03-12",
                "relation": "kepala",
            }
        ]
    return create_household(acting_user=user, data=values, members=members)


@pytest.fixture
def household_a(dinsos):
    return make_household(dinsos, VILLAGE_A)


@pytest.fixture
def household_b(dinsos):
    return make_household(dinsos, VILLAGE_B, address="Jl. Kenanga No. 9")


def restore_reference_data() -> None:
    """Re-run the RunPython steps of Pilar's migrations if the reference tables are empty."""

    if Village.objects.exists():
        return
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    nodes = [
        node for leaf in loader.graph.leaf_nodes() for node in loader.graph.forwards_plan(leaf)
    ]
    seen = set()
    with connection.schema_editor() as editor:
        for key in nodes:
            if key in seen:
                continue
            seen.add(key)
            # Only this project's own data steps (third-party ones transform old rows).
            if not apps.get_app_config(key[0]).name.startswith("pilar."):
                continue
            migration = loader.graph.nodes[key]
            for operation in migration.operations:
                if isinstance(operation, RunPython):
                    # The live registry stands in for the migration state's apps.
                    operation.code(apps, editor)  # type: ignore[arg-type]


_flushed = {"yes": False}


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request, django_db_blocker):
    """After a committed_db test flushed the tables, reload the reference data before
    the next test (autouse fixtures run before the test's own `db` transaction, so
    the reload is committed once rather than redone by every test)."""
    if _flushed["yes"]:
        from pilar.registry.identity import province_codes

        with django_db_blocker.unblock():
            restore_reference_data()
        province_codes.cache_clear()
        _flushed["yes"] = False
    yield
    # Transactional tests (committed_db, live_server, django_db(transaction=True)) end
    # with a flush of every table.
    marker = request.node.get_closest_marker("django_db")
    if {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker is not None and marker.kwargs.get("transaction")
    ):
        _flushed["yes"] = True


@pytest.fixture
def committed_db(transactional_db):
    """Data that other connections (threads) can see: for concurrency tests and the
    browser tests' live server. Cheaper than serialized_rollback (which re-reads the
    whole region table for every test); the flush at its end is repaired by
    `_reference_data_after_flush` before the next test."""
    return


@pytest.fixture(scope="session", autouse=True)
def _end_stray_sessions(django_db_setup, django_db_blocker):
    """The browser tests' live server answers Chromium's keep-alive connections from
    threads that may still hold a database session when the run ends; end them so
    the test database can be dropped (else: "being accessed by other users")."""
    yield

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


# Pattern 9 (an id in a body is scoped like one in the URL): helpers for the tests
# that name an object outside the caller's area, a restricted one and a missing one,
# and expect one and the same answer. ------------------------------------------------

# Kabupaten Tangerang (36.03): a real kelurahan outside the deployment region (36.71).
OUTSIDE_VILLAGE = "36.03.01.1001"
# An id no row has.
MISSING_ID = 987654321

_TOKEN = __import__("re").compile(r"[A-Za-z0-9]{64}")


def move_outside_region(household) -> None:
    """Put `household` (and what hangs on it) outside the deployment region, as rows of
    a neighbouring regency in a shared database would be: no action writes such a row,
    so the kelurahan is changed directly. Even city-wide roles must not reach it."""

    Household.objects.filter(pk=household.pk).update(village_id=OUTSIDE_VILLAGE)
    Enrollment.objects.filter(household_id=household.pk).update(village_id=OUTSIDE_VILLAGE)
    Candidate.objects.filter(household_id=household.pk).update(village_id=OUTSIDE_VILLAGE)
    household.village_id = OUTSIDE_VILLAGE


def bearer(user) -> dict:

    _, key = ApiToken.issue(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def answer(response, echoed: str = "") -> tuple:
    """What a caller learns from a response: status, redirect target and body (CSRF
    tokens, different on every page, blanked; `echoed`, the value the caller typed
    and a form shows back, too)."""
    body = response.content.decode(errors="replace") if not response.streaming else ""
    if response.status_code >= 400 and "<main" in body:
        # An error page in the site's layout: the menu is the caller's own (role, name);
        # what the answer says about the request is the page's <main>.
        body = body[body.index("<main") : body.index("</main>")]
    if echoed:
        body = body.replace(f'value="{echoed}"', 'value="…"')
    return response.status_code, response.get("Location", ""), _TOKEN.sub("…", body)


def assert_same_answer(*responses) -> None:
    first = answer(responses[0])
    for other in responses[1:]:
        assert answer(other) == first


def row_counts(*models) -> dict:
    return {m._meta.label: m.objects.count() for m in models}
