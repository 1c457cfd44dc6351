"""The dashboard and start pages per role, and the figures API: scoped, restricted
types hidden with their count, bad input answered in Indonesian (never a 500), every
figure linked to a list the role may open."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from pilar.accounts.models import ApiToken
from pilar.conftest import DISTRICT_A, VILLAGE_A, VILLAGE_A2, VILLAGE_B, make_household
from pilar.core.dates import today
from pilar.figures import refresh
from pilar.ppks.actions import create_ppks_record

pytestmark = pytest.mark.django_db


def _ppks(dinsos, village, number, n=1):
    for _ in range(n):
        hh = make_household(dinsos, village)
        create_ppks_record(
            acting_user=dinsos,
            data={
                "ppks_type": number,
                "person": hh.members.get(),
                "date_found": today().isoformat(),
            },
        )


@pytest.fixture
def data(dinsos):
    _ppks(dinsos, VILLAGE_A, 11, 2)
    _ppks(dinsos, VILLAGE_A2, 12, 1)
    _ppks(dinsos, VILLAGE_B, 11, 3)
    _ppks(dinsos, VILLAGE_A, 16, 6)  # ODHA (restricted)
    refresh.rebuild()


def _chart_data(response) -> dict:
    html = response.content.decode()
    start = html.index('id="dashboard-data"')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])


def _section(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start : html.index("</section>", start)]


def test_leader_start_page_is_the_dashboard(client, data, pimpinan):
    client.force_login(pimpinan)
    r = client.get("/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "Dasbor" in html and 'id="map"' in html
    data_ = _chart_data(r)
    assert data_["level"] == "kecamatan"
    by = {row["code"]: row["n"] for row in data_["ppksByArea"]}
    assert by[DISTRICT_A] == 3 and by["36.71.02"] == 3
    # ODHA is left out, with the count said, and gets no link.
    assert "tidak termasuk 6 data kesehatan terbatas" in html
    odha = next(t for t in data_["ppksByType"] if t["number"] == 16)
    assert odha["n"] is None and odha["link"] == ""
    # Leaders have no inbox, no duplicate queue, no to-do.
    assert 'id="todo"' not in html
    assert reverse("dedup:queue") not in html
    assert "<script>" not in html.replace('<script id="dashboard-data"', "")
    assert " onclick=" not in html


def test_dinsos_sees_restricted_and_its_todo(client, data, dinsos):
    client.force_login(dinsos)
    r = client.get(reverse("figures:dashboard"))
    todo = _section(r.content.decode(), "todo")
    assert "Laporan menunggu validasi" in todo
    assert "Pasangan data ganda menunggu" in todo and "Asesmen jatuh tempo" in todo
    d = _chart_data(r)
    assert next(t for t in d["ppksByType"] if t["number"] == 16)["n"] == 6


def test_tksk_sees_their_kecamatan_by_kelurahan_and_reports_to_verify(client, data, tksk_a):
    client.force_login(tksk_a)
    r = client.get("/")
    html = r.content.decode()
    d = _chart_data(r)
    assert d["level"] == "kelurahan"
    assert {row["code"] for row in d["ppksByArea"]} <= {
        c for c in d["areaNames"] if c.startswith(DISTRICT_A + ".")
    }
    assert all(row["code"].startswith(DISTRICT_A + ".") for row in d["ppksByArea"])
    todo = _section(html, "todo")
    assert "Laporan menunggu verifikasi Anda" in todo
    assert "Asesmen jatuh tempo" not in todo  # Dinas Sosial's work, not the TKSK's
    # The map links open the PPKS list of that kelurahan.
    link = d["map"]["measures"]["ppks"]["links"][VILLAGE_A]
    assert "kelurahan=36.71.01.1001" in link and link.startswith("/ppks/")


def test_psm_start_page_offers_the_field_app(client, data, psm_b):
    client.force_login(psm_b)
    r = client.get("/")
    html = r.content.decode()
    assert 'id="open-field-app"' in html
    d = _chart_data(r)
    assert [row["code"] for row in d["ppksByArea"]] == [VILLAGE_B]
    assert "Laporan menunggu verifikasi Anda" not in _section(html, "todo")
    assert reverse("submissions:inbox") not in html


def test_mitra_gets_no_dashboard(client, data, mitra):
    client.force_login(mitra)
    assert client.get(reverse("figures:dashboard")).status_code == 403
    assert "Dasbor" not in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ("bulan=2999-01", "belum tiba"),
        ("bulan=xx", "TTTT-BB"),
        ("kecamatan=99.99.99", "tidak dikenal"),
        ("kelurahan=36.71.01.9999", "tidak dikenal"),
        ("ppks_type=77", "tidak dikenal"),
        ("jenis_kelamin=Z", "L atau P"),
        ("program=999999", "tidak dikenal"),
    ],
)
def test_bad_filters_show_a_message_not_a_500(client, data, dinsos, params, words):
    client.force_login(dinsos)
    r = client.get(f"/dasbor/?{params}")
    assert r.status_code == 200
    assert words in r.content.decode()


def test_past_month_without_figures_says_why(client, data, dinsos):
    client.force_login(dinsos)
    r = client.get("/dasbor/?bulan=2001-01")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="figures-missing"' in html and "Belum ada data" in html
    assert "Belum ada data" in _chart_data(r)["empty"]


def test_filter_with_no_data_draws_empty_charts(client, data, dinsos):
    client.force_login(dinsos)
    r = client.get("/dasbor/?ppks_type=1")
    d = _chart_data(r)
    assert sum(row["n"] for row in d["ppksByArea"]) == 0
    assert "Tidak ada data PPKS untuk saringan ini." in r.content.decode()


def test_a_write_shows_on_the_next_view(client, data, dinsos):
    client.force_login(dinsos)
    before = _chart_data(client.get("/dasbor/?kelurahan=" + VILLAGE_B))["ppksByArea"][0]["n"]
    _ppks(dinsos, VILLAGE_B, 13)
    after = _chart_data(client.get("/dasbor/?kelurahan=" + VILLAGE_B))["ppksByArea"][0]["n"]
    assert after == before + 1


def test_outlines_are_scoped(client, data, tksk_a):
    client.force_login(tksk_a)
    geo = client.get("/dasbor/peta.geojson?tingkat=kelurahan").json()
    codes = {f["properties"]["code"] for f in geo["features"]}
    assert VILLAGE_A in codes and all(c.startswith(DISTRICT_A + ".") for c in codes)
    geo = client.get("/dasbor/peta.geojson?tingkat=kecamatan").json()
    assert [f["properties"]["code"] for f in geo["features"]] == [DISTRICT_A]


def test_linked_lists_apply_the_same_filter(client, data, dinsos):
    client.force_login(dinsos)
    d = _chart_data(client.get("/dasbor/?jenis_kelamin=L&kelompok_usia=18-59"))
    link = d["ppksByArea"][0]["link"]
    assert "jenis_kelamin=L" in link and "kelompok_usia=18-59" in link
    r = client.get(next(row["link"] for row in d["ppksByArea"] if row["code"] == DISTRICT_A))
    assert r.status_code == 200
    assert "laki-laki" in r.content.decode()
    # The list counts what the figure counted (all heads are men aged 18-59 here).
    assert (
        ">9 data PPKS" in r.content.decode().replace("\n", "")
        or "9 data PPKS" in r.content.decode()
    )


# API ------------------------------------------------------------------------------


def _api(client, user, path):
    _, key = ApiToken.issue(user)
    return client.get(f"/api/v1/figures/{path}", HTTP_AUTHORIZATION=f"Bearer {key}")


def test_api_summary_and_ppks_are_scoped(client, data, pimpinan, psm_b):
    r = _api(client, pimpinan, "summary")
    assert r.status_code == 200
    body = r.json()
    assert body["source"]["available"] and body["ppks_total"] == 6
    assert body["ppks_hidden"] == {"n": 6, "text": "tidak termasuk 6 data kesehatan terbatas"}
    r = _api(client, psm_b, "ppks")
    body = r.json()
    assert body["total"] == 3 and [a["code"] for a in body["by_area"]] == [VILLAGE_B]
    assert body["hidden"]["n"] == 0


def test_api_refuses_bad_filters_with_422(client, data, dinsos, tksk_a):
    r = _api(client, dinsos, "summary?bulan=2999-01")
    assert r.status_code == 422 and "belum tiba" in r.json()["errors"]["bulan"][0]
    r = _api(client, tksk_a, "ppks?kecamatan=36.71.02")
    assert r.status_code == 422 and "di luar wilayah" in r.json()["errors"]["kecamatan"][0]
    r = _api(client, dinsos, "areas/apa")
    assert r.status_code == 422
    r = _api(client, dinsos, "trend?months=0")
    assert r.status_code == 422
    # Beyond the columns' range, or not a number at all: refused, never a 500.
    for bad in (
        "ppks_type=99999999999999999999",
        "program=99999999999999999999",
        "ppks_type=-1",
        "kecamatan=%00",
        "bulan=%00",
        "jenis_kelamin=%00",
        "months=99999999999999999999",
    ):
        r = _api(client, dinsos, f"trend?{bad}")
        assert r.status_code in (400, 422), (bad, r.status_code)


def test_api_month_without_figures_is_not_an_error(client, data, dinsos):
    r = _api(client, dinsos, "summary?bulan=2001-01")
    assert r.status_code == 200
    assert r.json()["source"]["available"] is False and r.json()["source"]["reason"]


def test_api_area_measure_trend_and_partner(client, data, dinsos, mitra):
    r = _api(client, dinsos, "areas/households?kecamatan=36.71.01")
    body = r.json()
    assert body["level"] == "kelurahan"
    assert {a["code"]: a["n"] for a in body["areas"]}[VILLAGE_A] == 8
    trend = _api(client, dinsos, "trend?months=3").json()
    assert len(trend) == 3 and trend[-1]["kind"] == "berjalan" and trend[-1]["ppks"] == 12
    assert _api(client, mitra, "summary").status_code == 403


def test_figures_schemas_do_not_replace_other_apps_schemas():
    """OpenAPI schema names are global: the figures' own carry a prefix (a ProgramOut of
    theirs once replaced the programs API's in the document)."""
    from pilar.api import api

    schemas = api.get_openapi_schema()["components"]["schemas"]
    assert "code" in schemas["ProgramOut"]["properties"]
    assert "program_id" in schemas["FiguresProgramOut"]["properties"]
    assert "meanDays" not in str(schemas.get("TurnaroundOut", {}))
    assert "mean_days" in schemas["FiguresTurnaroundOut"]["properties"]
