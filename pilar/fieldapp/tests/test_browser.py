"""The field app in a real browser (Playwright + Debian's Chromium at /usr/bin/chromium):
a report made offline survives closing the page and reaches the server exactly once,
with its photo; a network cut in the middle of an upload is retried without making
a second report."""

from __future__ import annotations

import time

import pytest
from django.db import connections

from pilar.conftest import VILLAGE_A, make_household, make_nik, make_user
from pilar.fieldapp.tests.browser import (
    jpeg_bytes,
    launch,
    login,
    require_chromium,
)
from pilar.submissions.models import Submission, SubmissionPhoto

require_chromium()

from playwright.sync_api import expect, sync_playwright  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT_MS = 30_000


@pytest.fixture
def field_user(transactional_db):
    admin = make_user("dinsos-x", "dinsos")
    user = make_user("psm-lapangan", "psm", village=VILLAGE_A)
    household = make_household(
        admin,
        VILLAGE_A,
        address="Jl. Mawar No. 7",
        members=[
            {
                "nik": make_nik("L", "1975-03-12"),
                "name": "Budi Santoso",
                "sex": "L",
                "birth_date": "1975-03-12",
                "relation": "kepala",
            }
        ],
    )
    return user, household


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test
    # makes meanwhile are ordinary blocking calls, which Django would otherwise refuse.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # Chromium keeps HTTP connections alive, so a live-server thread would otherwise
    # hold its database connection (CONN_MAX_AGE) past the end of the test run.

    monkeypatch.setitem(connections["default"].settings_dict, "CONN_MAX_AGE", 0)
    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


def wait_for(page, predicate, timeout=TIMEOUT_MS / 1000, what="condition"):
    """Poll `predicate`; waiting through Playwright lets it run route handlers meanwhile."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"timed out waiting for {what}")


def synced(page, households: int) -> None:
    expect(page.locator(".card")).to_contain_text(f"{households} keluarga", timeout=TIMEOUT_MS)


def outbox(page) -> list[dict]:
    return page.evaluate(
        "() => PilarDB.all('outbox').then(items => items.map(i => "
        "({id: i.id, state: i.state, attempts: i.attempts || 0, server_id: i.server_id})))"
    )


def test_offline_report_with_photo_reaches_server_once(live_server, field_user, browser):
    user, household = field_user
    base = live_server.url
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    login(page, base, user.username)
    synced(page, 1)
    # The service worker has cached the shell (it is what opens the app offline).
    page.wait_for_function(
        "() => navigator.serviceWorker.ready.then(() => caches.match('/lapangan/')).then(Boolean)",
        timeout=TIMEOUT_MS,
    )

    context.set_offline(True)
    page.goto(f"{base}/lapangan/#/keluarga/{household.pk}")
    expect(page.locator("#net")).to_have_text("Luring")
    page.get_by_role("button", name="Perubahan").click()
    person = household.members.get()
    page.select_option(f"select[name='person.{person.pk}.change']", "koreksi")
    page.fill(f"input[name='person.{person.pk}.name']", "Budi Santosa")
    page.locator("input[data-kind=depan]").set_input_files(
        files=[{"name": "depan.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
    )
    expect(page.locator(".photos figure")).to_have_count(1, timeout=TIMEOUT_MS)
    draft_url = page.url
    page.wait_for_timeout(500)  # the autosave is debounced
    page.close()

    # A new page, still offline: the draft is there with its photo.
    page = context.new_page()
    page.goto(f"{base}/lapangan/#/daftar/draf")
    expect(page.locator(".list .item")).to_have_count(1, timeout=TIMEOUT_MS)
    page.locator(".list .item").first.click()
    assert page.url == draft_url
    expect(page.locator(f"input[name='person.{person.pk}.name']")).to_have_value("Budi Santosa")
    expect(page.locator(".photos img")).to_have_count(1, timeout=TIMEOUT_MS)
    page.get_by_role("button", name="Kirim").click()
    expect(page.locator(".list .item")).to_have_count(1, timeout=TIMEOUT_MS)
    expect(page.locator(".list .item")).to_contain_text("Menunggu dikirim")
    page.close()

    page = context.new_page()
    page.goto(f"{base}/lapangan/#/daftar/menunggu")
    expect(page.locator(".list .item")).to_have_count(1, timeout=TIMEOUT_MS)
    assert Submission.objects.count() == 0

    context.set_offline(False)
    wait_for(page, lambda: Submission.objects.count() >= 1, what="the report on the server")
    wait_for(
        page,
        lambda: [i["state"] for i in outbox(page)] == ["sent"],
        what="the outbox item marked sent",
    )
    page.wait_for_timeout(1000)  # any duplicate upload would land by now
    assert Submission.objects.count() == 1
    submission = Submission.objects.get()
    assert submission.household_id == household.pk
    assert submission.kind == "perubahan"
    assert submission.reporter_id == user.pk
    change = submission.payload["persons"][0]
    assert change["person_id"] == person.pk and change["fields"]["name"] == "Budi Santosa"
    assert submission.base.get(f"person.{person.pk}.name") == "Budi Santoso"
    photos = SubmissionPhoto.objects.filter(submission=submission)
    assert photos.count() == 1
    photo = photos.get()
    assert photo.kind == "depan"
    assert 0 < photo.size <= 1024 * 1024
    if photo.width:
        assert max(photo.width, photo.height) == 1280  # resized on the phone
    page.goto(f"{base}/lapangan/#/daftar/terkirim")
    expect(page.locator(".list .item")).to_have_count(1, timeout=TIMEOUT_MS)
    context.close()


def test_upload_cut_midway_is_retried_into_one_report(live_server, field_user, browser):
    user, household = field_user
    base = live_server.url
    # Service workers blocked: page.route must see the page's own requests.
    context = browser.new_context(viewport={"width": 360, "height": 740}, service_workers="block")
    page = context.new_page()
    login(page, base, user.username)
    synced(page, 1)

    calls = {"n": 0}

    def cut_after_server(route):
        calls["n"] += 1
        if calls["n"] == 1:
            route.fetch()  # the server receives and stores the report...
            route.abort("connectionreset")  # ...but the phone sees the connection drop
        else:
            route.continue_()

    page.route("**/api/v1/reports", cut_after_server)
    page.goto(f"{base}/lapangan/#/keluarga/{household.pk}")
    page.get_by_role("button", name="Survei rumah").click()
    choices = {
        "house_ownership": "milik_sendiri",
        "land_status": "milik_sendiri",
        "floor_material": "tanah",
        "floor_condition": "rusak_berat",
        "wall_material": "anyaman_bambu",
        "wall_condition": "rusak_ringan",
        "roof_material": "seng",
        "roof_condition": "baik",
        "water_source": "sumur_bor",
        "lighting_source": "pln_meteran",
        "toilet": "bersama",
        "cooking_fuel": "gas",
    }
    for field, value in choices.items():
        page.select_option(f"select[name='survey.{field}']", value)
    page.fill("input[name='survey.floor_area_m2']", "24,5")
    page.fill("input[name='survey.occupants']", "4")
    page.get_by_role("button", name="Kirim").click()

    wait_for(page, lambda: calls["n"] >= 1, what="the first upload")
    wait_for(page, lambda: Submission.objects.count() == 1, what="the report on the server")
    wait_for(page, lambda: outbox(page)[0]["attempts"] >= 1, what="the client noticing the failure")
    # The app retries on its own (back-off ~5 s, timer every 10 s).
    wait_for(page, lambda: calls["n"] >= 2, timeout=40, what="the retry")
    wait_for(page, lambda: outbox(page)[0]["state"] == "sent", what="the outbox item marked sent")
    assert Submission.objects.count() == 1
    submission = Submission.objects.get()
    assert submission.kind == "survei_rumah"
    assert submission.payload["floor_area_m2"] in ("24.5", "24.50", 24.5)
    assert submission.payload["occupants"] == 4
    assert outbox(page)[0]["server_id"] == submission.pk
    context.close()
