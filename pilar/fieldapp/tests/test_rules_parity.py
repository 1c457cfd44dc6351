"""rules.js (checked on the phone) gives the same NIK / No. KK verdicts and messages
as pilar.registry.identity (checked on the server). Runs rules.js in Chromium."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.staticfiles import finders

from pilar.fieldapp.tests.browser import launch, require_chromium
from pilar.registry.identity import (
    IdentityError,
    nik_mismatches,
    province_codes,
    validate_nik,
    validate_no_kk,
)

require_chromium()

from playwright.sync_api import sync_playwright  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

NIKS = [
    "3671011203750001",  # valid, man, 12-03-75
    "3671015203750002",  # valid, woman (day + 40)
    "3671011203750000",  # serial 0000
    "9971011203750001",  # unknown province
    "3671013202750001",  # 32 February
    "3671017203750001",  # day 72 (woman, 32nd)
    "367101120375",  # too short
    "36710112037500011",  # too long
    "3671-0112.0375 0001",  # separators are cleaned
    "36710112037S0001",  # a letter
    "3671012902000001",  # 29-02-2000: valid (stdnum tries 1900 then 2000)
    "3671012902010001",  # 29-02-01: invalid in both centuries
]
KKS = ["3671010101010001", "9971010101010001", "36710101", "3671a10101010001"]


def server_error(fn, value) -> str:
    try:
        fn(value)
    except IdentityError as exc:
        return str(exc)
    return ""


def test_rules_js_matches_server(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    provinces = sorted(province_codes())
    with open(finders.find("fieldapp/rules.js")) as fh:  # noqa: PTH123
        script = fh.read()
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page()
        page.set_content(f"<script>{script}</script>")
        for nik in NIKS:
            js = page.evaluate("([n, p]) => PilarRules.nikError(n, p)", [nik, provinces])
            assert js == server_error(validate_nik, nik), nik
        for kk in KKS:
            js = page.evaluate("([n, p]) => PilarRules.noKkError(n, p)", [kk, provinces])
            assert js == server_error(validate_no_kk, kk), kk
        cases = [
            ("3671011203750001", "L", "1975-03-12"),
            ("3671011203750001", "P", "1975-03-12"),
            ("3671015203750002", "P", "1975-03-13"),
            ("3671015203750002", "L", "2075-03-12"),
        ]
        for nik, sex, birth in cases:
            js = page.evaluate(
                "([n, s, b]) => PilarRules.nikMismatches(n, s, b)", [nik, sex, birth]
            )
            assert js == nik_mismatches(nik, sex, datetime.date.fromisoformat(birth)), (nik, sex)
        # PPKS person rules: age on the date found, sex.
        errors = page.evaluate(
            """() => {
              const E = new PilarRules.Errors();
              const toddler = {name: 'Anak Balita Terlantar', min_age: 0, max_age: 5, sex: '',
                               rule: 'usia 0–5 tahun'};
              const prse = {name: 'PRSE', min_age: 18, max_age: 59, sex: 'P',
                            rule: 'usia 18–59 tahun'};
              const kid = {name: 'Rizki', sex: 'L', birth_date: '2018-06-01', life_status: 'hidup'};
              PilarRules.ppksPerson(E, 'a.', toddler, kid, '2024-05-31');
              PilarRules.ppksPerson(E, 'b.', toddler, kid, '2024-06-01');
              PilarRules.ppksPerson(E, 'c.', prse, kid, '2024-06-01');
              return E.map;
            }"""
        )
        browser.close()
    assert "a.ppks_type" not in errors  # 5 years old the day before the 6th birthday
    assert errors["b.ppks_type"] == [
        "Anak Balita Terlantar hanya untuk usia 0–5 tahun; usia Rizki pada tanggal ditemukan "
        "adalah 6 tahun."
    ]
    assert "PRSE hanya untuk perempuan." in errors["c.ppks_type"]
