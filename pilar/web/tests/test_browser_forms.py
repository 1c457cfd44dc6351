"""The browser's own form controls speak Indonesian in an English browser (pages.js):
a file input shows "Pilih berkas" and the chosen file's name instead of "Choose File" /
"No file chosen", and a failed browser check (a form without ``novalidate`` sent with
its required file missing) says so in Indonesian instead of "Please select a file."."""

from __future__ import annotations

import os

import pytest

from pilar.conftest import make_user
from pilar.fieldapp.tests.browser import launch, login, require_chromium

require_chromium()

from playwright.sync_api import expect, sync_playwright  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_file_input_and_browser_checks_are_indonesian(live_server, tmp_path):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    make_user("dinsos-forms", "dinsos")
    upload = tmp_path / "data-keluarga.csv"
    upload.write_text("nama;nik\n", encoding="utf-8")
    with sync_playwright() as p:
        browser = launch(p)
        for width, height in ((1366, 900), (390, 844)):
            context = browser.new_context(
                viewport={"width": width, "height": height}, locale="en-US"
            )
            page = context.new_page()
            login(page, live_server.url, "dinsos-forms", next_url="/impor/")

            chooser = page.locator(".pilar-file")
            expect(chooser.locator("label.btn")).to_have_text("Pilih berkas")
            expect(chooser.locator(".pilar-file-name")).to_have_text("Belum ada berkas dipilih")
            page.click("text=Unggah dan periksa")
            assert page.url.endswith("/impor/")  # nothing was sent
            # The browser checked the form (it has no novalidate): its message is ours.
            message = page.eval_on_selector("#id_file", "e => e.validationMessage")
            assert message == "Pilih berkas terlebih dahulu."
            assert page.eval_on_selector("#id_file", "e => e.validity.customError")
            page.set_input_files("#id_file", str(upload))
            expect(chooser.locator(".pilar-file-name")).to_have_text("data-keluarga.csv")
            assert page.eval_on_selector("#id_file", "e => e.validationMessage") == ""
            page.eval_on_selector("#id_file", "e => e.form.reset()")
            expect(chooser.locator(".pilar-file-name")).to_have_text("Belum ada berkas dipilih")
            # The control fits the phone's width.
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            context.close()
        browser.close()


def test_browser_check_messages_are_indonesian():
    """pages.js's messages for each kind of failed browser check, on a bare form."""
    from django.conf import settings

    script = (settings.BASE_DIR / "static" / "pilar" / "pages.js").read_text()
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(locale="en-US")
        page.set_content(
            "<form><input name=a required><input name=b type=number min=1 max=9 value=0>"
            "<input name=c type=email value=bukan-email><select name=d required>"
            "<option value=''>-</option><option>x</option></select>"
            "<input name=e minlength=3 value=ab><button>kirim</button></form>"
        )
        page.add_script_tag(content=script)
        # minlength is only checked on what the user typed.
        page.fill("input[name=e]", "ab")
        page.evaluate("document.querySelector('form').checkValidity()")
        messages = page.evaluate(
            "Array.from(document.querySelectorAll('[name]')).map(e => e.validationMessage)"
        )
        assert messages == [
            "Wajib diisi.",
            "Paling kecil 1.",
            "Alamat email tidak valid.",
            "Pilih salah satu.",
            "Paling sedikit 3 karakter.",
        ]
        # Fixed, the field is checked afresh and passes.
        page.fill("input[name=a]", "Siti")
        assert page.eval_on_selector("input[name=a]", "e => e.checkValidity()")
        browser.close()
