"""Parameters estimated on the registry being scored (issue 14), the way Splink is
meant to be used, with the shipped model (`model.json`) as the fallback.

`fit(prepared)` returns a `Model`: the m/u per comparison level and the prior, in the
shape of `model_spec.parameters`, estimated from the records themselves:

1. **u** (how often a level occurs among different people): Splink's random sampling
   of record pairs (seeded, so a registry gives the same model each time);
2. **the prior** (probability that two random records are one person): Splink's count
   of the pairs deterministic rules call certain (same NIK; same normalised name and
   birth date), divided by their assumed recall;
3. **m** (how often a level occurs among records of one person): expectation-
   maximisation over several blocking passes, each estimating the comparisons it does
   not block on (NIK; name + birth date; kelurahan + name), Splink taking the median.
   No pass blocks on the household (KK, or kelurahan + birth date): there the
   different people are siblings and twins who agree on all but the name and NIK,
   EM's "match" class absorbs them and m of "name / NIK different" grows tenfold
   (decision 42, `EM_PASSES`);
4. **the NIK's dependence on the birth date**: a NIK contains the birth date, so among
   people who already agree on given name and birth date "NIK off only in the serial
   or kecamatan code" is far commoner than among random pairs. The u of those NIK
   levels is re-estimated in that block (and of "NIK date digits agree, birth dates do
   not" among pairs sharing given name and birth year), weighting each pair by the
   model's own probability that it is *not* a match (the u-step of EM, restricted to
   the one comparison that needs it);
5. **reviewers' labels** (`labels`: pairs the office decided "same person" or
   "different people") refine m: the share of the decided-same pairs reaching each
   level is blended with the EM estimate, the EM estimate counting as
   `LABEL_PSEUDO_PAIRS` labelled pairs (`refine_with_labels`). Decided-different pairs
   are not random pairs, so they do not touch u; they and the decided-same pairs
   calibrate the probabilities instead (`calibrate_with_labels`, applied by
   `linkage.calibrate`).

A level the registry never shows (no m or u after training) keeps the shipped value;
a registry with fewer than `MIN_RECORDS` records (or too few pairs in the EM blocks)
is scored with the shipped model.
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pilar.dedup import model_spec

if TYPE_CHECKING:
    import pandas as pd

logger = logging.getLogger(__name__)

# Below this many records the estimates are too noisy: use the shipped model.
MIN_RECORDS = 2_000
# Random pairs for u: enough that a level seen in 1 of 10^6 random pairs has a count.
U_MAX_PAIRS = 5e6
U_MIN_PAIRS = 3e5
# EM on at most this many blocked pairs per pass (Splink samples records to get there).
EM_MAX_PAIRS = 2e6
# Deterministic rules for the prior and their assumed recall: same NIK, or the same
# normalised name and birth date, finds most duplicates but not those with a missing NIK
# and a name variant or date slip.
PRIOR_RULES: tuple[tuple[str, ...], ...] = (("nik",), ("name_fold", "birth_date"))
PRIOR_RULES_RECALL = 0.7
# EM blocking passes: each estimates the comparisons whose columns it does not use.
# A pass cannot learn a comparison whose evidence it blocks away, and learns a level
# only if the pairs reaching it can be told apart by the other fields. EM's two classes
# are "agree a lot" and "agree little", not "same person" and "different people": in a
# block where the different people are relatives who agree on every field the pass
# estimates but one or two (the siblings and twins of one KK; twins within kelurahan +
# birth date: same date, KK, place and sex, only the name and NIK differ), the "match"
# class takes them in and m of "name / NIK / birth date different" is inflated (Winkler
# 1988 found the same class drift to households on census lists). So no pass blocks on
# the household: same NIK (nearly all pairs are one person: name and birth date slips);
# same name and birth date (sex, place, kelurahan/KK); same kelurahan and name (the NIK,
# birth date, sex, place: relatives there, a son named after his father, differ in the
# birth date by decades). Passes on no_kk and on kelurahan + birth date were used until
# 2026-12-07 (decision 42): on the truth set they gave m of "NIK different" 0.65 (true
# share 0.20) and of "name different" 0.23 (true 0.002), which let twins through. (A
# pass on family name + birth year was tried earlier and left out for the same reason.)
EM_PASSES: tuple[tuple[str, ...], ...] = (
    ("nik",),
    ("name_fold", "birth_date"),
    ("village_id", "name_fold"),
)
FLOOR = 1e-6
# No level is impossible among records of one person: every field is mistyped
# sometimes (a sex entered wrongly, a kelurahan code slipped). EM happily estimates
# m = 0 for what it did not see; 1 in 1,000 caps the weight against at about -10 bits.
M_FLOOR = 1e-3
# People move, and a record made before the move stays: of the records of one person,
# some lie in another kelurahan (a judgement, not fitted to any set: urban Indonesia's
# moves within and between cities over the years a registry spans). EM cannot see this
# share: the NIK pass holds few movers when the registry's movers lost or mistyped their
# NIK, and the name + birth-date pass may class every pair from another kelurahan as
# namesakes (decision 47). Without a floor the "moved" duplicates score -10 bits on
# the kelurahan alone.
PLACE_CHANGE_M_FLOOR = 0.02
PLACE_CHANGE_LEVELS = ("kelurahan lain, kecamatan sama", "berbeda")
# Weight of the EM estimate of m, in labelled pairs, when reviewers' labels refine it.
LABEL_PSEUDO_PAIRS = 200
# NIK levels whose u is re-estimated among pairs that agree on name and birth date.
CONDITIONAL_NIK_LEVELS = (4, 5)  # off only in the serial; in the kecamatan code
DATE_TYPO_NIK_LEVEL = 3  # off in kecamatan/serial, date digits agree, birth dates do not


_FIELD_KEYS = frozenset(f.key for f in model_spec.FIELDS)


@dataclass
class Model:
    """Parameters for one scoring: `params` in the shape of `model_spec.parameters`;
    `source` "registry" (estimated on the scored records) or "shipped" (model.json);
    `notes` say what was done, for the run's record."""

    params: dict[str, Any]
    source: str
    records: int = 0
    labels_same: int = 0
    labels_different: int = 0
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "records": self.records,
            "labels_same": self.labels_same,
            "labels_different": self.labels_different,
            "notes": self.notes,
            "params": {
                k: ([None if mu is None else list(mu) for mu in v] if k in _FIELD_KEYS else v)
                for k, v in self.params.items()
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Model:
        params = {
            k: ([None if mu is None else tuple(mu) for mu in v] if k in _FIELD_KEYS else v)
            for k, v in data["params"].items()
        }
        return cls(
            params=params,
            source=data.get("source", "registry"),
            records=int(data.get("records") or 0),
            labels_same=int(data.get("labels_same") or 0),
            labels_different=int(data.get("labels_different") or 0),
            notes=list(data.get("notes") or []),
        )


def shipped(records: int = 0, note: str = "") -> Model:
    from pilar.dedup import linkage  # linkage imports this module

    notes = [note] if note else []
    return Model(dict(linkage.model_parameters()), "shipped", records, notes=notes)


def fit(
    prepared: pd.DataFrame,
    *,
    labels: Iterable[tuple[int, int, bool]] = (),
    labelled: pd.DataFrame | None = None,
    seed: int = 1,
    min_records: int = MIN_RECORDS,
) -> Model:
    """Parameters estimated on `prepared` (the output of `linkage.prepare`), refined by
    reviewers' `labels` ((id, id, same person?)), whose records are in `labelled`
    (default `prepared`; a merged record is no longer among the active persons); the
    shipped model when `prepared` is too small or the estimation fails."""
    labels = list(labels)
    n = len(prepared)
    if n < min_records:
        model = shipped(n, f"{n} individu: terlalu sedikit untuk dilatih, model bawaan dipakai")
    else:
        try:
            model = _estimate(prepared, seed=seed)
        except Exception as exc:  # a degenerate registry: Splink cannot train on it
            logger.warning("dedup training failed, shipped model used: %s", exc)
            model = shipped(n, f"pelatihan gagal ({type(exc).__name__}), model bawaan dipakai")
    if labels:
        frame = labelled if labelled is not None else prepared
        model = refine_with_labels(model, frame, labels)
        model = calibrate_with_labels(model, frame, labels)
    return model


@contextlib.contextmanager
def _m_u_clamped():
    """EM can drive a level's m towards 0 (a level its "match" class never reaches in
    the pass's block): after some iterations it falls below 1e-300, Splink refuses to
    store the value (ValueError) and the whole estimation was lost (evalset seed
    31415: the registry fell back to the shipped model, F1 0.886 instead of 0.94).
    During a pass, values below Splink's minimum are stored as the minimum; `_estimate`
    floors m at M_FLOOR afterwards anyway. (Splink's own internals: checked by
    test_training.py::test_em_survives_an_m_that_underflows.)"""
    from splink.internals import expectation_maximisation as em
    from splink.internals.comparison_level import M_U_CLAMP_MIN

    original = em.populate_m_u_from_lookup

    def clamped(fixed, level, column, lookup):
        values = lookup.get(column, {}).get(level.comparison_vector_value)
        if values:
            for key in ("m_probability", "u_probability"):
                value = values.get(key)
                if isinstance(value, (int, float)) and value < M_U_CLAMP_MIN:
                    values[key] = M_U_CLAMP_MIN
        return original(fixed, level, column, lookup)

    em.populate_m_u_from_lookup = clamped
    try:
        yield
    finally:
        em.populate_m_u_from_lookup = original


def _estimate(prepared: pd.DataFrame, *, seed: int) -> Model:
    import duckdb  # heavy: loaded on first use
    from splink import DuckDBAPI, Linker, block_on

    from pilar.dedup import linkage  # linkage imports this module

    fallback = linkage.model_parameters()
    con = duckdb.connect(":memory:")
    con.execute("SET preserve_insertion_order = false")
    notes: list[str] = []
    timer = _Timer()
    try:
        db_api = DuckDBAPI(connection=con)
        table = db_api.register(prepared[list(model_spec.MODEL_COLUMNS)])
        settings = model_spec.settings("duckdb")
        linker = Linker(table, settings, log_level=None)
        for column in linkage.TF_REFERENCE_LEVEL:
            tf = db_api.register(linkage.name_frequencies(prepared, fallback, column))
            linker.table_management.register_term_frequency_lookup(tf, column)
        timer.lap("")
        linker.training.estimate_probability_two_random_records_match(
            [block_on(*cols) for cols in PRIOR_RULES], recall=PRIOR_RULES_RECALL
        )
        timer.lap("prior")
        linker.training.estimate_u_using_random_sampling(
            max_pairs=u_pairs(len(prepared)), seed=seed
        )
        timer.lap("u")
        passes = 0
        for cols in EM_PASSES:
            if prepared[list(cols)].dropna().duplicated().sum() == 0:
                notes.append(f"putaran EM {'+'.join(cols)} dilewati: tidak ada pasangan")
                continue
            timer.lap("")
            with _m_u_clamped():
                linker.training.estimate_parameters_using_expectation_maximisation(
                    block_on(*cols),
                    estimate_without_term_frequencies=True,
                    max_pairs=EM_MAX_PAIRS,
                )
            timer.lap(f"EM {'+'.join(cols)}")
            passes += 1
        if passes < 2:
            raise ValueError("fewer than two EM passes had pairs")
        trained = model_spec.parameters(linker.misc.save_model_to_json())
    finally:
        con.close()
    params: dict[str, Any] = {
        "__prior__": float(trained["__prior__"]),
        "__reference_records__": len(prepared),
    }
    kept = []
    for f in model_spec.FIELDS:
        levels: list[tuple[float, float] | None] = []
        for i, mu in enumerate(trained[f.key]):
            if mu is None:
                levels.append(None)
                continue
            m, u = mu
            if m is None or u is None or (isinstance(m, float) and math.isnan(m)):
                kept.append(f"{f.key}[{i}]")
                fm, fu = fallback[f.key][i]
                m = fm if m is None or (isinstance(m, float) and math.isnan(m)) else m
                u = fu if u is None else u
            floor = M_FLOOR
            if f.key == "village" and f.levels[i].words in PLACE_CHANGE_LEVELS:
                floor = PLACE_CHANGE_M_FLOOR
            levels.append((max(float(m), floor), max(float(u), FLOOR)))
        params[f.key] = _renormalise(levels)
    if kept:
        notes.append("level tanpa data, nilai bawaan dipakai: " + ", ".join(kept))
    timer.lap("")
    params = conditional_nik_u(prepared, params)
    timer.lap("conditional u")
    logger.info("dedup training times: %s", timer.laps)
    notes.append("detik: " + ", ".join(f"{k} {v:.1f}" for k, v in timer.laps.items()))
    notes.append(f"dilatih pada {len(prepared)} individu; peluang awal {params['__prior__']:.3g}")
    return Model(params, "registry", len(prepared), notes=notes)


class _Timer:
    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        if name:
            self.laps[name] = round(now - self.start, 2)
        self.start = now


def u_pairs(n: int) -> float:
    """Random pairs sampled for u: about 30 per record, between U_MIN_PAIRS and
    U_MAX_PAIRS. Sampling is most of the training time of a small registry; a level
    too rare to be seen in the sample keeps the shipped u."""
    return float(min(U_MAX_PAIRS, max(U_MIN_PAIRS, 30.0 * n)))


def _renormalise(levels: list[tuple[float, float] | None]) -> list[tuple[float, float] | None]:
    """m and u of the non-null levels each sum to 1 (floors and fallbacks may break it)."""
    values = [mu for mu in levels if mu is not None]
    sm = sum(m for m, _ in values) or 1.0
    su = sum(u for _, u in values) or 1.0
    return [None if mu is None else (mu[0] / sm, mu[1] / su) for mu in levels]


def _pair_levels(prepared: pd.DataFrame, pairs_sql: str) -> pd.DataFrame:
    """The level each field reaches for the pairs `pairs_sql` selects
    (columns unique_id_l, unique_id_r from table `prep`)."""
    import duckdb  # heavy: loaded on first use

    from pilar.dedup import linkage  # linkage imports this module

    con = duckdb.connect(":memory:")
    try:
        con.register("prep", prepared[list(model_spec.MODEL_COLUMNS)])
        con.execute(f"CREATE TEMP TABLE pairs AS {pairs_sql}")
        sql = (
            f"SELECT unique_id_l, unique_id_r, {linkage.level_cases()} FROM ("
            f"SELECT q.unique_id_l, q.unique_id_r, {linkage.side_columns()} FROM pairs q "
            "JOIN prep l ON l.unique_id = q.unique_id_l "
            "JOIN prep r ON r.unique_id = q.unique_id_r)"
        )
        return con.execute(sql).df()
    finally:
        con.close()


def _weights(params: dict[str, Any], frame: pd.DataFrame, skip: str = "") -> Any:
    """Match weight (log2 Bayes factor sum + prior log-odds) per row of level indexes."""
    import numpy as np  # heavy: loaded on first use

    prior = params["__prior__"]
    total = np.full(len(frame), math.log2(prior / (1 - prior)))
    for f in model_spec.FIELDS:
        if f.key == skip:
            continue
        table = np.array([0.0 if mu is None else math.log2(mu[0] / mu[1]) for mu in params[f.key]])
        total += table[frame[f"level_{f.key}"].to_numpy(dtype="int64")]
    return total


def conditional_nik_u(prepared: pd.DataFrame, params: dict[str, Any]) -> dict[str, Any]:
    """The u of the NIK levels that namesakes reach (`CONDITIONAL_NIK_LEVELS`),
    estimated among pairs that agree on given name and birth date (the NIK levels
    themselves ask for a similar given name, and the NIK holds the birth date), each
    pair weighted by the probability, from every other field, that it is two people."""
    frame = _pair_levels(
        prepared,
        "SELECT l.unique_id AS unique_id_l, r.unique_id AS unique_id_r FROM prep l "
        "JOIN prep r ON l.name_given = r.name_given AND l.birth_date = r.birth_date "
        "AND l.unique_id < r.unique_id AND l.nik IS NOT NULL AND r.nik IS NOT NULL",
    )
    levels = _conditional_shares(params, frame, CONDITIONAL_NIK_LEVELS, list(params["nik"]))
    # "The NIKs' date digits agree although the birth dates do not" is what two people
    # born on one day look like when one birth date was mistyped: its u among pairs who
    # share given name and birth year but not the birth date.
    keep = _sample_condition(prepared, ["name_given", "birth_year"], CONDITIONAL_MAX_PAIRS)
    frame = _pair_levels(
        prepared,
        "SELECT l.unique_id AS unique_id_l, r.unique_id AS unique_id_r FROM prep l "
        "JOIN prep r ON l.name_given = r.name_given AND l.birth_year = r.birth_year "
        "AND l.birth_date <> r.birth_date "
        "AND l.unique_id < r.unique_id AND l.nik IS NOT NULL AND r.nik IS NOT NULL"
        + keep.format(side="l")
        + keep.format(side="r"),
    )
    levels = _conditional_shares(params, frame, (DATE_TYPO_NIK_LEVEL,), levels)
    out = dict(params)
    out["nik"] = levels
    return out


# Pairs at most in a conditional-u block: a common given name born in one year is a
# block of hundreds in a city, so records are sampled (the same on both sides).
CONDITIONAL_MAX_PAIRS = 2_000_000


def _sample_condition(prepared: pd.DataFrame, columns: list[str], max_pairs: int) -> str:
    """An SQL condition (with `{side}` for the table alias) keeping a hashed share of
    the records so that the block on `columns` yields about `max_pairs` pairs; empty
    when the whole block is small enough."""
    with_nik = prepared.loc[prepared["nik"].notna(), columns].dropna()
    sizes = with_nik.value_counts().to_numpy(dtype="float64")
    pairs = float((sizes * (sizes - 1) / 2).sum())
    if pairs <= max_pairs:
        return ""
    share = math.sqrt(max_pairs / pairs)  # a pair is kept when both records are
    return f" AND hash({{side}}.unique_id) % 1000000 < {int(share * 1_000_000)}"


def _conditional_shares(
    params: dict[str, Any], frame: pd.DataFrame, which: tuple[int, ...], levels: list
) -> list:
    """`levels` (the NIK's m/u) with the u of the levels `which` raised to their share
    among the pairs of `frame`, each pair weighted by its probability, from every other
    field, of being two people."""
    import numpy as np  # heavy: loaded on first use

    if len(frame) < 50:
        return levels
    weight = _weights(params, frame, skip="nik")
    p_match = 1.0 / (1.0 + np.power(2.0, -np.clip(weight, -60, 60)))
    w_diff = 1.0 - p_match
    total = float(w_diff.sum())
    if total < 20:  # too few namesakes to say anything
        return levels
    levels = list(levels)
    nik_levels = frame["level_nik"].to_numpy()
    for i in which:
        share = float(w_diff[nik_levels == i].sum()) / total
        m, u = levels[i]
        levels[i] = (m, max(u, share, FLOOR))
    return levels


def refine_with_labels(
    model: Model, prepared: pd.DataFrame, labels: Iterable[tuple[int, int, bool]]
) -> Model:
    """m blended with the levels reached by the pairs reviewers decided are one person:
    m_new = (K * m_model + count) / (K + n_same), K = LABEL_PSEUDO_PAIRS. Labelled pairs
    naming records not in `prepared` (merged since, out of the area) are ignored."""
    import pandas as pd  # heavy: loaded on first use

    labels = [(min(a, b), max(a, b), bool(s)) for a, b, s in labels if a != b]
    ids = set(prepared["unique_id"].astype("int64"))
    labels = [x for x in labels if x[0] in ids and x[1] in ids]
    same = [(a, b) for a, b, s in labels if s]
    different = len(labels) - len(same)
    params = {k: (list(v) if k in _FIELD_KEYS else v) for k, v in model.params.items()}
    notes = list(model.notes)
    if same:
        frame = pd.DataFrame(same, columns=["unique_id_l", "unique_id_r"])
        levels = _pair_levels_from(prepared, frame)
        k = LABEL_PSEUDO_PAIRS
        for f in model_spec.FIELDS:
            counts = levels[f"level_{f.key}"].value_counts().to_dict()
            non_null = [i for i, mu in enumerate(params[f.key]) if mu is not None]
            n = sum(counts.get(i, 0) for i in non_null)
            if not n:
                continue
            new = list(params[f.key])
            for i in non_null:
                m, u = new[i]
                new[i] = (max((k * m + counts.get(i, 0)) / (k + n), FLOOR), u)
            params[f.key] = _renormalise(new)
        notes.append(f"m disempurnakan dengan {len(same)} keputusan 'orang yang sama'")
    return Model(
        params,
        model.source,
        model.records,
        labels_same=len(same),
        labels_different=different,
        notes=notes,
    )


def _pair_levels_from(prepared: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    import duckdb  # heavy: loaded on first use

    from pilar.dedup import linkage  # linkage imports this module

    con = duckdb.connect(":memory:")
    try:
        con.register("prep", prepared[list(model_spec.MODEL_COLUMNS)])
        con.register("pairs", pairs)
        sql = (
            f"SELECT unique_id_l, unique_id_r, {linkage.level_cases()} FROM ("
            f"SELECT q.unique_id_l, q.unique_id_r, {linkage.side_columns()} FROM pairs q "
            "JOIN prep l ON l.unique_id = q.unique_id_l "
            "JOIN prep r ON r.unique_id = q.unique_id_r)"
        )
        return con.execute(sql).df()
    finally:
        con.close()


# Calibration from reviewers' decisions: at least this many of each kind first, and the
# identity map counts as this many pseudo-decisions (a few decisions nudge, many decide).
MIN_CALIBRATION_LABELS = 10
CALIBRATION_PSEUDO_PAIRS = 50


def label_weights(
    model: Model, frame: pd.DataFrame, labels: Iterable[tuple[int, int, bool]]
) -> tuple[Any, Any]:
    """(match weight in bits under `model`, decided same?) of each labelled pair whose
    two records are in `frame`."""
    import numpy as np  # heavy: loaded on first use
    import pandas as pd  # heavy: loaded on first use

    ids = set(frame["unique_id"].astype("int64"))
    rows = [(min(a, b), max(a, b), bool(s)) for a, b, s in labels if a != b]
    rows = [r for r in rows if r[0] in ids and r[1] in ids]
    if not rows:
        return np.zeros(0), np.zeros(0, dtype=bool)
    pairs = pd.DataFrame(rows, columns=["unique_id_l", "unique_id_r", "same"])
    levels = _pair_levels_from(frame, pairs[["unique_id_l", "unique_id_r"]])
    levels = levels.merge(pairs, on=["unique_id_l", "unique_id_r"])
    return _weights(model.params, levels), levels["same"].to_numpy(dtype=bool)


def fit_platt(
    weights: Any, same: Any, pseudo: float = CALIBRATION_PSEUDO_PAIRS
) -> tuple[float, float]:
    """a, b of p = sigmoid(a * w + b) (w in bits, base-2 sigmoid) by Newton's method on
    the log-likelihood of the decisions, with a Gaussian prior centred on the identity
    (a = 1, b = 0) of strength `pseudo` / 10."""
    import numpy as np  # heavy: loaded on first use

    x = np.clip(np.asarray(weights, dtype="float64"), -60, 60) * math.log(2)
    y = np.asarray(same, dtype="float64")
    theta = np.array([1.0, 0.0])  # natural-log slope and intercept
    prior = np.array([1.0, 0.0])
    lam = pseudo / 10.0  # ridge towards the identity (a few decisions nudge, many decide)

    def objective(t: Any) -> float:
        z = t[0] * x + t[1]
        # log-likelihood of the decisions, stable for large |z|
        ll = float((y * z - np.logaddexp(0.0, z)).sum())
        return ll - 0.5 * lam * float(((t - prior) ** 2).sum())

    for _ in range(100):
        z = theta[0] * x + theta[1]
        p = 0.5 * (1.0 + np.tanh(0.5 * z))  # the logistic function, without overflow
        grad = np.array([((y - p) * x).sum(), (y - p).sum()]) - lam * (theta - prior)
        w = p * (1 - p)
        hess = np.array([[(w * x * x).sum() + lam, (w * x).sum()], [(w * x).sum(), w.sum() + lam]])
        step = np.linalg.solve(hess, grad)  # Newton's ascent direction
        current = objective(theta)
        scale = 1.0
        while scale > 1e-6 and objective(theta + scale * step) < current:
            scale /= 2  # damped: never step to a worse fit
        theta = theta + scale * step
        if np.abs(scale * step).max() < 1e-9:
            break
    a = max(float(theta[0]), 0.05)  # monotone: a higher weight never means less likely
    return a, float(theta[1]) / math.log(2)


def calibrate_with_labels(
    model: Model, frame: pd.DataFrame, labels: Iterable[tuple[int, int, bool]]
) -> Model:
    """The calibration map (`linkage.calibrate`) fitted to reviewers' decisions, once
    there are at least MIN_CALIBRATION_LABELS of each kind."""
    weights, same = label_weights(model, frame, labels)
    n_same = int(same.sum())
    n_diff = int(len(same) - n_same)
    if n_same < MIN_CALIBRATION_LABELS or n_diff < MIN_CALIBRATION_LABELS:
        return model
    a, b = fit_platt(weights, same)
    params = dict(model.params)
    params["__calibration__"] = [a, b]
    notes = [
        *model.notes,
        f"peluang dikalibrasi dengan {n_same + n_diff} keputusan (a={a:.2f}, b={b:.2f})",
    ]
    return Model(
        params, model.source, model.records, model.labels_same, model.labels_different, notes
    )
