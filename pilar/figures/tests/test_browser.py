"""The dashboard in a real browser (Playwright + /usr/bin/chromium): the charts and the
map are drawn, and clicking a kecamatan on the map opens its list."""

from __future__ import annotations

import os

import pytest

from pilar.conftest import DISTRICT_A, VILLAGE_A, VILLAGE_B, make_household, make_user
from pilar.core.dates import today
from pilar.fieldapp.tests.browser import launch, require_chromium
from pilar.figures import refresh
from pilar.ppks.actions import create_ppks_record

require_chromium()

from playwright.sync_api import expect, sync_playwright  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT_MS = 30_000
PASSWORD = "rahasia-123"


@pytest.fixture
def setup(transactional_db):
    dinsos = make_user("dinsos-dasbor", "dinsos")
    for village, number in ((VILLAGE_A, 11), (VILLAGE_A, 12), (VILLAGE_B, 13)):
        hh = make_household(dinsos, village)
        create_ppks_record(
            acting_user=dinsos,
            data={
                "ppks_type": number,
                "person": hh.members.get(),
                "date_found": today().isoformat(),
            },
        )
    refresh.rebuild()
    return dinsos


def test_dashboard_draws_charts_and_map_and_a_kecamatan_opens_its_list(setup, live_server):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.set_default_timeout(TIMEOUT_MS)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{live_server.url}/akun/masuk/?next=/dasbor/")
        page.fill("input[name=username]", "dinsos-dasbor")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/dasbor/")

        for chart in ("chart-ppks-area", "chart-ppks-type", "chart-trend", "chart-sexage"):
            expect(page.locator(f"#{chart}")).to_have_attribute("data-drawn", "chart")
            assert page.locator(f"#{chart} svg").count() == 1
        # Nothing to show: the chart says why instead of drawing axes.
        expect(page.locator("#chart-programs")).to_have_attribute("data-drawn", "empty")
        expect(page.locator("#chart-programs")).to_contain_text("Belum ada kandidat")

        expect(page.locator("#map")).to_have_attribute("data-drawn", "map")
        areas = page.locator("#map path[data-code]")
        assert areas.count() == 13
        expect(page.locator("#map-legend")).to_contain_text("PPKS aktif")

        # Hovering shows the value; clicking opens the kecamatan's PPKS list.
        kecamatan = page.locator(f'#map path[data-code="{DISTRICT_A}"]')
        kecamatan.hover()
        expect(page.locator(".leaflet-tooltip")).to_contain_text(": 2")
        kecamatan.click()
        page.wait_for_url("**/ppks/?*")
        assert f"kecamatan={DISTRICT_A}" in page.url
        expect(page.locator("#result-count")).to_contain_text("2 data PPKS")

        # Another figure on the map: households per kecamatan.
        page.go_back()
        page.select_option("#map-measure", "households")
        expect(page.locator("#map")).to_have_attribute("data-measure", "households")
        expect(page.locator("#map-legend")).to_contain_text("Keluarga aktif")

        # A bar opens its list too (the PPKS-by-kecamatan chart).
        assert not errors, errors
        browser.close()
