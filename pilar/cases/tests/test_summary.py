"""The "PPKS handled and reduced" figures on hand-built data."""

import io

import pytest
from python_calamine import CalamineWorkbook

from pilar.cases import actions, stats
from pilar.conftest import VILLAGE_A, VILLAGE_A2, VILLAGE_B

from .helpers import FAKIR_MISKIN, days_ago, household_record, person_record

pytestmark = pytest.mark.django_db


def build(dinsos):
    """Kec. 36.71.01: one overdue open, one fresh open, one resolved, one referred;
    Kec. 36.71.02: one died, and one resolved long before the period."""

    def case(record, intake, **kw):
        return actions.open_case(record, acting_user=dinsos, source="laporan",
                                 intake_date=days_ago(intake), followup_days=30, **kw)  # fmt: skip

    case(person_record(dinsos, VILLAGE_A), 40)
    case(household_record(dinsos, VILLAGE_A2), 3)
    c = case(person_record(dinsos, VILLAGE_A), 60)
    actions.close_case(c, acting_user=dinsos, outcome="terentaskan", closed_on=days_ago(5))
    c = case(household_record(dinsos, VILLAGE_A2), 60)
    actions.close_case(
        c, acting_user=dinsos, outcome="dirujuk", closed_on=days_ago(4), note="Panti"
    )
    c = case(person_record(dinsos, VILLAGE_B), 60)
    actions.close_case(c, acting_user=dinsos, outcome="meninggal", closed_on=days_ago(3))
    c = case(person_record(dinsos, VILLAGE_B, found=days_ago(400)), 300)
    actions.close_case(c, acting_user=dinsos, outcome="terentaskan", closed_on=days_ago(200))


def test_summary_per_kecamatan(dinsos, django_assert_num_queries):
    build(dinsos)
    with django_assert_num_queries(1):
        rows, total = stats.summary(dinsos, "kecamatan", days_ago(30), days_ago(0))
    by = {r.key: r for r in rows}
    a, b = by["36.71.01"], by["36.71.02"]
    assert (a.open, a.overdue, a.closed_total, a.reduced) == (2, 1, 2, 1)
    assert a.closed["terentaskan"] == 1 and a.closed["dirujuk"] == 1
    assert (b.open, b.overdue, b.closed_total, b.reduced) == (0, 0, 1, 1)
    assert b.closed["meninggal"] == 1 and b.closed["terentaskan"] == 0  # old one outside the period
    assert (total.open, total.overdue, total.closed_total, total.reduced) == (2, 1, 3, 2)
    rows, total = stats.summary(dinsos, "kecamatan", days_ago(365), days_ago(0))
    assert total.closed["terentaskan"] == 2


def test_summary_per_type_and_scope(dinsos, psm_b, tksk_a):
    build(dinsos)
    rows, _ = stats.summary(dinsos, "jenis", days_ago(30), days_ago(0))
    by = {r.key: r for r in rows}
    assert (
        by[12].open == 1 and by[12].closed["terentaskan"] == 1 and by[12].closed["meninggal"] == 1
    )
    assert by[FAKIR_MISKIN].open == 1 and by[FAKIR_MISKIN].closed["dirujuk"] == 1
    # A TKSK sees their kecamatan only.
    rows, total = stats.summary(tksk_a, "kecamatan", days_ago(30), days_ago(0))
    assert [r.key for r in rows] == ["36.71.01"] and total.open == 2


def test_summary_page_and_export(client, dinsos, psm_b):
    build(dinsos)
    client.force_login(psm_b)
    body = client.get("/penanganan/ringkasan/").content.decode()
    assert 'data-key="36.71.02"' in body and 'data-key="36.71.01"' not in body
    client.force_login(dinsos)
    start = days_ago(30).isoformat()
    body = client.get(f"/penanganan/ringkasan/?per=jenis&dari={start}").content.decode()
    assert 'data-key="12"' in body and 'data-key="24"' in body
    response = client.get(f"/penanganan/ringkasan/unduh/?dari={start}")
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0][:3] == ["Kecamatan", "Kasus berjalan", "Terlambat tindak lanjut"]
    assert rows[-1][0] == "Jumlah" and rows[-1][1] == 2.0 and rows[-1][-1] == 2.0
