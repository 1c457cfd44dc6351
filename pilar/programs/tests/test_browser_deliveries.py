"""Monthly deliveries in a real browser (Playwright + /usr/bin/chromium): filter the
pupils not paid for a month, tick them all, pay the month in one go, then pay one
pupil another month from the row's own form; the month strip shows what was paid."""

from __future__ import annotations

import os

import pytest

from pilar.conftest import VILLAGE_A, make_user
from pilar.core.dates import today
from pilar.fieldapp.tests.browser import launch, require_chromium
from pilar.programs import enrollment as en
from pilar.programs.models import Delivery, Program
from pilar.programs.tests.factories import child, head, household
from pilar.registry.models import Person

require_chromium()

from playwright.sync_api import expect, sync_playwright  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT_MS = 30_000
PASSWORD = "rahasia-123"
SCREENSHOTS = os.environ.get("PILAR_SCREENSHOTS", "")


@pytest.fixture
def setup(transactional_db):

    dinsos = make_user("dinsos-salur", "dinsos")
    program = Program.objects.get(code="tangerang-cerdas")
    program.year = today().year
    program.budget = 10_000_000
    program.save()
    hh = household(
        dinsos,
        VILLAGE_A,
        desil=1,
        members=[
            head(),
            child("Ani Lestari", "2012-04-01", "sd", sex="P"),
            child("Bayu Pratama", "2017-02-02", "belum_tamat_sd"),
            child("Citra Dewi", "2010-05-05", "smp", sex="P"),
        ],
    )
    ids = []
    for person in Person.objects.filter(household=hh, relation="anak").order_by("pk"):
        ids.append(en.enroll(program, acting_user=dinsos, person=person).pk)
    en.propose(program, ids, acting_user=dinsos)
    en.approve(program, ids, acting_user=dinsos)
    return program


def test_pay_a_month_to_the_list_then_one_pupil(setup, live_server):

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    program = setup
    this_month = en.month_start(today())
    first = en.period_months(program)[0]
    url = f"/program/{program.pk}/peserta/penyaluran/"
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(f"{live_server.url}/akun/masuk/?next={url}")
        page.fill("input[name=username]", "dinsos-salur")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"**{url}")

        # The list of pupils not paid for this month, all ticked, paid in one go.
        page.get_by_label("saring bulan belum dibayar").select_option(f"{this_month:%Y-%m}")
        page.get_by_role("button", name="Cari").click()
        expect(page.locator("#enrollment-table tbody tr[data-id]")).to_have_count(3)
        page.get_by_label("pilih semua di halaman ini").check()
        expect(page.locator("#batch-month")).to_have_value(f"{this_month:%Y-%m}")
        page.fill("#batch-note", "SP2D 900/2026")
        page.click("#deliver-month-selected")
        expect(page.locator(".alert-success, .alert")).to_contain_text("3 peserta")
        # The filter stays: nobody is left unpaid for this month.
        expect(page.locator("#enrollment-table tbody tr[data-id]")).to_have_count(0)

        # Arrears for the first month of the period, for one pupil, from the row form.
        page.goto(f"{live_server.url}{url}")
        row = page.locator("#enrollment-table tbody tr[data-id]").first
        enrollment_id = row.get_attribute("data-id")
        expect(row.locator(".month-marks .text-bg-success")).to_have_count(1)
        row.get_by_role("button", name="Catat penyaluran").click()
        form_row = page.locator(f"#deliver-row-{enrollment_id}")
        expect(form_row).to_be_visible()
        # This month is already paid: it cannot be chosen again.
        expect(form_row.locator(f"option[value='{this_month:%Y-%m}']")).to_be_disabled()
        form_row.get_by_label("Bulan dibayar").select_option(f"{first:%Y-%m}")
        form_row.get_by_label("Catatan (wajib bila tanpa bukti)").fill("rapel")
        if SCREENSHOTS:
            page.screenshot(path=os.path.join(SCREENSHOTS, "penyaluran-form.png"), full_page=True)
        form_row.get_by_role("button", name="Simpan").click()
        expect(page.locator(".alert")).to_contain_text("dicatat")
        row = page.locator(f"#enrollment-table tbody tr[data-id='{enrollment_id}']")
        expect(row.locator(".month-marks .text-bg-success")).to_have_count(
            1 if first == this_month else 2
        )
        row.locator(".delivery-history summary").click()
        expect(row.locator(".delivery-history")).to_contain_text("rapel")
        if SCREENSHOTS:
            page.screenshot(path=os.path.join(SCREENSHOTS, "penyaluran.png"), full_page=True)
        browser.close()
    assert Delivery.objects.filter(period_month=this_month).count() == 3
    assert Delivery.objects.filter(enrollment_id=int(enrollment_id or 0)).count() == (
        1 if first == this_month else 2
    )
