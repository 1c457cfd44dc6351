"""The linkage engine's API: what `find_pairs`, `compare` and `score_registry` return
for small hand-made cases (the variations of the issue and the hard negatives)."""

from __future__ import annotations

import datetime
import time

import pytest

from pilar.conftest import VILLAGE_A, VILLAGE_B
from pilar.dedup import linkage, model_spec
from pilar.dedup.tests.factories import person_in_new_household
from pilar.dedup.types import RECORD_COLUMNS, CandidatePair, PersonRecord

D = datetime.date
V1, V2, V3 = "36.71.01.1001", "36.71.01.1002", "36.71.05.1003"


def rec(id: int, name: str, birth: datetime.date | None, **kw) -> PersonRecord:
    kw.setdefault("sex", "L")
    kw.setdefault("village_id", V1)
    kw.setdefault("birth_place", "Tangerang")
    return PersonRecord(id=id, name=name, birth_date=birth, **kw)


# Strangers scored with every case so that blocking and term frequencies see a crowd.
CROWD = [
    rec(1000 + i, name, D(1950 + i % 50, 1 + i % 12, 1 + i % 28), village_id=v)
    for i, (name, v) in enumerate(
        (n, v)
        for n in (
            "Agus Setiawan",
            "Dewi Lestari",
            "Bambang Irawan",
            "Rina Marlina",
            "Hendra Kurniawan",
            "Yuliani Safitri",
            "Eko Prasetyo",
            "Sri Wahyuni",
        )
        for v in (V1, V2, V3)
    )
]


def pairs_of(records: list[PersonRecord]) -> dict[tuple[int, int], CandidatePair]:
    return {(p.id_a, p.id_b): p for p in linkage.find_pairs([*records, *CROWD])}


def test_exact_nik_duplicate_is_found_with_evidence():
    found = pairs_of(
        [
            rec(1, "Slamet Riyadi", D(1970, 3, 4), nik="3671010403700001"),
            rec(2, "Slamet Riyadi", D(1970, 3, 4), nik="3671010403700001", village_id=V3),
        ]
    )
    pair = found[(1, 2)]
    assert pair.probability >= linkage.DEFAULT_THRESHOLD
    evidence = {e.field: e for e in pair.evidence}
    assert evidence["nik"].level == "sama persis" and evidence["nik"].weight > 10
    assert evidence["name"].label == "Nama"
    assert {e.field for e in pair.evidence} == {f.key for f in model_spec.FIELDS}


def test_nik_typo_with_same_name_and_birth_date():
    found = pairs_of(
        [
            rec(1, "Siti Nurhayati", D(1968, 4, 9), sex="P", nik="3671014904680003"),
            rec(
                2, "Siti Noerhajati", D(1968, 4, 9), sex="P", nik="3671014904860003", village_id=V3
            ),
        ]
    )
    assert (1, 2) in found
    assert {e.field: e.level for e in found[(1, 2)].evidence}["nik"] == "beda 1-2 digit"


@pytest.mark.parametrize(
    ("name_b", "birth_b"),
    [
        ("Moh. Rizki Hidayat", D(1990, 7, 5)),  # Muhammad variant
        ("Muhamad Rizki Hidayat", D(1990, 5, 7)),  # day and month swapped
        ("H. Muhammad Rizki Hidayat, S.Pd.", D(1990, 5, 8)),  # titles + one-digit typo
        ("Hidayat Muhammad Rizki", D(1990, 5, 7)),  # word order
        ("Muhammad Rizki Hidayat bin Sukarta", D(1990, 5, 7)),  # bin
    ],
)
def test_same_person_without_nik_in_the_same_kelurahan(name_b, birth_b):
    found = pairs_of(
        [
            rec(1, "Muhammad Rizki Hidayat", D(1990, 5, 7), nik="3671010705900002"),
            rec(2, name_b, birth_b),
        ]
    )
    assert (1, 2) in found, name_b


def test_same_kk_same_person_other_spelling():
    kk = "3671010101100001"
    found = pairs_of(
        [
            rec(1, "Djoko Soesilo", D(1961, 2, 11), no_kk=kk),
            rec(2, "Joko Susilo", D(1961, 11, 2), no_kk=kk),
        ]
    )
    assert (1, 2) in found


def test_father_and_son_with_one_name_are_not_merged():
    kk = "3671010101100002"
    found = pairs_of(
        [
            rec(1, "Budi Santoso", D(1965, 8, 17), nik="3671011708650003", no_kk=kk),
            rec(2, "Budi Santoso", D(1992, 8, 17), nik="3671011708920001", no_kk=kk),
        ]
    )
    assert (1, 2) not in found


def test_twins_in_one_kk_are_not_merged():
    kk = "3671010101100003"
    found = pairs_of(
        [
            rec(1, "Hasan Saputra", D(2010, 6, 1), nik="3671010106100001", no_kk=kk),
            rec(2, "Husin Saputra", D(2010, 6, 1), nik="3671010106100002", no_kk=kk),
            rec(3, "Putri Lestari", D(2012, 1, 9), sex="P", no_kk=kk),
            rec(4, "Nadia Lestari", D(2012, 1, 9), sex="P", no_kk=kk),
        ]
    )
    assert (1, 2) not in found and (3, 4) not in found


def test_namesakes_in_two_kecamatan_are_not_merged():
    found = pairs_of(
        [
            rec(1, "Agus Salim", D(1980, 1, 1), nik="3671010101800001", village_id=V1),
            rec(2, "Agus Salim", D(1980, 1, 1), nik="3671050101800001", village_id=V3),
        ]
    )
    assert (1, 2) not in found


def test_ids_are_ordered_and_threshold_applies():
    records = [
        rec(9, "Slamet Riyadi", D(1970, 3, 4), nik="3671010403700001"),
        rec(3, "Slamet Riyadi", D(1970, 3, 4), nik="3671010403700001"),
    ]
    all_pairs = linkage.find_pairs([*records, *CROWD], threshold=0.0)
    assert all(p.id_a < p.id_b for p in all_pairs)
    assert len(all_pairs) >= 1
    assert linkage.find_pairs(records[:1]) == []


def test_dataframe_input_gives_the_same_pairs():
    # Loaded on first use: a heavy library, kept out of start-up.
    import pandas as pd

    records = [
        rec(1, "Muhammad Rizki Hidayat", D(1990, 5, 7), nik="3671010705900002"),
        rec(2, "M. Rizki Hidayat", D(1990, 7, 5)),
        *CROWD,
    ]
    frame = pd.DataFrame([{c: getattr(r, c) for c in RECORD_COLUMNS} for r in records])
    assert linkage.find_pairs(frame) == linkage.find_pairs(records)


def test_compare_scores_a_new_person_fast():
    new = rec(0, "Moh. Rizki Hidayat", D(1990, 7, 5))
    target = rec(1, "Muhammad Rizki Hidayat", D(1990, 5, 7), nik="3671010705900002")
    candidates = [target, *CROWD[:19]]
    linkage.compare(new, candidates)  # warm up (imports, model load)
    started = time.perf_counter()
    pairs = linkage.compare(new, candidates)
    elapsed = time.perf_counter() - started
    assert elapsed < 0.3, elapsed
    assert len(pairs) == 20
    best = pairs[0]
    assert (best.id_a, best.id_b) == (0, 1)
    assert best.probability >= linkage.DEFAULT_THRESHOLD
    assert all(p.probability < linkage.DEFAULT_THRESHOLD for p in pairs[1:])
    assert linkage.compare(new, []) == []


def test_compare_accepts_negative_ids():
    pairs = linkage.compare(rec(-5, "Joko Susanto", D(1979, 2, 11)), [rec(7, "Joko Susanto", None)])
    assert (pairs[0].id_a, pairs[0].id_b) == (-5, 7)


@pytest.mark.django_db
def test_score_registry_reads_active_persons_and_drops_excluded(dinsos):

    a = person_in_new_household(
        dinsos, VILLAGE_A, name="Joko Susanto", birth="1979-02-11", nik="3671021102790004"
    )
    b = person_in_new_household(
        dinsos, VILLAGE_A, name="Djoko Soesanto", birth="1979-11-02", nik=None
    )
    c = person_in_new_household(dinsos, VILLAGE_B, name="Siti Aminah", sex="P", birth="1950-01-01")
    d = person_in_new_household(
        dinsos, VILLAGE_B, name="Siti Aminah", sex="P", birth="1950-01-01", nik=None
    )
    messages: list[str] = []
    pairs = linkage.score_registry(progress=messages.append)
    keys = {(p.id_a, p.id_b) for p in pairs}
    ab, cd = tuple(sorted([a.pk, b.pk])), tuple(sorted([c.pk, d.pk]))
    assert ab in keys and cd in keys
    assert messages
    assert {(p.id_a, p.id_b) for p in linkage.score_registry(exclude={ab})} == keys - {ab}
    only_b = linkage.score_registry(village_prefix=VILLAGE_B[:8] + ".")  # one kecamatan
    assert {(p.id_a, p.id_b) for p in only_b} == {cd}
    d.is_active = False
    d.save(update_fields=["is_active"])
    assert cd not in {(p.id_a, p.id_b) for p in linkage.score_registry()}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # no NIK, the year one off across a decade, the family name misspelt
        (("Dadang Nasution", D(1979, 3, 14)), ("Dadang Nasutin", D(1980, 3, 14))),
        # no NIK, the day one off, the family name misspelt
        (("Eko Hamdani", D(1976, 7, 14)), ("Eko Hamani", D(1976, 7, 15))),
    ],
)
def test_a_date_a_day_or_a_year_off_without_nik_reaches_the_reviewers(a, b):
    # Issue 14: such pairs shared no blocking rule (the misspelt word was the one each
    # rule needed) and their dates compared as "berbeda".
    records = [
        rec(1, a[0], a[1], nik=None),
        rec(2, b[0], b[1], nik=None),
    ]
    found = {
        (p.id_a, p.id_b): p
        for p in linkage.find_pairs([*records, *CROWD], threshold=linkage.REVIEW_THRESHOLD)
    }
    assert (1, 2) in found
    levels = {e.field: e.level for e in found[(1, 2)].evidence}
    assert levels["birth_date"] == "selisih 1 hari, atau 1 tahun dengan hari dan bulan sama"


def test_a_date_not_written_as_an_iso_date_counts_as_missing():
    # The date levels do arithmetic on the parts of "YYYY-MM-DD".
    frame = linkage.prepare([rec(1, "Agus", None), rec(2, "Agus", D(1980, 1, 2))])
    assert list(frame["birth_md"]) == [None, "01-02"]
    assert linkage._date_text("14/03/1979") is None
    assert linkage._date_text("1979-03-14T00:00:00") == "1979-03-14"
