"""One enrollment through the real pages in a browser (Playwright + /usr/bin/chromium):
Dinas Sosial lists the candidates of a one-off household program whose rule matches
a hand-built household, proposes it, approves it, records the delivery (date,
amount, note), completes it, and finds it on the household page. The status is
checked on the page and in the database at every step.

Only what the user sees is relied on (buttons, labels, tabs, the row of the
household), not how candidates or deliveries are stored."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest

from pilar.conftest import VILLAGE_A, make_user
from pilar.core.dates import today
from pilar.fieldapp.tests.browser import launch, require_chromium
from pilar.programs.choices import EnrollmentStatus as S
from pilar.programs.models import Enrollment, Program
from pilar.programs.tests.factories import head, household

require_chromium()

from playwright.sync_api import expect, sync_playwright  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT_MS = 30_000
PASSWORD = "rahasia-123"
HEAD = "Siti Rahmawati"
NOTE = "Diserahkan di kantor kelurahan, disaksikan RT 03"


@pytest.fixture
def setup(transactional_db):

    dinsos = make_user("dinsos-salur", "dinsos")
    dinsos.first_name, dinsos.last_name = "Dewi", "Operator"
    dinsos.save()
    eligible = household(
        dinsos, VILLAGE_A, desil=2, address="Jl. Peserta 7", members=[head(HEAD, "1970-04-04")]
    )
    household(dinsos, VILLAGE_A, desil=9, address="Jl. Mampu 3")  # the rule leaves it out
    program = Program.objects.get(code="tangerang-terang")  # household level, one-off
    program.rule = {"op": "and", "rules": [{"field": "desil", "operator": "lte", "value": 4}]}
    program.year = today().year
    program.amount = Decimal("1250000")
    program.save()
    return program, eligible


def test_one_enrollment_from_candidate_to_completed(setup, live_server, tmp_path):

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    program, hh = setup
    day = today()

    def db_status() -> str | None:
        row = Enrollment.objects.filter(program=program, household=hh).first()
        return row.status if row else None

    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="id-ID")
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(f"{live_server.url}/akun/masuk/?next=/program/{program.pk}/")
        page.fill("input[name=username]", "dinsos-salur")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"**/program/{program.pk}/")

        # Candidates from the rule: the desil-2 household only.
        page.click("#program-enrollments")
        page.wait_for_url("**/peserta/kandidat/")
        page.click("#generate-candidates")
        table = page.locator("#enrollment-table")
        row = table.locator("tbody tr", has_text=HEAD)
        expect(row).to_contain_text("Kandidat")
        expect(table).not_to_contain_text("Jl. Mampu 3")
        expect(table.locator("tbody tr[data-id]")).to_have_count(1)
        row_id = row.get_attribute("data-id")
        assert row_id and row_id.isdigit()
        # Listed, not yet enrolled in the program.
        assert db_status() in (None, S.CANDIDATE)

        # Propose.
        row.get_by_label(f"pilih {HEAD}").check()
        page.click("#propose-selected")
        expect(page.locator(".alert-success")).to_contain_text("1 kandidat diusulkan")
        expect(table.locator(f"tbody tr[data-id='{row_id}']")).to_have_count(0)
        assert db_status() == S.PROPOSED

        # Approve, on the proposals tab.
        page.click("#enrollment-tabs a[href$='/peserta/usulan/']")
        row = table.locator(f"tbody tr[data-id='{row_id}']")
        expect(row).to_contain_text("Diusulkan")
        row.get_by_label(f"pilih {HEAD}").check()
        page.click("#approve-selected")
        expect(page.locator(".alert-success")).to_contain_text("1 usulan disetujui")
        expect(row).to_contain_text("Disetujui")
        assert db_status() == S.APPROVED

        # Record the delivery on the delivery tab: date, amount, a note.
        page.click("#enrollment-tabs a[href$='/peserta/penyaluran/']")
        expect(row).to_contain_text("Disetujui")
        row.get_by_role("button", name="Catat penyaluran").click()
        form = page.locator(f"#deliver-row-{row_id}, form#deliver-{row_id}").first
        expect(form.get_by_label("Tanggal")).to_be_visible()
        form.get_by_label("Tanggal").fill(day.isoformat())
        form.get_by_label("Nilai (Rp)").fill("1250000")
        form.get_by_label("Catatan").fill(NOTE)
        form.get_by_role("button", name="Simpan").click()
        expect(page.locator(".alert-success")).to_contain_text("Penyaluran dicatat")
        expect(row).to_contain_text("Disalurkan")
        expect(row).to_contain_text(day.strftime("%d-%m-%Y"))
        enrollment = Enrollment.objects.get(program=program, household=hh)
        assert str(enrollment.pk) == row_id
        assert enrollment.status == S.DELIVERED
        assert enrollment.delivered_on == day
        assert enrollment.delivered_amount == Decimal("1250000")
        assert enrollment.delivery_note == NOTE

        # Complete it.
        row.get_by_label(f"pilih {HEAD}").check()
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Tandai selesai", exact=True).click()
        expect(page.locator(".alert-success")).to_contain_text("diselesaikan")
        expect(row).to_contain_text("Selesai")
        assert db_status() == S.COMPLETED
        steps = list(
            Enrollment.objects.get(pk=enrollment.pk)
            .steps.order_by("at", "pk")
            .values_list("to_status", "actor__username")
        )
        assert steps == [
            (S.PROPOSED, "dinsos-salur"),
            (S.APPROVED, "dinsos-salur"),
            (S.DELIVERED, "dinsos-salur"),
            (S.COMPLETED, "dinsos-salur"),
        ]

        # The household page lists it in its Program section.
        page.goto(f"{live_server.url}/keluarga/{hh.pk}/")
        section = page.locator("#enrollments")
        listed = section.locator(f"tr[data-enrollment='{row_id}']")
        expect(listed).to_contain_text(program.name)
        expect(listed).to_contain_text("Selesai")
        expect(listed).to_contain_text(f"{day:%d-%m-%Y} · Rp1.250.000")
        expect(listed).to_contain_text("Diselesaikan")
        expect(listed).to_contain_text("Dewi Operator")
        expect(listed.get_by_role("link", name=program.name)).to_have_attribute(
            "href", f"/program/{program.pk}/"
        )
        section.scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / "household-enrollments.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        section.scroll_into_view_if_needed()
        section.screenshot(path=str(tmp_path / "household-enrollments-phone.png"))
        browser.close()
