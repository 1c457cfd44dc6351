"""Rekapitulasi PPKS: the counts per type, sex and kecamatan/kelurahan come from the
figures, restricted types are hidden from roles without health-data rights with the
hidden count said, and a year earlier comes from that month's snapshot."""

from __future__ import annotations

import datetime

import pytest

from pilar.conftest import DISTRICT_A
from pilar.core.dates import today
from pilar.figures import refresh, snapshots
from pilar.recaps import periods
from pilar.recaps.builders import ppks
from pilar.recaps.builders.context import Context
from pilar.recaps.render import render
from pilar.recaps.tests.conftest import find_row, pdf_text, xlsx_rows

pytestmark = pytest.mark.django_db


def ctx(user, code="", month=None):
    area = periods.resolve_area(user, code)
    return Context(user, area, month or periods.current_month(), today())


def table(doc, index):
    return {tuple(r.stub): r for r in doc.tables()[index].rows}


def test_city_recap_counts_by_type_and_sex(city, dinsos):
    doc = ppks.build(ctx(dinsos))
    t1 = table(doc, 0)
    # Pengemis: Budi (L, kec. A) and Rina (P, kec. B).
    assert t1[("12", "Pengemis")].values[:3] == [1, 1, 2]
    assert t1[("11", "Gelandangan")].values[:3] == [0, 1, 1]
    # Fakir Miskin is household-level: no sex, counted in the total only.
    assert t1[("24", "Fakir Miskin")].values[:3] == [0, 0, 1]
    # Dinas Sosial sees the restricted type.
    odha = next(r for k, r in t1.items() if k[0] == "16")
    assert odha.values[:3] == [1, 0, 1]
    assert t1[("", "Jumlah")].values[:3] == [2, 3, 6]
    # No snapshot a year earlier: the comparison is empty, and the note says why.
    assert t1[("12", "Pengemis")].values[3:] == [None, None]
    assert any("Belum ada potret" in n for n in doc.tables()[0].notes)
    # Table 2: per kecamatan.
    t2 = table(doc, 1)
    codes = [c for c, _ in periods.city().parts()]
    pengemis = t2[("12", "Pengemis")].values
    assert pengemis[codes.index("36.71.01")] == 1
    assert pengemis[codes.index("36.71.02")] == 1
    assert pengemis[-1] == 2
    # Table 3: per kecamatan and sex.
    t3 = table(doc, 2)
    assert t3[("36.71.01", "Tangerang")].values[:4] == [1, 2, 1, 4]
    assert t3[("36.71.02", "Jatiuwung")].values[:4] == [1, 1, 0, 2]


def test_restricted_type_hidden_for_leader_with_count(city, pimpinan):
    doc = ppks.build(ctx(pimpinan))
    t1 = table(doc, 0)
    odha = next(r for k, r in t1.items() if k[0] == "16")
    assert set(odha.values) == {"terbatas"}
    assert t1[("", "Jumlah")].values[:3] == [1, 3, 5]
    # One hidden record: said as "fewer than 5", so a small area singles nobody out.
    assert "tidak termasuk kurang dari 5 data kesehatan terbatas" in doc.tables()[0].notes[0]
    text = pdf_text(render(doc, "pdf"))
    assert "terbatas" in text and "kurang dari 5 data" in text


def test_kecamatan_recap_by_kelurahan_for_tksk(city, tksk_a):
    doc = ppks.build(ctx(tksk_a))
    assert doc.area_code == DISTRICT_A
    t3 = table(doc, 2)
    assert t3[("36.71.01.1001", "Sukarasa")].values[3] == 3  # Budi, Sri, Fakir Miskin
    assert t3[("36.71.01.1002", "Sukaasih")].values[3] == 1  # Mbah Inah
    assert t3[("", "Jumlah")].values[3] == 4
    # Kecamatan B's records are not in it.
    assert table(doc, 0)[("12", "Pengemis")].values[:3] == [1, 0, 1]


def test_year_earlier_from_snapshot(city, dinsos):
    month = periods.current_month()
    earlier = datetime.date(month.year - 1, month.month, 1)
    snapshots._freeze_kept(earlier, refresh.state())
    doc = ppks.build(ctx(dinsos))
    t1 = table(doc, 0)
    assert t1[("12", "Pengemis")].values[3:] == [2, 0]
    assert doc.tables()[0].columns[1].header.endswith(f"{earlier.year}")


def test_files_carry_the_figures(city, dinsos):
    doc = ppks.build(ctx(dinsos))
    sheets = xlsx_rows(render(doc, "xlsx"))
    first = sheets[next(iter(sheets))]
    assert find_row(first, "12", "Pengemis")[2:5] == [1.0, 1.0, 2.0]
    assert "Wilayah: Kota Tangerang (kode 36.71)" in [c for r in first for c in r]
    # The wide L/P detail is a fourth sheet (XLSX only).
    assert len(sheets) == 4
    text = pdf_text(render(doc, "pdf"))
    assert "REKAPITULASI PEMERLU PELAYANAN KESEJAHTERAAN SOSIAL (PPKS)" in text
    assert "Pengemis" in text and "Tabel 4" not in text.split("Rincian")[0]
