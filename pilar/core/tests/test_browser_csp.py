"""Under the Content-Security-Policy, pages raise no violation in Chromium and their
scripts still work (Alpine's CSP build, the behaviours moved out of the templates).

The pages are found by following the links a Dinas Sosial operator and an admin see
from the start page, so pages added later are covered without listing them here."""

from __future__ import annotations

import os
from urllib.parse import urlparse

import pytest

from pilar.accounts.choices import Role
from pilar.conftest import VILLAGE_A, make_household, make_user
from pilar.fieldapp.tests.browser import launch, require_chromium

require_chromium()

from playwright.sync_api import Error as PlaywrightError  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Generous: the crawl runs beside the rest of the suite on a busy machine.
TIMEOUT_MS = 90_000
PASSWORD = "rahasia-123"
MAX_PAGES = 50
# Not pages: downloads, logout, the API and files.
SKIP = ("/akun/keluar", "/api/", "/static/", "/media/", "xlsx", "csv", ".pdf", ".json", "unduh")
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' +
                    e.sourceFile + ':' + e.lineNumber);
});
"""


@pytest.fixture
def people(transactional_db):
    dinsos = make_user("dinsos-csp", Role.DINSOS)
    admin = make_user("admin-csp", Role.ADMIN)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    make_user("psm-csp", Role.PSM, village=VILLAGE_A)
    household = make_household(dinsos, VILLAGE_A)
    return household


def _login(page, base, username, next_url="/"):
    page.goto(f"{base}/akun/masuk/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _crawl(page, base, start, limit):
    """Visit pages breadth-first from ``start``; returns {path: [problems]}."""
    seen, queue, problems = set(), list(start), {}
    console: list[str] = []
    page.on(
        "console",
        lambda m: console.append(m.text) if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        console.clear()
        try:
            response = page.goto(base + path)
        except PlaywrightError as exc:
            if "Download is starting" in str(exc):
                continue  # a file, not a page
            raise
        page.wait_for_load_state("load")
        found = list(page.evaluate("window.__csp || []"))
        found += [c for c in console if "Content Security Policy" in c or "Alpine" in c]
        found += [c for c in console if c.startswith("pageerror")]
        if found:
            problems[path] = found
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            parsed = urlparse(href)
            if parsed.netloc != urlparse(base).netloc or parsed.path in seen:
                continue
            if any(s in parsed.path for s in SKIP) or parsed.query:
                continue
            queue.append(parsed.path)
    return seen, problems


def test_pages_raise_no_csp_violation(people, live_server):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    household = people
    base = live_server.url
    starts = [
        "/",
        f"/keluarga/{household.pk}/",
        f"/asesmen/keluarga/{household.pk}/kemiskinan/baru/",
    ]
    with sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        context.add_init_script(WATCH)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        _login(page, base, "dinsos-csp")
        seen, problems = _crawl(page, base, starts, MAX_PAGES)
        assert len(seen) >= 20, seen

        # Alpine runs under the policy: the filter toggle and the criteria counter.
        page.goto(f"{base}/keluarga/")
        filters = page.locator("form[role=search] .row[x-show]")
        expect(filters).to_be_hidden()
        page.get_by_role("button", name="Saring").click()
        expect(filters).to_be_visible()
        page.goto(f"{base}/asesmen/keluarga/{household.pk}/kemiskinan/baru/")
        counter = page.locator("strong[x-text=n]")
        expect(counter).to_have_text("0")
        page.locator("input.criterion").nth(0).check()
        page.locator("input.criterion").nth(1).check()
        expect(counter).to_have_text("2")
        context.close()

        # The admin's pages and the field app (a PSM) too.
        for username, start in [
            ("admin-csp", ["/admin/", "/admin/accounts/user/"]),
            ("psm-csp", ["/lapangan/"]),
        ]:
            context = browser.new_context(viewport={"width": 390, "height": 844})
            context.add_init_script(WATCH)
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            _login(page, base, username, start[0])
            more_seen, more = _crawl(page, base, start, 25)
            problems.update(more)
            context.close()
        browser.close()
    assert not problems, problems
