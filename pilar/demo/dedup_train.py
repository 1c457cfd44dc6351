"""Train the linkage model and write `pilar/dedup/model.json`.

    .venv/bin/python -m pilar.demo.dedup_train [--households 6000] [--seed 101]

Deterministic: the same seed gives the same file. Steps, all on a synthetic truth
set (`truthset.generate`, a seed the quality test does not use):

1. u (how often each level occurs among different people): Splink's random
   sampling of record pairs (seeded);
2. m (how often each level occurs among records of one person): Splink's estimate
   from the truth set's `entity` label;
3. two corrections Splink's independence assumption needs (see docs/development/dedup.md):
   the u of the "NIK off only in the serial / kecamatan code" levels is estimated among
   pairs of different people who already agree on name and birth date (namesakes born
   on one day have exactly such NIKs, so random pairs would overstate the evidence), and
   no level's probability is below 1e-6;
4. the prior (probability that two random persons are one) is set so that the
   weight cut at `DEFAULT_THRESHOLD` falls in the middle of the widest gap that keeps
   precision >= 0.995 while maximising F1 on the training set.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from typing import Any

from pilar.dedup import linkage, model_spec
from pilar.demo import truthset

FLOOR = 1e-6
MIN_PRECISION = 0.993  # on the training set; the acceptance test asks 0.99 on another seed
WEAK_NIK_LEVELS = (4, 5)  # indexes in model_spec.FIELDS[nik].levels
DATE_TYPO_NIK_LEVEL = 3


def _fresh_settings() -> dict[str, Any]:
    """The model's structure with neutral starting parameters."""
    s = model_spec.settings("duckdb")
    return s


def train(households: int = 6000, seed: int = 101, log=print) -> dict[str, Any]:
    # Loaded on first use: a heavy library, kept out of start-up.
    import duckdb

    # Loaded on first use: a heavy library, kept out of start-up.
    from splink import DuckDBAPI, Linker

    started = time.time()
    frame = truthset.generate(households, seed=seed)
    log(f"truth set: {len(frame):,} records, {len(truthset.true_pairs(frame)):,} true pairs")
    prepared = linkage.prepare(frame)
    prepared["entity"] = frame["entity"].to_numpy()

    con = duckdb.connect(":memory:")
    db_api = DuckDBAPI(connection=con)
    table = db_api.register(prepared)
    settings = _fresh_settings()
    settings["additional_columns_to_retain"] = []
    linker = Linker(table, settings, log_level=None)
    # Provisional TF lookup (the smoothing uses the exact level's u, trained below).
    linker.training.estimate_u_using_random_sampling(max_pairs=2e7, seed=seed)
    linker.training.estimate_m_from_label_column("entity")
    model = linker.misc.save_model_to_json()
    con.close()

    params = model_spec.parameters(model)
    for f in model_spec.FIELDS:
        levels = params[f.key]
        for i, mu in enumerate(levels):
            if mu is None:
                continue
            m, u = mu
            m = max(float(m if m is not None else FLOOR), FLOOR)
            u = max(float(u if u is not None else FLOOR), FLOOR)
            levels[i] = (m, u)
    for level in (*WEAK_NIK_LEVELS, DATE_TYPO_NIK_LEVEL):  # provisional: conditional u below
        m_weak, _ = params["nik"][level]
        params["nik"][level] = (m_weak, m_weak)

    # Score the training set with these parameters and a neutral prior, then place
    # the cut.
    params["__prior__"] = 0.5
    result = model_spec.settings("duckdb", params)
    linkage.load_model.cache_clear()
    _write(result)
    pairs = linkage.find_pairs(frame, threshold=1e-9)
    truth = truthset.true_pairs(frame)
    # The weak NIK level's u, conditional on name and birth date agreeing: among such
    # pairs of different people (namesakes, born on one day), how often are the NIKs off
    # only in the kecamatan code / serial? Random pairs almost never agree on both, so
    # the unconditional u would count the birth date twice.
    present = [
        p
        for p in pairs
        if (p.id_a, p.id_b) not in truth
        and _level(p, "name") == "sama"
        and _level(p, "birth_date") == "sama persis"
        and _level(p, "nik") != "tidak ada data"
    ]
    if present:
        for level in WEAK_NIK_LEVELS:
            words = model_spec.FIELDS[0].levels[level].words
            share = sum(_level(p, "nik") == words for p in present) / len(present)
            m_weak = params["nik"][level][0]
            params["nik"][level] = (m_weak, max(share, FLOOR))
            log(f"NIK level {words!r}: m {m_weak:.3g}, conditional u {share:.3g}")
    # Likewise the "NIK date digits agree, birth dates do not" level, among different
    # people who agree on name but not on birth date.
    near_dates = [
        p
        for p in pairs
        if (p.id_a, p.id_b) not in truth
        and _level(p, "name") == "sama"
        and _level(p, "birth_date") not in ("sama persis", "tidak ada data")
        and _level(p, "nik") != "tidak ada data"
    ]
    if near_dates:
        words = model_spec.FIELDS[0].levels[DATE_TYPO_NIK_LEVEL].words
        share = sum(_level(p, "nik") == words for p in near_dates) / len(near_dates)
        m_level = params["nik"][DATE_TYPO_NIK_LEVEL][0]
        params["nik"][DATE_TYPO_NIK_LEVEL] = (m_level, max(share, FLOOR))
        log(f"NIK level {words!r}: m {m_level:.3g}, conditional u {share:.3g}")
    params["__prior__"] = 0.5
    _write(model_spec.settings("duckdb", params))
    linkage.load_model.cache_clear()
    pairs = linkage.find_pairs(frame, threshold=1e-9)
    weights = sorted(
        ((_logit2(p.probability), (p.id_a, p.id_b) in truth) for p in pairs), reverse=True
    )
    cut = _best_cut(weights, len(truth))
    threshold_logit = _logit2(linkage.DEFAULT_THRESHOLD)
    prior_logit = threshold_logit - cut
    prior = 1.0 / (1.0 + 2.0 ** (-prior_logit))
    params["__prior__"] = prior
    result = model_spec.settings("duckdb", params)
    # The prior holds for a registry of this size (model_spec.REFERENCE_RECORDS, used by
    # linkage.prior_for; update it when the training set changes size).
    log(f"training records: {len(frame):,}")
    _write(result)
    linkage.load_model.cache_clear()
    quality = truthset.evaluate(linkage.find_pairs(frame), truth)
    log(f"weight cut {cut:.2f} bits, prior {prior:.3g}; training set at threshold: {quality}")
    log(f"done in {time.time() - started:.1f} s -> {linkage.MODEL_PATH}")
    return result


def _level(pair, key: str) -> str:
    return next(e.level for e in pair.evidence if e.field == key)


def _logit2(p: float) -> float:
    p = min(max(p, 1e-300), 1 - 1e-16)
    return math.log2(p / (1 - p))


def _best_cut(weights: list[tuple[float, bool]], n_true: int) -> float:
    """The weight cut (midpoint between two scored pairs) with the best F1 among cuts
    whose precision is at least 0.995."""
    best = (-1.0, 0.0)
    tp = fp = 0
    for i, (w, is_true) in enumerate(weights):
        tp += is_true
        fp += not is_true
        nxt = weights[i + 1][0] if i + 1 < len(weights) else w - 2.0
        if nxt == w:
            continue
        precision = tp / (tp + fp)
        recall = tp / n_true if n_true else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        # prefer wide gaps a little: a cut in a gap of g bits is robust to noise
        score = f1 + 0.0005 * min(w - nxt, 4.0)
        if precision >= MIN_PRECISION and score > best[0]:
            best = (score, (w + nxt) / 2)
    return best[1]


def _write(model: dict[str, Any]) -> None:
    with open(linkage.MODEL_PATH, "w", encoding="utf-8") as fh:
        json.dump(model, fh, indent=2, ensure_ascii=False)
        fh.write("\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=6000)
    parser.add_argument("--seed", type=int, default=101)
    args = parser.parse_args(argv)
    train(args.households, args.seed)


if __name__ == "__main__":
    main()
