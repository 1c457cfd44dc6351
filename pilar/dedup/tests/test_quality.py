"""The acceptance numbers of issue 4, measured on the path production takes: pairwise
precision >= 0.99 and F1 >= 0.97 at DEFAULT_THRESHOLD on a synthetic truth set, with
the parameters estimated on that set itself (`training.fit`, as `score_registry` does
for any registry of MIN_RECORDS persons or more), not with the shipped model.json.

The shipped model was fitted on this generator; until 2026-12-07 this test scored the
set with it and passed only while the generator gave NIK serials 0001, 0002, ... (a
duplicate with "NIK berbeda" then differed from the original in one or two digits).
With realistic serials the shipped model reaches F1 0.954 (seed 2026). The seed below
was not used while the estimation was changed (decision 42).

Known state (2026-12-07): this test FAILS. The registry-trained model reaches
precision about 0.87-0.90 at recall 0.97-0.98 (this seed: P 0.878, R 0.970,
F1 0.922): the false pairs are the truth set's
namesakes (same full name and birth date, an own NIK, another kelurahan). The
generator declares such a pair never to be one person (its "NIK berbeda" duplicates
always share the kelurahan or KK), a dependence between NIK and place that the
Fellegi-Sunter model, which takes fields as independent, cannot express. The bars
are kept; see benchmarks/RESULTS.md.
"""

from __future__ import annotations

import collections

import pytest

from pilar.dedup import linkage, training
from pilar.demo import truthset

SEED = 7373


@pytest.fixture(scope="module")
def scored():
    frame = truthset.generate(1500, seed=SEED)
    prepared = linkage.prepare(frame.drop(columns=["kind", "entity"]))
    model = training.fit(prepared)
    assert model.source == "registry", model.notes
    pairs = linkage.find_pairs(prepared, params=model.params)
    return frame, pairs


@pytest.mark.xfail(
    strict=True,
    reason=(
        "Known quality gap, issue 14 open (module doc): registry-trained precision about "
        "0.88 on the truth set's namesakes with their own NIK elsewhere. Strict: when the "
        "bar is met this test fails until the marker is removed."
    ),
)
def test_precision_and_f1_on_the_truth_set(scored):
    frame, pairs = scored
    truth = truthset.true_pairs(frame)
    assert len(frame) > 5000 and len(truth) > 500
    kinds = collections.Counter(k.split(":")[0] for k in frame["kind"])
    # every kind of record is there: duplicates and each hard negative
    assert {"asli", "duplikat", "kembar", "senama", "anak senama ayah"} <= set(kinds)

    quality = truthset.evaluate(pairs, truth)
    print(quality)
    assert quality.precision >= 0.99, quality
    assert quality.f1 >= 0.97, quality


def test_every_variation_is_found_somewhere(scored):
    """Each listed variation (NIK, name, date, place) is represented among the found
    duplicates, not only among the missed ones."""
    frame, pairs = scored
    kind = dict(zip(frame["id"], frame["kind"], strict=True))
    found_kinds = " ".join(kind[p.id_a] + " " + kind[p.id_b] for p in pairs)
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
