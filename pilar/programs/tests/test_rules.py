"""The issue's rule examples in the builder's JSON, evaluated against hand-built
households; every field family; the refusals of bad rules."""

from __future__ import annotations

import copy
import datetime

import pytest

from pilar.conftest import VILLAGE_A, VILLAGE_B
from pilar.core.errors import InvalidInput
from pilar.ppks.models import PpksRecord, PpksType
from pilar.programs import rules
from pilar.programs.seed import (
    BEDAH_RUMAH_RULE,
    TANGERANG_CERDAS_RULE,
    TANGERANG_TERANG_RULE,
)
from pilar.programs.tests.factories import child, head, household, poverty, rtlh, survey
from pilar.registry.models import Household, Person

REF = datetime.date(2025, 7, 1)


def hh_ids(rule, user):
    return set(rules.matching(rule, "keluarga", user, REF).values_list("pk", flat=True))


def person_names(rule, user):
    return set(rules.matching(rule, "individu", user, REF).values_list("name", flat=True))


def cond(field, operator, value):
    return {"op": "and", "rules": [{"field": field, "operator": operator, "value": value}]}


# The examples -------------------------------------------------------------


def test_bedah_rumah_rule(dinsos):
    # Eligible: RTLH, poor by assessment, own land.
    a = household(dinsos, land_status="milik_sendiri")
    rtlh(dinsos, a)
    poverty(dinsos, a, poor=True)
    # Eligible: RTLH, not assessed poor but desil 3, own land.
    b = household(dinsos, land_status="milik_sendiri", desil=3)
    rtlh(dinsos, b)
    # Not: RTLH and poor but land not owned.
    c = household(dinsos, land_status="milik_orang_lain")
    rtlh(dinsos, c)
    poverty(dinsos, c, poor=True)
    # Not: house fine (latest RTLH assessment passed after an earlier failed one).
    d = household(dinsos, land_status="milik_sendiri", desil=1)
    rtlh(dinsos, d, bad=True, on=datetime.date(2024, 1, 5))
    rtlh(dinsos, d, bad=False, on=datetime.date(2025, 2, 1))
    # Not: RTLH, own land, but assessed not poor and desil 7.
    e = household(dinsos, land_status="milik_sendiri", desil=7)
    rtlh(dinsos, e)
    poverty(dinsos, e, poor=False)
    # Not: never assessed for RTLH.
    f = household(dinsos, land_status="milik_sendiri", desil=1)
    poverty(dinsos, f, poor=True)

    assert hh_ids(BEDAH_RUMAH_RULE, dinsos) == {a.pk, b.pk}


def test_bedah_rumah_uses_latest_poverty_assessment(dinsos):
    hh = household(dinsos, land_status="milik_sendiri", desil=8)
    rtlh(dinsos, hh)
    poverty(dinsos, hh, poor=True, on=datetime.date(2024, 1, 1))
    poverty(dinsos, hh, poor=False, on=datetime.date(2025, 3, 1))
    assert hh_ids(BEDAH_RUMAH_RULE, dinsos) == set()


def test_tangerang_cerdas_rule(dinsos):
    poor = household(
        dinsos,
        members=[
            head(),
            child("Anak SD", "2016-02-01", "belum_tamat_sd"),  # 9
            child("Anak SMP", "2011-08-15", "sd"),  # 13
            child("Anak Lulus SMA", "2007-01-01", "sma"),  # 18, finished SMA
            child("Anak Balita", "2021-05-05", "tidak_sekolah"),  # 4
            child("Anak Dewasa", "2005-01-01", "smp"),  # 20
            child("Tepat Enam", "2019-07-01", "tidak_sekolah"),  # 6 today
            child("Hampir Enam", "2019-07-02", "tidak_sekolah"),  # 5 until tomorrow
        ],
    )
    poverty(dinsos, poor, poor=True)
    household(dinsos, desil=2, members=[head("Ayah Dua"), child("Anak Desil", "2012-01-01", "sd")])
    rich = household(
        dinsos, desil=9, members=[head("Ayah Tiga"), child("Anak Mampu", "2012-01-01", "sd")]
    )
    poverty(dinsos, rich, poor=False)
    died = household(
        dinsos, desil=1, members=[head("Ayah Empat"), child("Anak Almarhum", "2012-01-01", "sd")]
    )
    Person.objects.filter(name="Anak Almarhum").update(life_status="meninggal")
    assert died.pk

    assert person_names(TANGERANG_CERDAS_RULE, dinsos) == {
        "Anak SD",
        "Anak SMP",
        "Tepat Enam",
        "Anak Desil",
    }


def test_tangerang_terang_rule_reads_latest_survey(dinsos):
    shared = household(dinsos, desil=2)
    survey(shared, datetime.date(2024, 1, 1), lighting_source="pln_meteran")
    survey(shared, datetime.date(2025, 1, 1), lighting_source="pln_tanpa_meteran")
    fixed = household(dinsos, desil=2)
    survey(fixed, datetime.date(2024, 1, 1), lighting_source="bukan_listrik")
    survey(fixed, datetime.date(2025, 1, 1), lighting_source="pln_meteran")
    never = household(dinsos, desil=1)
    assert never.pk
    assert hh_ids(TANGERANG_TERANG_RULE, dinsos) == {shared.pk}


# Field families --------------------------------------------------------------------


def test_household_fields(dinsos, household_a, household_b):
    big = household(
        dinsos,
        VILLAGE_A,
        members=[head(), child("Satu", "2010-01-01"), child("Dua", "2012-01-01")],
        house_ownership="kontrak_sewa",
    )
    assert hh_ids(cond("member_count", "gte", 3), dinsos) == {big.pk}
    assert hh_ids(cond("member_count", "between", [1, 1]), dinsos) == {
        household_a.pk,
        household_b.pk,
    }
    assert hh_ids(cond("house_ownership", "eq", "kontrak_sewa"), dinsos) == {big.pk}
    assert hh_ids(cond("kecamatan", "eq", "36.71.02"), dinsos) == {household_b.pk}
    assert hh_ids(cond("kecamatan", "not_in", ["36.71.02"]), dinsos) == {household_a.pk, big.pk}
    assert hh_ids(cond("kelurahan", "in", [VILLAGE_B]), dinsos) == {household_b.pk}


def test_survey_area_per_person(dinsos, household_a, household_b):
    survey(household_a, floor_area_m2=20, occupants=4)  # 5 m² each
    survey(household_b, floor_area_m2=36, occupants=4)  # 9 m² each
    assert hh_ids(cond("survey_area_per_person", "lt", 7.2), dinsos) == {household_a.pk}
    assert hh_ids(cond("survey_area_per_person", "gte", 9), dinsos) == {household_b.pk}


def test_ppks_fields(dinsos):

    hh = household(dinsos, members=[head(), child("Anak Jalanan", "2012-01-01")])
    other = household(dinsos)
    kid = Person.objects.get(name="Anak Jalanan")
    PpksRecord.objects.create(
        ppks_type=PpksType.objects.get(number=4),
        person=kid,
        household=hh,
        date_found=datetime.date(2025, 1, 1),
    )
    assert hh_ids(cond("household_ppks", "in", [4, 2]), dinsos) == {hh.pk}
    assert hh_ids(cond("household_ppks", "not_in", [4]), dinsos) == {other.pk}
    assert person_names(cond("person_ppks", "in", [4]), dinsos) == {"Anak Jalanan"}


def test_person_fields(dinsos):
    household(
        dinsos,
        desil=3,
        members=[
            head("Pak Tua", "1950-01-01"),
            {
                **child("Ibu Difabel", "1980-01-01", "sma", sex="P"),
                "relation": "istri",
                "disabilities": ["fisik"],
                "occupation": "Buruh cuci",
            },
        ],
    )
    assert person_names(cond("age", "gte", 60), dinsos) == {"Pak Tua"}
    assert person_names(cond("sex", "eq", "P"), dinsos) == {"Ibu Difabel"}
    assert person_names(cond("disabilities", "in", ["fisik", "mental"]), dinsos) == {"Ibu Difabel"}
    assert person_names(cond("disabilities", "not_in", ["fisik"]), dinsos) == {"Pak Tua"}
    assert person_names(cond("occupation", "contains", "buruh"), dinsos) == {"Ibu Difabel"}
    assert person_names(cond("relation", "eq", "kepala"), dinsos) == {"Pak Tua"}
    # A household field applied to a person program: the person's household.
    assert person_names(cond("desil", "lte", 4), dinsos) == {"Pak Tua", "Ibu Difabel"}


def test_or_group_and_nesting(dinsos):
    a = household(dinsos, desil=1)
    b = household(dinsos, desil=9, house_ownership="kontrak_sewa")
    household(dinsos, desil=9)
    rule = {
        "op": "or",
        "rules": [
            {"field": "desil", "operator": "eq", "value": 1},
            {
                "op": "and",
                "rules": [
                    {"field": "desil", "operator": "gte", "value": 8},
                    {"field": "house_ownership", "operator": "in", "value": ["kontrak_sewa"]},
                ],
            },
        ],
    }
    assert hh_ids(rule, dinsos) == {a.pk, b.pk}


def test_empty_rule_selects_all_in_area(psm_a, dinsos, household_a, household_b):
    assert hh_ids({"op": "and", "rules": []}, psm_a) == {household_a.pk}


# Refusals --------------------------------------------------------------------------


def refused(rule, level="keluarga") -> list[str]:
    with pytest.raises(InvalidInput) as exc:
        rules.compile_rule(rule, level, REF)
    return exc.value.errors["rule"]


def test_unknown_field_names_its_position():
    rule = copy.deepcopy(BEDAH_RUMAH_RULE)
    rule["rules"][1]["rules"][1]["field"] = "penghasilan"
    assert refused(rule) == ["Syarat 2.2: kolom 'penghasilan' tidak dikenal."]


def test_operator_not_allowed_for_type():
    messages = refused(cond("land_status", "lt", "milik_sendiri"))
    assert messages[0].startswith("Syarat 1: operator 'lt' tidak boleh dipakai untuk 'Status lahan")
    assert refused(cond("poor", "eq", True))[0].startswith("Syarat 1: operator 'eq'")
    assert "tidak boleh" in refused(cond("age", "contains", "1"), "individu")[0]


@pytest.mark.parametrize(
    ("field", "operator", "value", "expected"),
    [
        ("desil", "lte", "empat", "harus berupa angka"),
        ("desil", "lte", True, "harus berupa angka"),
        ("desil", "lte", 11, "paling besar 10"),
        ("desil", "lte", 2.5, "bilangan bulat"),
        ("desil", "between", [5, 2], "batas bawah lebih besar"),
        ("desil", "between", 3, "dua angka"),
        ("land_status", "eq", "milik_tetangga", "tidak dikenal"),
        ("land_status", "in", [], "paling sedikit satu"),
        ("land_status", "in", "milik_sendiri", "paling sedikit satu"),
        ("household_ppks", "in", [99], "tidak dikenal"),
        ("poor", "is", "ya", "ya (true) atau tidak (false)"),
    ],
)
def test_wrong_value_type(db, field, operator, value, expected):
    messages = refused(cond(field, operator, value))
    assert len(messages) == 1 and messages[0].startswith("Syarat 1: ")
    assert expected in messages[0]


def test_text_value_for_person_fields(db):
    assert "teks yang tidak kosong" in refused(cond("occupation", "eq", 5), "individu")[0]
    assert "harus berupa angka" in refused(cond("age", "gte", "enam"), "individu")[0]


def test_person_field_refused_for_household_program():
    assert refused(cond("age", "gte", 6)) == [
        "Syarat 1: kolom 'Usia (tahun, pada tanggal acuan)' hanya untuk program sasaran individu."
    ]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ([], "Aturan: harus berupa grup"),
        ({"op": "xor", "rules": []}, "penghubung grup"),
        ({"op": "and", "rules": {"field": "desil"}}, "harus berupa daftar"),
        ({"op": "and", "rules": [{"op": "or", "rules": []}]}, "Syarat 1: grup kosong"),
        ({"op": "and", "rules": ["desil <= 4"]}, "Syarat 1: harus berupa syarat atau grup"),
        ({"op": "and", "rules": [{"field": "desil", "operator": "lte"}]}, "belum diisi"),
        (
            {"op": "and", "rules": [{"field": "desil", "operator": "lte", "value": 4, "sql": "x"}]},
            "kunci tidak dikenal: sql",
        ),
        (
            {
                "op": "and",
                "rules": [
                    {
                        "op": "or",
                        "rules": [
                            {
                                "op": "and",
                                "rules": [
                                    {
                                        "op": "or",
                                        "rules": [
                                            {
                                                "op": "and",
                                                "rules": [
                                                    {
                                                        "op": "or",
                                                        "rules": [
                                                            {
                                                                "field": "desil",
                                                                "operator": "lte",
                                                                "value": 4,
                                                            }
                                                        ],
                                                    }
                                                ],
                                            }
                                        ],
                                    }
                                ],
                            }
                        ],
                    }
                ],
            },
            "bersarang paling dalam",
        ),
    ],
)
def test_bad_nesting(db, rule, expected):
    messages = refused(rule)
    assert any(expected in m for m in messages), messages


def test_all_errors_reported_together():
    rule = {
        "op": "and",
        "rules": [
            {"field": "nope", "operator": "eq", "value": 1},
            {"field": "desil", "operator": "lte", "value": "x"},
        ],
    }
    messages = refused(rule)
    assert [m.split(":")[0] for m in messages] == ["Syarat 1", "Syarat 2"]


def test_injection_attempt_is_only_a_value(dinsos, household_a):
    # Text values are lookup parameters, never SQL.
    rule = cond("occupation", "contains", "'; DROP TABLE registry_person; --")
    assert set(rules.matching(rule, "individu", dinsos, REF)) == set()
    assert Household.objects.filter(pk=household_a.pk).exists()


def test_registry_lists_types_operators_and_choices(db):
    reg = {f["key"]: f for f in rules.registry()}
    assert reg["desil"]["type"] == "number"
    assert [o["key"] for o in reg["poor"]["operators"]] == ["is"]
    assert {"value": "milik_sendiri", "label": "Milik sendiri"} in reg["land_status"]["choices"]
    assert len(reg["kecamatan"]["choices"]) == 13
    assert "age" not in {f["key"] for f in rules.registry("keluarga")}


def test_describe():
    text = rules.describe(BEDAH_RUMAH_RULE, "keluarga")
    assert text.startswith("RTLH (asesmen RTLH terakhir) adalah ya DAN (Miskin")
    assert "ATAU Desil nasional (1 = termiskin) paling banyak (≤) 4" in text
