"""The acceptance numbers of issue 4: on a synthetic truth set (a seed the model was
not trained on), pairwise precision >= 0.99 and F1 >= 0.97 at DEFAULT_THRESHOLD."""

from __future__ import annotations

import collections

import pytest

from pilar.dedup import linkage
from pilar.demo import truthset


def test_precision_and_f1_on_the_truth_set():
    frame = truthset.generate(1500, seed=2026)
    truth = truthset.true_pairs(frame)
    assert len(frame) > 5000 and len(truth) > 500
    kinds = collections.Counter(k.split(":")[0] for k in frame["kind"])
    # every kind of record is there: duplicates and each hard negative
    assert {"asli", "duplikat", "kembar", "senama", "anak senama ayah"} <= set(kinds)

    pairs = linkage.find_pairs(frame)
    quality = truthset.evaluate(pairs, truth)
    print(quality)
    assert quality.precision >= 0.99, quality
    assert quality.f1 >= 0.97, quality


def test_every_variation_is_found_somewhere():
    """Each listed variation (NIK, name, date, place) is represented among the found
    duplicates, not only among the missed ones."""
    frame = truthset.generate(1500, seed=2026)
    pairs = linkage.find_pairs(frame)
    kind = dict(zip(frame["id"], frame["kind"], strict=True))
    found_kinds = " ".join(kind[p.id_a] + " " + kind[p.id_b] for p in pairs if p.probability >= 0)
    for variation in (
        "NIK sama",
        "NIK salah ketik",
        "tanpa NIK",
        "NIK berbeda",
        "muhammad",
        "ejaan lama",
        "gelar",
        "bin/binti",
        "urutan kata",
        "satu kata",
        "salah ketik",
        "hari-bulan tertukar",
        "salah ketik tanggal",
        "digit hari tertukar",
        "KK sama",
        "kelurahan sama",
        "kelurahan lain",
    ):
        assert variation in found_kinds, variation
