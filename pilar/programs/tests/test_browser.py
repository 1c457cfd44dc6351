"""The rule builder in a real browser (Playwright + /usr/bin/chromium): the preview
follows the builder's edits (count, first rows, errors) and a saved rule is stored."""

from __future__ import annotations

import os

import pytest

from pilar.conftest import VILLAGE_A, VILLAGE_B, make_user
from pilar.fieldapp.tests.browser import launch, require_chromium
from pilar.programs.models import Program
from pilar.programs.tests.factories import household

require_chromium()

from playwright.sync_api import expect, sync_playwright  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT_MS = 30_000
PASSWORD = "rahasia-123"


@pytest.fixture
def setup(transactional_db):

    dinsos = make_user("dinsos-prog", "dinsos")
    household(dinsos, VILLAGE_A, desil=2, address="Jl. Anggrek 1")
    household(dinsos, VILLAGE_B, desil=3, address="Jl. Kamboja 2")
    household(dinsos, VILLAGE_A, desil=8, address="Jl. Mampu 3")
    program = Program.objects.get(code="tangerang-terang")
    return program


def test_rule_builder_preview_and_save(setup, live_server):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    program = setup
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(f"{live_server.url}/akun/masuk/?next=/program/{program.pk}/")
        page.fill("input[name=username]", "dinsos-prog")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"**/program/{program.pk}/")

        # The seeded rule needs a housing survey: nobody matches yet.
        expect(page.locator("#preview-count")).to_have_text("0")

        # Replace it with "desil <= 4": remove the conditions, add one, pick the field.
        builder = page.locator("#rule-builder")
        while builder.locator(
            ".rule-group[data-pos='0'] > .rule-condition, .rule-group[data-pos='0'] > .rule-group"
        ).count():
            builder.locator("[data-role=remove], [data-role=remove-group]").first.click()
        builder.get_by_label("Tambah syarat ke grup utama").click()
        builder.get_by_label("Kolom syarat 1").select_option("desil")
        builder.get_by_label("Operator syarat 1").select_option("lte")
        builder.get_by_label("Nilai syarat 1").fill("4")
        expect(page.locator("#preview-count")).to_have_text("2")
        expect(page.locator("#preview-table tbody tr")).to_have_count(2)
        expect(page.locator("#preview-table")).to_contain_text("Jl. Anggrek 1")
        expect(page.locator("#preview-table")).not_to_contain_text("Jl. Mampu 3")
        # NIK / No. KK masked in the preview.
        expect(page.locator("#preview-table tbody tr").first.locator("td").nth(1)).to_contain_text(
            "********"
        )

        # An OR group: desil <= 4 OR (kelurahan ...) -> a wrong value shows the server's message.
        builder.get_by_label("Nilai syarat 1").fill("11")
        expect(page.locator("#preview-errors")).to_contain_text("Syarat 1: nilai untuk 'Desil")
        builder.get_by_label("Nilai syarat 1").fill("2")
        expect(page.locator("#preview-count")).to_have_text("1")
        builder.get_by_label("Penghubung grup utama").select_option("or")
        builder.get_by_label("Tambah grup ke grup utama").click()
        builder.get_by_label("Kolom syarat 2.1").select_option("desil")
        builder.get_by_label("Operator syarat 2.1").select_option("eq")
        builder.get_by_label("Nilai syarat 2.1").fill("8")
        expect(page.locator("#preview-count")).to_have_text("2")

        page.click("#rule-save")
        expect(page.locator(".alert-success")).to_contain_text("Aturan kelayakan disimpan")
        browser.close()

    program.refresh_from_db()
    assert program.rule == {
        "op": "or",
        "rules": [
            {"field": "desil", "operator": "lte", "value": 2},
            {"op": "and", "rules": [{"field": "desil", "operator": "eq", "value": 8}]},
        ],
    }
