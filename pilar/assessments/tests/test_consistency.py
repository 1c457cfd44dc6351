"""Consistency watch: active PPKS records whose person no longer fits the type's
rules today, computed in one query."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pilar.assessments.consistency import ConsistencyFilter, consistency_for, reasons
from pilar.assessments.tests.conftest import person, years_ago
from pilar.conftest import VILLAGE_B, make_household
from pilar.core.dates import today
from pilar.ppks.actions import create_ppks_record, end_ppks_record
from pilar.registry.models import Person

pytestmark = pytest.mark.django_db


def record(user, member, number, found=None, **data):
    return create_ppks_record(
        acting_user=user,
        data={"ppks_type": number, "person": member, "date_found": found or today(), **data},
    )


@pytest.fixture
def cases(dinsos):
    """A household with one fitting and several no-longer-fitting records."""
    hh = make_household(
        dinsos,
        members=[
            person("Ibu Kepala", "P", years_ago(40), "kepala"),
            person("Anak Sudah Besar", "L", years_ago(19, days=10)),
            person("Anak Kecil", "P", years_ago(10)),
            person("Nenek Koreksi", "P", years_ago(70), "orang_tua"),
            person("Perempuan Rawan", "P", years_ago(35), "famili_lain"),
        ],
    )
    m = {p.name: p for p in hh.members.all()}
    # Anak Terlantar (6-18): found a year ago when 18; now 19.
    grown = record(dinsos, m["Anak Sudah Besar"], 2, found=today() - datetime.timedelta(days=365))
    fits = record(dinsos, m["Anak Kecil"], 2)
    # Lanjut Usia (>= 60), then the birth date is corrected to 55 years ago.
    elder = record(dinsos, m["Nenek Koreksi"], 8)
    Person.objects.filter(pk=m["Nenek Koreksi"].pk).update(birth_date=years_ago(55))
    # PRSE (female 18-59), then the sex is corrected to male.
    prse = record(dinsos, m["Perempuan Rawan"], 23)
    Person.objects.filter(pk=m["Perempuan Rawan"].pk).update(sex="L")
    # A record that was ended is not watched even if it no longer fits.
    ended = record(dinsos, m["Ibu Kepala"], 23)
    end_ppks_record(ended, acting_user=dinsos, ended_on=today(), reason="pindah")
    Person.objects.filter(pk=m["Ibu Kepala"].pk).update(birth_date=years_ago(70))
    return {"grown": grown, "fits": fits, "elder": elder, "prse": prse, "ended": ended, "hh": hh}


def test_lists_exactly_the_broken_records(cases, dinsos):
    rows = {r.pk: r for r in consistency_for(dinsos, ConsistencyFilter(), today())}
    assert set(rows) == {cases["grown"].pk, cases["elder"].pk, cases["prse"].pk}

    grown = rows[cases["grown"].pk]
    assert grown.age_now == 19 and grown.too_old and not grown.too_young
    assert reasons(grown) == ["Usia sekarang 19 tahun; Anak Terlantar hanya untuk usia 6–18 tahun."]

    elder = rows[cases["elder"].pk]
    assert elder.age_now == 55 and elder.too_young
    assert "usia 60 tahun ke atas" in reasons(elder)[0]

    prse = rows[cases["prse"].pk]
    assert prse.wrong_sex and not (prse.too_old or prse.too_young)
    assert reasons(prse) == [
        "Jenis kelamin tercatat laki-laki; Perempuan Rawan Sosial Ekonomi hanya untuk perempuan."
    ]


def test_birthday_boundary(dinsos):
    """18 until the day before the 19th birthday; 19 on it."""
    hh = make_household(
        dinsos,
        members=[
            person("Kepala", "L", years_ago(40), "kepala"),
            person("Besok Ulang Tahun", "L", years_ago(19, days=-1)),
            person("Hari Ini Ulang Tahun", "L", years_ago(19)),
        ],
    )
    m = {p.name: p for p in hh.members.all()}
    found = today() - datetime.timedelta(days=300)
    tomorrow = record(dinsos, m["Besok Ulang Tahun"], 2, found=found)
    birthday = record(dinsos, m["Hari Ini Ulang Tahun"], 2, found=found)
    ids = set(consistency_for(dinsos, ConsistencyFilter(), today()).values_list("pk", flat=True))
    assert birthday.pk in ids and tomorrow.pk not in ids


def test_prse_too_old_and_dead_person(cases, dinsos):
    hh = cases["hh"]
    kid = hh.members.get(name="Anak Kecil")
    Person.objects.filter(pk=kid.pk).update(life_status="meninggal")
    rows = {r.pk: r for r in consistency_for(dinsos, ConsistencyFilter(masalah="status"), today())}
    assert list(rows) == [cases["fits"].pk]
    assert reasons(rows[cases["fits"].pk]) == [
        "Individu berstatus meninggal; data PPKS masih aktif."
    ]


def test_filters(cases, dinsos):
    def ids(**kw):
        flt = ConsistencyFilter(**kw)
        return set(consistency_for(dinsos, flt, today()).values_list("pk", flat=True))

    assert ids(ppks_type=8) == {cases["elder"].pk}
    assert ids(masalah="jenis_kelamin") == {cases["prse"].pk}
    assert ids(masalah="usia") == {cases["grown"].pk, cases["elder"].pk}
    assert ids(kecamatan="36.71.02") == set()
    assert ids(kelurahan="36.71.01.1001") == {
        cases["grown"].pk,
        cases["elder"].pk,
        cases["prse"].pk,
    }


def test_scoped(cases, psm_a, psm_b, tksk_a, mitra):
    assert consistency_for(psm_a, ConsistencyFilter(), today()).count() == 3
    assert consistency_for(tksk_a, ConsistencyFilter(), today()).count() == 3
    assert consistency_for(psm_b, ConsistencyFilter(), today()).count() == 0
    assert consistency_for(mitra, ConsistencyFilter(), today()).count() == 0


def test_one_query_for_a_page(cases, dinsos):
    make_household(dinsos, VILLAGE_B)
    with CaptureQueriesContext(connection) as ctx:
        rows = list(consistency_for(dinsos, ConsistencyFilter(), today())[:25])
        texts = [reasons(r) for r in rows]
    assert len(rows) == 3 and all(texts)
    assert len(ctx.captured_queries) == 1
    assert "AGE(" in ctx.captured_queries[0]["sql"]
