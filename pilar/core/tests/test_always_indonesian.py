"""Pilar answers in Indonesian whatever the browser asks (issue 15): numbers and
Django's own texts, error pages inside the site's layout with a way back (JSON under
/api/), one log line for an expected refusal, a favicon, `pilar help`."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from django.template import Context, Template

from pilar.core.numbers import format_measure, format_number, format_rupiah

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def test_numbers_are_indonesian_for_an_english_browser(client, dinsos, settings):
    # One language and no LocaleMiddleware: nothing follows Accept-Language.
    assert [code for code, _ in settings.LANGUAGES] == ["id"]
    assert "django.middleware.locale.LocaleMiddleware" not in settings.MIDDLEWARE
    client.force_login(dinsos)
    response = client.get("/keluarga/", **ENGLISH)
    assert "Content-Language" not in response or response["Content-Language"] == "id"
    assert "Keluarga baru" in response.content.decode()
    html = Template("{% load humanize pilar_tags %}{{ n|intcomma }} {{ n|rupiah }} {{ d }}").render(
        Context({"n": 15000000, "d": 12.5})
    )
    assert html == "15.000.000 Rp15.000.000 12,5"


def test_one_number_format():
    assert format_number(1234567) == "1.234.567"
    assert format_number(12.5, 1) == "12,5"
    assert format_number(-1500.456, 2) == "-1.500,46"
    assert format_rupiah(15000000) == "Rp15.000.000"
    assert format_measure("21.00") == "21" and format_measure("12.50") == "12,5"
    assert format_measure(None) == format_number(None) == "-"


def test_admin_is_indonesian(client, admin_user):
    client.force_login(admin_user)
    html = client.get("/admin/", **ENGLISH).content.decode()
    assert "Tindakan terbaru" in html or "Tindakan Saya" in html
    assert "Recent actions" not in html and "Log out" not in html


def test_404_in_the_layout_with_a_way_back(client, dinsos):
    dinsos.first_name, dinsos.last_name = "Rina", "Kurniasih"
    dinsos.save()
    client.force_login(dinsos)
    response = client.get("/tidak-ada/", HTTP_REFERER="http://testserver/keluarga/", **ENGLISH)
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="id">' in html and "Tidak ditemukan (404)" in html
    assert "Rina Kurniasih" in html  # the site's menu bar, with the user's name
    assert 'href="http://testserver/keluarga/"' in html and "Kembali ke halaman sebelumnya" in html
    assert 'href="/"' in html and "Not Found" not in html
    # Another site's address is never offered as the way back.
    html = client.get("/tidak-ada/", HTTP_REFERER="https://example.com/x").content.decode()
    assert "example.com" not in html


def test_403_in_the_layout(client, psm_a):
    client.force_login(psm_a)
    response = client.get("/impor/", **ENGLISH)
    assert response.status_code == 403
    html = response.content.decode()
    assert "Akses ditolak (403)" in html and 'id="nav"' in html and "Forbidden" not in html


def test_api_keeps_json_errors(client, dinsos):
    client.force_login(dinsos)
    response = client.get("/api/v1/tidak-ada", **ENGLISH)
    assert response.status_code == 404
    assert response.json() == {"message": "Alamat API tidak ditemukan."}


def test_csrf_failure_page_is_indonesian(dinsos):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(dinsos)
    response = client.post("/keluarga/baru/", {}, **ENGLISH)
    assert response.status_code == 403
    html = response.content.decode()
    assert "Formulir tidak dapat dikirim" in html and "Forbidden" not in html


def test_expected_refusal_is_one_log_line(client, psm_a, caplog):
    client.force_login(psm_a)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/impor/")
        client.get("/tidak-ada/")
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 2
    for record in records:
        assert record.exc_info is None and record.exc_text is None
    assert "/impor/" in records[0].getMessage()


def test_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("pilar/favicon.ico")
    assert (Path(__file__).parents[3] / "static/pilar/favicon.ico").stat().st_size > 0


def test_pilar_help_lists_own_commands_first_in_indonesian():
    pilar = Path(sys.executable).parent / "pilar"
    out = subprocess.run(
        [str(pilar), "help"], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    lines = out.splitlines()
    assert lines[0].startswith("Pemakaian: pilar")
    own = lines.index("Perintah Pilar:")
    names = [line.split()[0] for line in lines[own + 1 :] if line.startswith("  ")]
    assert names[:3] == ["demo", "serve", "seed"]
    assert {"import", "dedup", "token", "db", "cases"} <= set(names)
    assert "pilar help --django" in out and "Available subcommands" not in out
