"""PSKS, poverty and RTLH, program realisation and SPM recaps: their figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pilar.assessments.actions import create_poverty_assessment, create_rtlh_assessment
from pilar.assessments.criteria import POVERTY_CODES
from pilar.cases import actions as cases
from pilar.core.dates import today
from pilar.figures import refresh
from pilar.programs.models import Enrollment, Program
from pilar.recaps import periods
from pilar.recaps.builders import BY_SLUG, poverty, psks, spm
from pilar.recaps.builders.context import Context
from pilar.recaps.render import render
from pilar.recaps.tests.conftest import pdf_text
from pilar.registry.models import Household
from pilar.testing.houses import GOOD_HOUSE
from pilar.testing.houses import survey as house_survey

pytestmark = pytest.mark.django_db


def ctx(user, code=""):
    return Context(user, periods.resolve_area(user, code), periods.current_month(), today())


def rows(doc, index=0):
    return {tuple(r.stub): r.values for r in doc.tables()[index].rows}


def test_psks_recap_counts_active_workers(city, dinsos):
    doc = psks.build(ctx(dinsos))
    codes = [c for c, _ in periods.city().parts()]
    psm = next(v for k, v in rows(doc).items() if k[0] == "2")
    assert psm[codes.index("36.71.01")] == 2 and psm[codes.index("36.71.02")] == 1
    assert psm[-1] == 3
    tksk = next(v for k, v in rows(doc).items() if k[0] == "11")
    assert tksk[codes.index("36.71.01")] == 1
    assert rows(doc)[("", "Jumlah")][-1] == 4
    # By kelurahan: the TKSK is in the kecamatan-level column.
    kec = psks.build(ctx(dinsos, "36.71.01"))
    header = [c.header for c in kec.tables()[0].columns]
    assert header[-2:] == ["Tingkat kecamatan", "Jumlah"]
    tksk = next(v for k, v in rows(kec).items() if k[0] == "11")
    assert tksk[-2:] == [1, 1]


def test_poverty_recap_per_kelurahan(city, dinsos):
    hh1 = city["hh1"]
    Household.objects.filter(pk=hh1.pk).update(desil=1)
    create_poverty_assessment(
        hh1, acting_user=dinsos, assessed_on=today(), criteria={c: True for c in POVERTY_CODES}
    )
    bad = {**GOOD_HOUSE, "floor_material": "tanah", "wall_condition": "rusak_berat"}
    create_rtlh_assessment(
        house_survey(hh1, today(), **bad), acting_user=dinsos, assessed_on=today()
    )
    refresh.refresh_dirty(wait=True)
    doc = poverty.build(ctx(dinsos))
    table = rows(doc)
    sukarasa = table[("36.71.01.1001", "Sukarasa")]
    # households, d1..d4, d1-4, no desil, assessed, poor, fakir miskin, rtlh assessed, rtlh
    assert sukarasa == [1, 1, 0, 0, 0, 1, 0, 1, 1, 1, 1, 1]
    assert table[("36.71.01", "Jumlah Kec. Tangerang")][0] == 2
    assert table[("", "Jumlah Kota Tangerang")][0] == 3
    text = pdf_text(render(doc, "pdf"))
    assert "Sukarasa" in text and "Jumlah Kec. Tangerang" in text


def test_program_recap_and_scope(city, dinsos, tksk_a):
    program = Program.objects.get(code="tangerang-terang")
    program.year = today().year
    program.budget = Decimal("10000000")
    program.save()
    Enrollment.objects.create(
        program=program,
        period=today().year,
        household=city["hh1"],
        village_id=city["hh1"].village_id,
        status="disalurkan",
        amount=Decimal("1000000"),
        delivered_amount=Decimal("1000000"),
        delivered_on=today(),
    )
    refresh.rebuild()
    doc = BY_SLUG["program"].build(ctx(dinsos))
    table = rows(doc)
    assert (program.name, "Tangerang") in table
    total = table[(program.name, "Jumlah")]
    assert total[2] == 1  # enrolled
    assert total[7] == Decimal("10000000")
    assert not BY_SLUG["program"].allowed(tksk_a)


def test_spm_recap_and_what_the_data_cannot_give(city, dinsos):
    record = city["budi"].ppks_records.get()
    case = cases.open_case(record, acting_user=dinsos, source="kunjungan", assigned_to=dinsos)
    cases.assess_case(case, acting_user=dinsos, needs=["pangan"])
    aid = cases.add_intervention(case, acting_user=dinsos, kind="bantuan", target="sembako")
    cases.record_intervention_result(
        aid, acting_user=dinsos, status="selesai", result_note="diterima"
    )
    # A referral to an institution is not a service outside institutions.
    other = city["rina"].ppks_records.get()
    case2 = cases.open_case(other, acting_user=dinsos, source="kunjungan", assigned_to=dinsos)
    cases.assess_case(case2, acting_user=dinsos, needs=["perumahan"])
    panti = cases.add_intervention(case2, acting_user=dinsos, kind="rujukan_panti", target="Panti")
    cases.record_intervention_result(
        panti, acting_user=dinsos, status="selesai", result_note="diterima"
    )
    doc = spm.build(ctx(dinsos))
    table = rows(doc)
    kec_a = table[("36.71.01", "Tangerang")]
    # Gelandangan dan pengemis (last group): Budi (Pengemis) and Sri (Gelandangan) need it,
    # Budi was served outside an institution.
    assert kec_a[9:12] == [2, 1, 50.0]
    # Lanjut usia terlantar: Mbah Inah, not served.
    assert kec_a[3:6] == [1, 0, 0.0]
    # Rina (kec. B) was referred to a panti: needs it, not served outside institutions.
    assert table[("36.71.02", "Jatiuwung")][9:12] == [1, 0, 0.0]
    text = pdf_text(render(doc, "pdf"))
    assert "korban bencana" in text and "belum dapat dihitung" in text


def test_every_recap_renders_for_a_kecamatan(city, tksk_a):
    for slug in ("ppks", "psks", "kemiskinan", "spm"):
        doc = BY_SLUG[slug].build(ctx(tksk_a))
        assert doc.area_code == "36.71.01"
        assert render(doc, "pdf").startswith(b"%PDF")
        assert render(doc, "xlsx")[:2] == b"PK"
