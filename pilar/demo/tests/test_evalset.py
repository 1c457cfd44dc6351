"""The independent evaluation generator (issue 14): deterministic, every kind of
duplicate present, valid NIKs and KK numbers for the originals, truth consistent."""

from __future__ import annotations

import collections

from pilar.demo import evalset


def test_deterministic_and_every_kind_present():
    a = evalset.generate(400, seed=3)
    b = evalset.generate(400, seed=3)
    assert a.equals(b)
    assert not a.equals(evalset.generate(400, seed=4))
    kinds = collections.Counter(a["kind"])
    assert {k for k, _ in evalset.KINDS} <= set(kinds)
    assert kinds["asli"] > 1200
    assert 0.07 < (len(a) - kinds["asli"]) / kinds["asli"] < 0.16


def test_originals_have_valid_nik_and_kk():
    frame = evalset.generate(300, seed=5)
    originals = frame[frame["kind"] == "asli"]
    assert originals["village_id"].str.startswith("36.71.").all()
    with_nik = originals[originals["nik"].notna()]
    assert len(with_nik) > 0.9 * len(originals)
    for row in with_nik.itertuples():
        nik = row.nik
        assert len(nik) == 16 and nik.isdigit()
        assert nik[:6] == row.village_id.replace(".", "")[:6]  # province, regency, kecamatan
        day = int(nik[6:8]) - (40 if row.sex == "P" else 0)
        assert (day, nik[8:10], nik[10:12]) == (
            row.birth_date.day,
            f"{row.birth_date:%m}",
            f"{row.birth_date:%y}",
        )
        assert len(row.no_kk) == 16 and row.no_kk[:6] == nik[:6]


def test_truth_pairs_are_records_of_one_person():
    frame = evalset.generate(300, seed=6)
    truth = evalset.true_pairs(frame)
    entity = dict(zip(frame["id"], frame["entity"], strict=True))
    assert truth and all(entity[a] == entity[b] and a < b for a, b in truth)
    kinds = evalset.pair_kinds(frame)
    assert set(kinds) == truth
    assert set(kinds.values()) <= {k for k, _ in evalset.KINDS} | {"ketiga"}
    # the "moved" kind really lives in another kelurahan with another KK
    rows = frame.set_index("id")
    for (a, b), kind in kinds.items():
        if kind == "moved":
            assert rows.at[a, "village_id"] != rows.at[b, "village_id"]
            assert rows.at[a, "no_kk"] != rows.at[b, "no_kk"]
