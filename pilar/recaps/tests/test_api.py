"""The recaps in the API (/api/v1/figures/recaps/...): scoped as the page, bad input
a 422 with an Indonesian message, files logged."""

from __future__ import annotations

import pytest

from pilar.audit.models import AccessAction, AccessLog
from pilar.conftest import bearer
from pilar.recaps import monthly, periods
from pilar.recaps.tests.conftest import pdf_text

pytestmark = pytest.mark.django_db
BASE = "/api/v1/figures/recaps"


def test_index_by_role(client, city, dinsos, tksk_a, psm_a, mitra):
    data = client.get(BASE, **bearer(dinsos)).json()
    assert [r["slug"] for r in data["recaps"]] == ["ppks", "psks", "kemiskinan", "program", "spm"]
    assert data["areas"][0] == {"code": "36.71", "name": "Kota Tangerang", "is_city": True}
    data = client.get(BASE, **bearer(tksk_a)).json()
    assert [a["code"] for a in data["areas"]] == ["36.71.01"]
    assert "program" not in [r["slug"] for r in data["recaps"]]
    assert client.get(BASE, **bearer(psm_a)).status_code == 403
    assert client.get(BASE, **bearer(mitra)).status_code == 403
    assert client.get(BASE).status_code == 401


def test_recap_as_tables(client, city, pimpinan):
    response = client.get(f"{BASE}/ppks", **bearer(pimpinan))
    assert response.status_code == 200
    data = response.json()
    assert data["area_code"] == "36.71" and data["month"] == f"{periods.current_month():%Y-%m}"
    first = data["tables"][0]
    pengemis = next(r for r in first["rows"] if r["stub"] == ["12", "Pengemis"])
    assert pengemis["values"][:3] == [1, 1, 2]
    odha = next(r for r in first["rows"] if r["stub"][0] == "16")
    assert set(odha["values"]) == {"terbatas"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"bulan": "2026-13"}, "format TTTT-BB"),
        ({"bulan": "2999-01"}, "belum tiba"),
        ({"wilayah": "99.99"}, "Kode wilayah tidak dikenal"),
    ],
)
def test_bad_input_is_422(client, city, dinsos, params, expected):
    response = client.get(f"{BASE}/ppks", params, **bearer(dinsos))
    assert response.status_code == 422
    assert expected in str(response.json())


def test_scope_and_unknown(client, city, tksk_a):
    response = client.get(f"{BASE}/ppks", {"wilayah": "36.71.02"}, **bearer(tksk_a))
    assert response.status_code == 422
    assert client.get(f"{BASE}/program", **bearer(tksk_a)).status_code == 404
    assert client.get(f"{BASE}/lainnya", **bearer(tksk_a)).status_code == 404
    assert client.get(f"{BASE}/ppks/docx", **bearer(tksk_a)).status_code == 404
    assert client.get(f"{BASE}/monthly", **bearer(tksk_a)).status_code == 403


def test_file_is_logged(client, city, dinsos):
    response = client.get(f"{BASE}/psks/pdf", {"wilayah": "36.71.01"}, **bearer(dinsos))
    assert response.status_code == 200
    assert "Kecamatan Tangerang" in pdf_text(b"".join(response.streaming_content))
    log = AccessLog.objects.get(action=AccessAction.EXPORT, object_type="rekap")
    assert log.extra["recap"] == "psks" and log.extra["area"] == "36.71.01"


def test_monthly_reports(client, city, pimpinan, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    month = periods.current_month()
    monthly.generate(month)
    listing = client.get(f"{BASE}/monthly", **bearer(pimpinan)).json()
    assert listing[0]["month"] == f"{month:%Y-%m}" and listing[0]["status"] == "selesai"
    response = client.get(listing[0]["url"], **bearer(pimpinan))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AccessLog.objects.filter(object_type="laporan_bulanan").count() == 1
    assert client.get(f"{BASE}/monthly/2001-01", **bearer(pimpinan)).status_code == 404


def test_openapi_documents_the_answers(client, dinsos):
    """Schema names are global in the OpenAPI document: ours must not be another
    app's (an `AreaOut` of the figures API once replaced this one)."""
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert set(schemas["RecapAreaOut"]["required"]) == {"code", "name", "is_city"}
    assert set(schemas["RecapIndexOut"]["properties"]) == {
        "recaps",
        "areas",
        "first_month",
        "current_month",
    }
