"""The review queue in a real browser (Playwright + /usr/bin/chromium): the order
select puts the least certain pairs first, the box names them, and the page holds at
desktop and phone widths (screenshots to $PILAR_SCREENSHOT_DIR when set)."""

from __future__ import annotations

import os

import pytest

from pilar.conftest import VILLAGE_A, VILLAGE_B, make_user
from pilar.dedup.tests.factories import make_pair, person_in_new_household
from pilar.fieldapp.tests.browser import launch, require_chromium

require_chromium()

from playwright.sync_api import expect, sync_playwright  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "rahasia-123"


@pytest.fixture
def queue(transactional_db):
    user = make_user("dinsos-dup", "dinsos")
    names = ["Siti Aminah", "Siti Aminah", "Aziz", "Syamsul Aziz", "Hakim Lubis", "Hkaim Lubis"]
    people = [
        person_in_new_household(user, VILLAGE_A if i % 2 else VILLAGE_B, name=n)
        for i, n in enumerate(names)
    ]
    make_pair(people[0], people[1], 0.97)  # above the automatic flag: not in the box
    make_pair(people[2], people[3], 0.52)
    make_pair(people[4], people[5], 0.31)
    return user


def _shot(page, name: str) -> None:
    folder = os.environ.get("PILAR_SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=os.path.join(folder, name), full_page=True)


def test_queue_least_certain_first(queue, live_server):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = launch(p)
        for width, height, label in ((1366, 900, "desktop"), (390, 844, "phone")):
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(f"{live_server.url}/akun/masuk/?next=/duplikat/")
            page.fill("input[name=username]", "dinsos-dup")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/duplikat/")
            box = page.locator("#uncertain-pairs")
            expect(box).to_contain_text("Aziz")
            expect(box.locator("li").first).to_contain_text("52%")
            expect(box).not_to_contain_text("97%")
            _shot(page, f"dedup-queue-{label}.png")
            page.select_option("#f-urut", "informatif")
            page.locator("form[role=search] button[type=submit]").click()
            page.wait_for_url("**urut=informatif**")
            first = page.locator("#pair-table tbody tr").first
            expect(first).to_contain_text("52%")
            expect(page.locator("#uncertain-pairs")).to_have_count(0)
            _shot(page, f"dedup-queue-informatif-{label}.png")
            page.close()
        browser.close()
