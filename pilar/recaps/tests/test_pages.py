"""The /rekap/ page and its downloads: who may open it, the scope of the areas,
bad input answered on the page (400, never a 500), every download logged."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pilar.audit.models import AccessAction, AccessLog
from pilar.recaps import periods
from pilar.recaps.tests.conftest import find_row, pdf_text, xlsx_rows

pytestmark = pytest.mark.django_db
URL = "/rekap/"


def test_who_may_open(client, dinsos, pimpinan, tksk_a, psm_a, mitra, admin_user):
    assert client.get(URL).status_code == 302  # login first
    for user in (dinsos, pimpinan, tksk_a, admin_user):
        client.force_login(user)
        assert client.get(URL).status_code == 200, user.role
    for user in (psm_a, mitra):
        client.force_login(user)
        assert client.get(URL).status_code == 403, user.role
        assert client.get(reverse("recaps:file", args=["ppks", "pdf"])).status_code == 403


def test_page_lists_recaps_areas_and_reports(client, city, dinsos, tksk_a):
    client.force_login(dinsos)
    page = client.get(URL).content.decode()
    for slug in ("ppks", "psks", "kemiskinan", "program", "spm"):
        assert f'id="recap-{slug}"' in page
    assert "Kec. Jatiuwung (per kelurahan)" in page
    assert 'id="monthly-table"' in page and 'id="monthly-form"' in page
    client.force_login(tksk_a)
    page = client.get(URL).content.decode()
    assert 'id="recap-program"' not in page  # program figures: city roles only
    assert "Jatiuwung" not in page
    assert 'id="monthly-table"' not in page


def test_download_is_logged(client, city, dinsos):
    client.force_login(dinsos)
    month = f"{periods.current_month():%Y-%m}"
    response = client.get(reverse("recaps:file", args=["ppks", "xlsx"]), {"bulan": month})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'rekap-ppks-3671-{month}.xlsx"')
    sheets = xlsx_rows(b"".join(response.streaming_content))
    assert find_row(sheets[next(iter(sheets))], "12", "Pengemis")[4] == 2.0
    log = AccessLog.objects.get(action=AccessAction.EXPORT, object_type="rekap")
    assert log.user == dinsos
    assert log.extra["recap"] == "ppks" and log.extra["month"] == month
    assert log.extra["area"] == "36.71" and log.extra["format"] == "xlsx"

    response = client.get(
        reverse("recaps:file", args=["psks", "pdf"]), {"bulan": month, "wilayah": "36.71.02"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(response.streaming_content))
    assert "Kecamatan Jatiuwung (kode 36.71.02)" in text
    assert AccessLog.objects.filter(action=AccessAction.EXPORT).count() == 2


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"bulan": "2026-13"}, "format TTTT-BB"),
        ({"bulan": "2999-01"}, "belum tiba"),
        ({"bulan": "2001-01"}, "Belum ada data"),
        ({"wilayah": "12.34"}, "Kode wilayah tidak dikenal"),
    ],
)
def test_bad_input_is_a_message(client, city, dinsos, params, expected):
    client.force_login(dinsos)
    for url in (URL, reverse("recaps:file", args=["ppks", "pdf"])):
        response = client.get(url, params)
        assert response.status_code == 400
        assert expected in response.content.decode()
    assert not AccessLog.objects.filter(action=AccessAction.EXPORT).exists()


def test_tksk_cannot_take_other_areas(client, city, tksk_a):
    client.force_login(tksk_a)
    for code in ("36.71", "36.71.02"):
        response = client.get(reverse("recaps:file", args=["ppks", "xlsx"]), {"wilayah": code})
        assert response.status_code == 400
        assert "di luar wilayah kerja" in response.content.decode()
    assert client.get(reverse("recaps:file", args=["program", "xlsx"])).status_code == 404
    assert client.get(reverse("recaps:file", args=["ppks", "xlsx"])).status_code == 200
    assert client.get("/rekap/lainnya.pdf").status_code == 404
