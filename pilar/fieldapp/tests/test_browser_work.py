"""The field app's work screens in a real browser: a training check-in made offline
(code typed, or opened from the QR code's address) waits in the outbox and is
recorded once, for the day it was made, when the phone is back online; and the due
visits list ("kunjungan jatuh tempo") closes an item once its report is queued."""

from __future__ import annotations

import datetime

import pytest
from django.db import connections
from django.utils import timezone

from pilar.conftest import VILLAGE_A, make_household, make_user
from pilar.fieldapp.tests.browser import launch, login, require_chromium
from pilar.fieldapp.tests.test_browser import TIMEOUT_MS, synced, wait_for
from pilar.freshness.refresh import record_verification, refresh
from pilar.psks.checkin import day_code
from pilar.psks.models import Attendance
from pilar.psks.tests.conftest import make_worker
from pilar.psks.tests.factories import make_event
from pilar.psks.training import invite

require_chromium()

from playwright.sync_api import expect, sync_playwright  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    monkeypatch.setitem(connections["default"].settings_dict, "CONN_MAX_AGE", 0)
    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture
def participant(transactional_db):
    dinsos = make_user("dinsos-x", "dinsos")
    user = make_user("psm-lapangan", "psm", village=VILLAGE_A)
    worker = make_worker(dinsos, name="Siti Aminah")
    user.psks_worker = worker
    user.save()
    household = make_household(dinsos, VILLAGE_A, address="Jl. Mawar No. 7")
    today = timezone.localdate()
    event = make_event(dinsos, starts_on=today, days=2)
    invite(event, acting_user=dinsos, types=["2"])
    return user, event, household


def checkins(page) -> list[dict]:
    return page.evaluate(
        "() => PilarDB.all('outbox').then(items => items.filter(i => i.mode === 'checkin')"
        ".map(i => ({state: i.state, message: i.message || ''})))"
    )


def test_offline_check_in_is_recorded_once_when_back_online(live_server, participant, browser):
    user, event, household = participant
    base = live_server.url
    code = day_code(event, timezone.localdate())
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    login(page, base, user.username)
    synced(page, 1)
    page.wait_for_function(
        "() => navigator.serviceWorker.ready.then(() => caches.match('/lapangan/')).then(Boolean)",
        timeout=TIMEOUT_MS,
    )

    context.set_offline(True)
    # The QR code opens the check-in screen with the code filled in.
    page.goto(f"{base}/lapangan/#/hadir/{code}")
    expect(page.locator("#net")).to_have_text("Luring")
    expect(page.locator("#checkin-code")).to_have_value(code)
    page.locator("#checkin-submit").click()
    expect(page.locator("#checkins .item")).to_have_count(1, timeout=TIMEOUT_MS)
    expect(page.locator("#checkins .item")).to_contain_text("Menunggu dikirim")
    # A second tap offline queues a second check-in: the server must keep one.
    page.locator("#checkin-code").fill(code.lower())
    page.locator("#checkin-submit").click()
    expect(page.locator("#checkins .item")).to_have_count(2, timeout=TIMEOUT_MS)
    page.screenshot(path="/tmp/psks-checkin-offline.png")
    page.wait_for_timeout(1500)
    assert Attendance.objects.count() == 0

    context.set_offline(False)
    wait_for(
        page, lambda: Attendance.objects.count() >= 1, timeout=45, what="the check-in on the server"
    )
    wait_for(
        page,
        lambda: sorted(c["state"] for c in checkins(page)) == ["invalid", "sent"],
        timeout=45,
        what="both outbox items answered",
    )
    page.wait_for_timeout(1000)
    assert Attendance.objects.count() == 1
    attendance = Attendance.objects.get()
    assert attendance.participant.worker_id == user.psks_worker_id
    assert attendance.day == timezone.localdate()
    assert attendance.method == "ponsel"
    refused = [c for c in checkins(page) if c["state"] == "invalid"][0]
    assert "sudah tercatat hadir" in refused["message"]
    # The screen shows the answers without being reopened.
    expect(page.locator("#checkins")).to_contain_text("Tercatat", timeout=TIMEOUT_MS)
    expect(page.locator("#checkins")).to_contain_text("Ditolak")
    page.screenshot(path="/tmp/psks-checkin-synced.png", full_page=True)
    context.close()


def test_due_visit_is_listed_first_and_closed_by_a_report(live_server, participant, browser):
    user, event, household = participant
    refresh()
    record_verification([household.pk], timezone.localdate() - datetime.timedelta(days=800))
    base = live_server.url
    context = browser.new_context(viewport={"width": 390, "height": 844}, service_workers="block")
    page = context.new_page()
    login(page, base, user.username)
    synced(page, 1)
    expect(page.locator("#tile-due b")).to_have_text("1", timeout=TIMEOUT_MS)
    page.locator("#tile-due").click()
    expect(page.locator("#due-visits .item")).to_have_count(1)
    expect(page.locator("#due-visits .item")).to_contain_text("Terlambat sejak")
    page.screenshot(path="/tmp/psks-due-visits.png", full_page=True)
    context.set_offline(True)
    page.locator("#due-visits .item").click()
    page.get_by_role("button", name="Perubahan").click()
    page.fill("input[name='household.rt']", "9")
    page.get_by_role("button", name="Kirim").click()
    expect(page.locator(".list .item")).to_contain_text("Menunggu dikirim", timeout=TIMEOUT_MS)
    page.goto(f"{base}/lapangan/#/jatuh-tempo")
    expect(page.locator("#due-visits")).to_contain_text(
        "Tidak ada kunjungan jatuh tempo", timeout=TIMEOUT_MS
    )
    expect(page.locator("body")).to_contain_text("Laporan kunjungan menunggu dikirim")
    context.close()
