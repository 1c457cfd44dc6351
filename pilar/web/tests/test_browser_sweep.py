"""Every page for every role, as a new user meets them (issue 15): the demo's data, the
README's logins, Chromium at 1366×900 and 390×844. Fails on a server error, a link
that ends in a refusal, English left over, a number in English format, a page wider
than the screen, a page without exactly one <h1>, or a serious or critical axe-core
finding (pilar/testing/sweep.py says how pages are found and checked).

One test: the demo is built once (about a minute), then each role is swept in one
browser context per size against one live server. Set PILAR_SWEEP_SHOTS=<folder> to
keep a screenshot of every page visited."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from pilar.fieldapp.tests.browser import launch, require_chromium
from pilar.testing.sweep import AXE_JS, SIZES, Sweep, parameterless_routes

require_chromium()

from playwright.sync_api import sync_playwright  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The roles that see most come first: axe runs once per page and size (below).
ROLES = ["dinsos", "admin", "tksk-367101", "psm-3671011001", "pimpinan", "mitra"]
# Pages everyone may open without logging in, and what a wrong address answers.
ANONYMOUS = ["/akun/masuk/", "/halaman-yang-tidak-ada/"]


@pytest.fixture
def demo_site(transactional_db, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("demo", "--no-serve", "--households", "600", verbosity=0)


def login(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/akun/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", settings.PILAR_DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    assert "/akun/masuk/" not in page.url, f"{username} could not log in"


def test_every_page_for_every_role(demo_site, live_server):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    axe_source = AXE_JS.read_text()
    shots = os.environ.get("PILAR_SWEEP_SHOTS")
    shot_dir = Path(shots) if shots else None
    if shot_dir is not None:
        shot_dir.mkdir(parents=True, exist_ok=True)
    start = ["/", *parameterless_routes(), "/halaman-yang-tidak-ada/"]
    findings = []
    visits = 0
    started = time.monotonic()
    with sync_playwright() as p:
        browser = launch(p)
        for size, (width, height) in SIZES.items():
            # axe-core runs once per page (route) and size, for the first role that
            # opens it: the markup differs little by role, and axe is most of the time.
            shared_axe: set = set()
            for role in ["anonim", *ROLES]:
                context = browser.new_context(
                    viewport={"width": width, "height": height},
                    bypass_csp=True,  # axe-core is injected as a script
                    locale="en-US",  # an English browser: Pilar stays Indonesian
                )
                page = context.new_page()
                page.set_default_timeout(20_000)
                sweep = Sweep(role, size, live_server.url, axe_source, shots=shot_dir)
                sweep.axe_done = shared_axe
                if role == "anonim":
                    sweep.run(page, ANONYMOUS)
                else:
                    login(page, live_server.url, role)
                    sweep.run(page, start)
                findings += sweep.findings
                visits += len(sweep.visited)
                context.close()
        browser.close()
    print(f"{visits} page visits in {time.monotonic() - started:.0f} s")
    assert visits > 100, "the sweep found too few pages"
    assert not findings, f"{len(findings)} problems:\n" + "\n".join(map(str, findings))


def test_keyboard_skip_link_and_visible_focus(transactional_db, live_server):
    """Tab once: the skip link shows and leads to the content; every stop on the blue
    bar gets a visible focus ring (the bar's links had none)."""
    from pilar.conftest import make_user

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    make_user("dinsos-fokus", "dinsos")
    with sync_playwright() as p:
        browser = launch(p)
        # An office laptop: from 1200 px the menu is open on one line, and this test
        # walks its links.
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(f"{live_server.url}/akun/masuk/")
        page.fill("input[name=username]", "dinsos-fokus")
        page.fill("input[name=password]", "rahasia-123")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        page.keyboard.press("Tab")
        skip = page.locator("a.skip-link")
        assert skip.evaluate("e => e === document.activeElement")
        assert skip.is_visible() and skip.inner_text() == "Langsung ke konten utama"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "konten"
        # Through the bar: each focused element draws an outline of at least 2 px.
        page.goto(f"{live_server.url}/")
        page.keyboard.press("Tab")
        checked = 0
        for _ in range(10):
            page.keyboard.press("Tab")
            style = page.evaluate(
                "() => { const s = getComputedStyle(document.activeElement);"
                " return [document.activeElement.closest('nav') !== null,"
                " s.outlineStyle, parseFloat(s.outlineWidth)]; }"
            )
            if style[0]:
                assert style[1] != "none" and style[2] >= 2, style
                checked += 1
        assert checked >= 8
        browser.close()
