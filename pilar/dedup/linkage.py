"""The duplicate-person linkage engine: Splink (Fellegi-Sunter) on DuckDB, or Spark.

Public API (the contract with the review side, see `types.py`):

- `find_pairs(records)`: score records against each other (blocking keeps the work
  near-linear), return the candidate pairs at or above a match probability;
- `score_registry()`: the same for the active persons of the registry, read from
  PostgreSQL with one `COPY ... TO STDOUT`, with parameters estimated on those persons
  and refined by reviewers' decisions (`training.fit`, issue 14);
- `compare(new, candidates)`: score one unsaved person against a few candidates, for
  the create forms (no Splink start-up: the same levels and trained m/u evaluated in
  one DuckDB query).

The model (comparisons, levels, blocking rules) is in `model_spec.py`; the shipped
parameters (the fallback) in `model.json` (`python -m pilar.demo.dedup_train` rewrites
it); parameters estimated on a registry come from `training.py`.
"""

from __future__ import annotations

import datetime
import functools
import io
import json
import logging
import math
import re
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import connection

from pilar.core.numbers import format_number
from pilar.dedup import model_spec, training
from pilar.dedup.names import fold_name, given_name, last_word, normalise_place, sorted_key
from pilar.dedup.types import RECORD_COLUMNS, CandidatePair, FieldEvidence, PersonRecord

if TYPE_CHECKING:
    import pandas as pd

logger = logging.getLogger(__name__)

MODEL_PATH = Path(__file__).resolve().parent / "model.json"

# Match probability at or above which a pair is put to reviewers.
DEFAULT_THRESHOLD = 0.9
# Lower bar for the create forms' look-alike warning (`compare`): a warning the clerk
# dismisses with one tick costs little, a missed duplicate a second record. At 0.5 it
# also shows namesakes (same name and birth date, elsewhere in the city, no NIK to tell).
FLAG_THRESHOLD = 0.5
# The review queue reaches lower than the automatic flag: pairs from here up are stored
# by a run and shown, most likely first, so what the flag misses is within reviewers'
# reach (issue 14).
REVIEW_THRESHOLD = 0.2


@functools.cache
def load_model(path: str | None = None) -> dict[str, Any]:
    """The trained Splink settings (DuckDB dialect) shipped in the repository."""
    with open(path or MODEL_PATH, encoding="utf-8") as fh:
        return json.load(fh)


def model_parameters() -> dict[str, Any]:
    return model_spec.parameters(load_model())


def _logit2(p: float) -> float:
    p = min(max(p, 1e-300), 1 - 1e-16)
    return math.log2(p / (1 - p))


def calibrate(probability: float, params: dict[str, Any]) -> float:
    """The model's probability mapped through the calibration reviewers' decisions
    taught (`training.calibrate_with_labels`: p' = sigmoid(a * logit(p) + b), base 2);
    unchanged when there is none."""
    ab = params.get("__calibration__")
    if not ab:
        return probability
    a, b = ab
    z = a * _logit2(probability) + b
    return 1.0 / (1.0 + 2.0 ** (-z)) if z > -1000 else 0.0


def uncalibrate(probability: float, params: dict[str, Any]) -> float:
    """The model probability whose calibrated value is `probability` (for thresholds)."""
    ab = params.get("__calibration__")
    if not ab or probability <= 0:
        return probability
    a, b = ab
    z = (_logit2(probability) - b) / a
    return 1.0 / (1.0 + 2.0 ** (-z)) if z > -1000 else 0.0


# ---------------------------------------------------------------------------
# Input preparation
# ---------------------------------------------------------------------------


def _clean_nik(value: Any) -> str | None:
    if value is None:
        return None
    digits = "".join(c for c in str(value) if c.isdigit())
    return digits if len(digits) == 16 and digits != "0" * 16 else None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    try:
        if value != value:  # NaN from pandas
            return None
    except (TypeError, ValueError):
        pass
    text = str(value).strip()
    return text or None


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = _text(value)
    if not text or not _ISO_DATE.match(text):
        # Only an ISO date is compared: the date levels do arithmetic on its parts.
        return None
    return text[:10]


def _district(village: str | None) -> str | None:
    if not village:
        return None
    parts = village.split(".")
    return ".".join(parts[:3]) if len(parts) >= 3 else None


@functools.lru_cache(maxsize=200_000)
def _name_columns(name: str) -> tuple[str | None, str | None, str | None, str | None]:
    folded = fold_name(name)
    if not folded:
        return None, None, None, None
    return folded, sorted_key(folded), given_name(folded) or None, last_word(folded) or None


def nik_date_ok(nik: str | None, birth: str | None, sex: str | None) -> str | None:
    """'1' when the NIK's date digits (DDMMYY, day + 40 for women) agree with the birth
    date (and sex, when known), '0' when not, None when either is missing."""
    if not nik or not birth or len(birth) < 10:
        return None
    day, month, year = int(birth[8:10]), birth[5:7], birth[2:4]
    days = {"L": [day], "P": [day + 40]}.get(sex or "", [day, day + 40])
    tail = nik[6:12]
    return "1" if any(tail == f"{d:02d}{month}{year}" for d in days) else "0"


def _sex(value: Any) -> str | None:
    text = (_text(value) or "").upper()[:1]
    return text if text in ("L", "P") else None


def prepare_record(record: PersonRecord) -> dict[str, Any]:
    """One PersonRecord as the model's input row (see model_spec.MODEL_COLUMNS)."""
    fold, srt, given, last = _name_columns(record.name or "")
    birth = _date_text(record.birth_date)
    village = _text(record.village_id)
    nik = _clean_nik(record.nik)
    sex = _sex(record.sex)
    return {
        "unique_id": int(record.id),
        "nik": nik,
        "nik_head": nik[:8] if nik else None,
        "nik_tail": nik[8:] if nik else None,
        "nik_date_ok": nik_date_ok(nik, birth, sex),
        "name_fold": fold,
        "name_sorted": srt,
        "name_given": given,
        "name_last": last,
        "sex": sex,
        "birth_place": normalise_place(record.birth_place) or None,
        "birth_date": birth,
        "birth_year": birth[:4] if birth else None,
        "birth_md": birth[5:10] if birth else None,
        "birth_ym": birth[:7] if birth else None,
        "name_initial": given[:1] if given else None,
        "village_id": village,
        "district_id": _district(village),
        "no_kk": _clean_kk(record.no_kk),
    }


def _clean_kk(value: Any) -> str | None:
    text = _text(value)
    if not text:
        return None
    digits = "".join(c for c in text if c.isdigit())
    return digits if len(digits) == 16 and digits != "0" * 16 else None


def prepare(records: Sequence[PersonRecord] | pd.DataFrame) -> pd.DataFrame:
    """The model's input table from PersonRecords or a DataFrame with RECORD_COLUMNS.

    Vectorised over unique values (names repeat a lot), so 2 million rows take seconds.
    """
    # Loaded on first use: a heavy library, kept out of start-up.
    import pandas as pd

    if isinstance(records, pd.DataFrame):
        df = records
    else:
        df = pd.DataFrame(
            [{c: getattr(r, c) for c in RECORD_COLUMNS} for r in records],
            columns=list(RECORD_COLUMNS),
        )
    out = pd.DataFrame({"unique_id": df["id"].astype("int64").to_numpy()})

    def mapped(column: str, fn: Callable[[Any], Any]) -> pd.Series:
        series = df[column] if column in df.columns else pd.Series([None] * len(df))
        series = series.astype(object).where(series.notna(), None)
        uniques = series.drop_duplicates()
        table = {u: fn(u) for u in uniques}
        return series.map(table).astype(object).reset_index(drop=True)

    out["nik"] = mapped("nik", _clean_nik)
    out["nik_head"] = out["nik"].map(lambda v: v[:8] if v else None)
    out["nik_tail"] = out["nik"].map(lambda v: v[8:] if v else None)
    names = mapped("name", lambda v: _name_columns(_text(v) or ""))
    out["name_fold"] = names.map(lambda t: t[0])
    out["name_sorted"] = names.map(lambda t: t[1])
    out["name_given"] = names.map(lambda t: t[2])
    out["name_last"] = names.map(lambda t: t[3])
    out["sex"] = mapped("sex", _sex)
    out["birth_place"] = mapped("birth_place", lambda v: normalise_place(_text(v)) or None)
    out["birth_date"] = mapped("birth_date", _date_text)
    out["birth_year"] = out["birth_date"].map(lambda d: d[:4] if d else None)
    out["birth_md"] = out["birth_date"].map(lambda d: d[5:10] if d else None)
    out["birth_ym"] = out["birth_date"].map(lambda d: d[:7] if d else None)
    out["name_initial"] = out["name_given"].map(lambda g: g[:1] if g else None)
    out["nik_date_ok"] = [
        nik_date_ok(n, b, x)
        for n, b, x in zip(out["nik"], out["birth_date"], out["sex"], strict=True)
    ]
    out["village_id"] = mapped("village_id", _text)
    out["district_id"] = out["village_id"].map(_district)
    out["no_kk"] = mapped("no_kk", _clean_kk)
    for column in model_spec.MODEL_COLUMNS[1:]:
        out[column] = out[column].astype(object).where(out[column].notna(), None)
    return out


# ---------------------------------------------------------------------------
# Scoring with Splink
# ---------------------------------------------------------------------------


# Scale the prior down for inputs larger than the training set (see prior_for). Off:
# on 2 million synthetic persons it raised precision from 0.924 to 0.984 but cut recall
# from 0.918 to 0.757 (F1 0.921 -> 0.856), the synthetic names coming from small pools.
SCALE_PRIOR_WITH_SIZE = False


def prior_for(n_records: int, params: dict[str, Any] | None = None) -> float:
    """The prior for scoring `n_records` persons against each other.

    The trained prior is the probability that two random persons of a registry of the
    training set's size are one. In a registry k times larger each person has k times
    as many others to be confused with but no more duplicates, so the prior is divided
    by k (the name's term frequency, which grows more telling with size, makes up for it
    where the name is rare). Smaller inputs keep the trained prior."""
    params = params or model_parameters()
    prior = float(params["__prior__"])
    reference = params.get("__reference_records__")
    if SCALE_PRIOR_WITH_SIZE and reference and n_records > reference:
        prior *= reference / n_records
    return prior


def splink_settings(
    dialect: str = "duckdb",
    n_records: int | None = None,
    params: dict[str, Any] | None = None,
) -> dict[str, Any]:
    params = dict(params or model_parameters())
    if n_records is not None:
        params["__prior__"] = prior_for(n_records, params)
    return model_spec.settings(dialect, params)


# Pseudo-count of the name term frequencies: in a small input (one kelurahan, a test)
# a name's own count says little, so its frequency is shrunk towards the model's
# average chance that two random persons share a name (the exact level's u).
TF_PSEUDO_COUNT = 20_000


# The name levels whose u is the average chance two random persons share the value of
# a term-frequency column: the exact level of that column.
TF_REFERENCE_LEVEL = {"name_fold": 1, "name_given": 7}


def name_frequencies(
    prepared: pd.DataFrame, params: dict[str, Any] | None = None, column: str = "name_fold"
) -> pd.DataFrame:
    """The term-frequency lookup of a name column (columns <column>, tf_<column>),
    smoothed: (count + k * u) / (n + k), u the column's exact level's u."""
    # Loaded on first use: a heavy library, kept out of start-up.
    import pandas as pd

    names = prepared[column].dropna()
    counts = names.value_counts()
    n = int(len(names))
    u = (params or model_parameters())["name"][TF_REFERENCE_LEVEL[column]][1]
    k = TF_PSEUDO_COUNT
    tf = (counts.astype("float64") + k * u) / (n + k)
    return pd.DataFrame({column: counts.index.astype(str), f"tf_{column}": tf.to_numpy()})


def _linker(prepared: pd.DataFrame, backend: str, spark=None, params=None):
    # Loaded on first use: a heavy library, kept out of start-up.
    from splink import Linker

    db_api: Any

    if backend == "duckdb":
        # Loaded on first use, like splink above: heavy libraries kept out of start-up.
        import duckdb
        from splink import DuckDBAPI  # heavy, like duckdb: loaded on first use

        con = duckdb.connect(":memory:")
        con.execute("SET preserve_insertion_order = false")
        db_api = DuckDBAPI(connection=con)
        table = db_api.register(prepared)
        tf_tables = {
            c: db_api.register(name_frequencies(prepared, params, c)) for c in TF_REFERENCE_LEVEL
        }
    elif backend == "spark":
        if spark is None:
            raise ValueError("backend='spark' needs a SparkSession: find_pairs(..., spark=session)")
        from splink import SparkAPI  # needs pyspark: only when Spark is asked for

        _ensure_checkpoint_dir(spark)
        db_api = SparkAPI(spark_session=spark)
        schema = ", ".join(
            f"{c} {'bigint' if c == 'unique_id' else 'string'}" for c in model_spec.MODEL_COLUMNS
        )
        sdf = spark.createDataFrame(prepared[list(model_spec.MODEL_COLUMNS)], schema=schema)
        table = db_api.register(sdf)
        tf_tables = {
            c: db_api.register(
                spark.createDataFrame(
                    name_frequencies(prepared, params, c), schema=f"{c} string, tf_{c} double"
                )
            )
            for c in TF_REFERENCE_LEVEL
        }
    else:
        raise ValueError(f"unknown backend {backend!r} (duckdb or spark)")
    linker = Linker(table, splink_settings(backend, len(prepared), params), log_level=None)
    for column, tf_table in tf_tables.items():
        linker.table_management.register_term_frequency_lookup(tf_table, column)
    return linker


def level_cases() -> str:
    cases = []
    for f in model_spec.FIELDS:
        whens = []
        for i, level in enumerate(f.levels):
            if level.sql == "ELSE":
                whens.append(f"ELSE {i}")
            else:
                whens.append(f"WHEN {model_spec.render(level.sql, 'duckdb')} THEN {i}")
        cases.append(f"CASE {' '.join(whens)} END AS level_{f.key}")
    return ", ".join(cases)


def side_columns() -> str:
    return ", ".join(
        f"l.{c} AS {c}_l, r.{c} AS {c}_r" for c in model_spec.MODEL_COLUMNS if c != "unique_id"
    )


def _pairs_from_frame(
    frame: pd.DataFrame, prepared: pd.DataFrame, params: dict[str, Any] | None = None
) -> list[CandidatePair]:
    """Splink's predictions as CandidatePairs: the level each field reached is
    recomputed (exactly, with the same SQL) on the few predicted pairs; the weights
    are Splink's (`mw_*`, with the name's term-frequency adjustment)."""
    # Loaded on first use: a heavy library, kept out of start-up.
    import duckdb

    out: list[CandidatePair] = []
    if frame.empty:
        return out
    mw = [f"mw_{f.key}" for f in model_spec.FIELDS]
    keep = ["unique_id_l", "unique_id_r", "match_probability", *mw]
    tf = "mw_tf_adj_name" in frame.columns
    if tf:
        keep.append("mw_tf_adj_name")
    pairs = frame[keep]
    con = duckdb.connect(":memory:")
    try:
        con.register("pairs", pairs)
        con.register("prep", prepared[list(model_spec.MODEL_COLUMNS)])
        sql = (
            f"SELECT p.*, {level_cases()} FROM (SELECT q.*, {side_columns()} FROM pairs q "
            "JOIN prep l ON l.unique_id = q.unique_id_l "
            "JOIN prep r ON r.unique_id = q.unique_id_r) p"
        )
        cols = [*keep, *(f"level_{f.key}" for f in model_spec.FIELDS)]
        rows = con.execute(f"SELECT {', '.join(cols)} FROM ({sql})").fetchall()
    finally:
        con.close()
    n = len(keep)
    for row in rows:
        values = dict(zip(keep, row[:n], strict=True))
        levels = row[n:]
        evidence = []
        for f, level in zip(model_spec.FIELDS, levels, strict=True):
            weight = float(values[f"mw_{f.key}"] or 0.0)
            if f.key == "name" and tf:
                weight += float(values["mw_tf_adj_name"] or 0.0)
            evidence.append(FieldEvidence(f.key, f.label, f.levels[level].words, round(weight, 2)))
        a, b = int(values["unique_id_l"]), int(values["unique_id_r"])
        out.append(
            CandidatePair(
                id_a=min(a, b),
                id_b=max(a, b),
                probability=calibrate(float(values["match_probability"]), params or {}),
                evidence=tuple(evidence),
            )
        )
    out.sort(key=lambda p: (-p.probability, p.id_a, p.id_b))
    return out


def find_pairs(
    records: Sequence[PersonRecord] | pd.DataFrame,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    backend: str = "duckdb",
    spark=None,
    params: dict[str, Any] | None = None,
) -> list[CandidatePair]:
    """Score `records` against each other; the pairs at or above `threshold`.

    `records` are PersonRecords or a DataFrame with the columns of
    `types.RECORD_COLUMNS`. `backend="spark"` runs the same model on a SparkSession
    (which must have Splink's similarity jar, see `spark_session`)."""
    prepared = records if _is_prepared(records) else prepare(records)
    if len(prepared) < 2:
        return []
    params = params or model_parameters()
    linker = _linker(prepared, backend, spark, params)
    predictions = linker.inference.predict(
        threshold_match_probability=uncalibrate(threshold, params), warning_mode="never"
    )
    frame = predictions.as_pandas_dataframe()
    pairs = _pairs_from_frame(frame, prepared, params)
    return [p for p in pairs if p.probability >= threshold]


def _is_prepared(records: Any) -> bool:
    columns = getattr(records, "columns", None)
    return columns is not None and "name_fold" in set(columns)


# ---------------------------------------------------------------------------
# The registry
# ---------------------------------------------------------------------------

REGISTRY_SQL = """
COPY (
    SELECT p.id, p.source_id, p.nik, p.name, p.sex, p.birth_place, p.birth_date,
           h.village_id, p.household_id, h.no_kk
    FROM registry_person p
    JOIN registry_household h ON h.id = p.household_id
    WHERE (p.is_active {where})
) TO STDOUT (FORMAT csv, HEADER false)
"""


def read_registry(
    village_prefix: str | None = None, *, ids: Iterable[int] | None = None
) -> pd.DataFrame:
    """Active persons with their current household's kelurahan and No. KK, as a
    DataFrame with RECORD_COLUMNS: one `COPY ... TO STDOUT` (CSV), parsed by Arrow.
    With `ids`: those persons, active or not (the records of decided pairs, one of
    which a merge made inactive)."""

    where = ""
    params: list[Any] = []
    if village_prefix:
        where = "AND h.village_id LIKE %s"
        params.append(village_prefix.rstrip("%") + "%")
    if ids is not None:
        where = "OR p.id = ANY(%s)) AND (p.id = ANY(%s)"
        id_list = [int(i) for i in ids]
        params = [id_list, id_list]
    buffer = io.BytesIO()
    connection.ensure_connection()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg 3 cursor
        sql = REGISTRY_SQL.format(where=where)
        with raw.copy(sql, params or None) as copy:
            for chunk in copy:
                buffer.write(chunk)
    buffer.seek(0)
    if buffer.getbuffer().nbytes == 0:
        import pandas as pd  # heavy; splink brings it, needed only here

        return pd.DataFrame(columns=list(RECORD_COLUMNS))
    # Loaded on first use: a heavy library, kept out of start-up.
    import pyarrow as pa

    # Loaded on first use: a heavy library, kept out of start-up.
    from pyarrow import csv

    types = {c: pa.string() for c in RECORD_COLUMNS}
    types["id"] = types["household_id"] = pa.int64()
    table = csv.read_csv(
        buffer,
        read_options=csv.ReadOptions(column_names=list(RECORD_COLUMNS)),
        convert_options=csv.ConvertOptions(column_types=types, strings_can_be_null=True),
    )
    return table.to_pandas()


def score_registry(
    *,
    village_prefix: str | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    exclude: set[tuple[int, int]] | None = None,
    progress: Callable[[str], None] | None = None,
    labels: Sequence[tuple[int, int, bool]] = (),
    on_model: Callable[[training.Model], None] | None = None,
) -> list[CandidatePair]:
    """Score the active persons of the registry (or of kelurahan codes starting with
    `village_prefix`); pairs in `exclude` (already decided, `(low id, high id)`) are
    left out.

    The parameters are estimated on the persons scored (`training.fit`; the shipped
    model for a small area), refined by reviewers' `labels` ((id, id, same person?));
    `on_model` receives the model used."""

    def say(text: str) -> None:
        if progress is not None:
            progress(text)

    say("Membaca data individu aktif dari basis data")
    frame = read_registry(village_prefix)
    say(f"Menyiapkan {format_number(len(frame))} individu (nama dibakukan)")
    prepared = prepare(frame)
    labelled = None
    if labels:
        present = set(prepared["unique_id"].astype("int64"))
        missing = {i for a, b, _ in labels for i in (a, b)} - present
        if missing:
            # Loaded on first use: a heavy library, kept out of start-up.
            import pandas as pd

            extra = prepare(read_registry(ids=missing))
            labelled = pd.concat([prepared, extra], ignore_index=True)
    say("Menaksir parameter model dari data ini (Splink)")
    model = training.fit(prepared, labels=labels, labelled=labelled)
    if on_model is not None:
        on_model(model)
    say("Menilai pasangan calon duplikat (Splink)")
    pairs = find_pairs(prepared, threshold=threshold, params=model.params)
    if exclude:
        pairs = [p for p in pairs if (p.id_a, p.id_b) not in exclude]
    say(f"Ditemukan {format_number(len(pairs))} pasangan")
    return pairs


# ---------------------------------------------------------------------------
# One new person against a few candidates (create forms)
# ---------------------------------------------------------------------------

_local = threading.local()


def _compare_connection():
    con = getattr(_local, "con", None)
    if con is None:
        import duckdb  # heavy: loaded on first use

        con = duckdb.connect(":memory:")
        _local.con = con
    return con


@functools.cache
def _compare_sql() -> str:
    return (
        f"SELECT unique_id_l, unique_id_r, {level_cases()} FROM ("
        f"SELECT l.unique_id AS unique_id_l, r.unique_id AS unique_id_r, {side_columns()} "
        "FROM new_rec l CROSS JOIN cand r)"
    )


def score_levels(levels: dict[str, int], params: dict[str, Any]) -> tuple[float, list]:
    """Match probability and evidence from the level index reached per field."""
    prior = params["__prior__"]
    total = math.log2(prior / (1 - prior))
    evidence = []
    for f in model_spec.FIELDS:
        i = levels[f.key]
        mu = params[f.key][i]
        weight = 0.0 if mu is None else math.log2(mu[0] / mu[1])
        total += weight
        evidence.append(FieldEvidence(f.key, f.label, f.levels[i].words, round(weight, 2)))
    probability = 1.0 / (1.0 + 2.0 ** (-total)) if total > -1000 else 0.0
    return calibrate(probability, params), evidence


def compare(
    new: PersonRecord,
    candidates: Sequence[PersonRecord],
    params: dict[str, Any] | None = None,
) -> list[CandidatePair]:
    """Score `new` (id may be 0 or negative) against each candidate; every pair is
    returned (highest probability first), the caller applies its threshold.

    Term-frequency adjustment is not applied here (no population to count names in):
    a common name gets the model's average weight for an exact name match.
    """
    if not candidates:
        return []
    # Loaded on first use: a heavy library, kept out of start-up.
    import pandas as pd

    columns = list(model_spec.MODEL_COLUMNS)
    left = pd.DataFrame([prepare_record(new)], columns=columns)
    right = pd.DataFrame([prepare_record(c) for c in candidates], columns=columns)
    for frame in (left, right):
        for c in columns[1:]:
            frame[c] = frame[c].astype("string")
    con = _compare_connection()
    with _compare_lock:
        cursor = con.cursor()
        try:
            cursor.register("new_rec", left)
            cursor.register("cand", right)
            rows = cursor.execute(_compare_sql()).fetchall()
        finally:
            cursor.close()
    params = params or model_parameters()
    out = []
    keys = [f.key for f in model_spec.FIELDS]
    for row in rows:
        a, b = int(row[0]), int(row[1])
        levels = dict(zip(keys, row[2:], strict=True))
        probability, evidence = score_levels(levels, params)
        out.append(
            CandidatePair(
                id_a=min(a, b), id_b=max(a, b), probability=probability, evidence=tuple(evidence)
            )
        )
    out.sort(key=lambda p: (-p.probability, p.id_a, p.id_b))
    return out


_compare_lock = threading.Lock()


# ---------------------------------------------------------------------------
# Spark
# ---------------------------------------------------------------------------


def spark_session(master: str = "local[1]", shuffle_partitions: int = 2, **conf: str):
    """A SparkSession with Splink's similarity UDF jar (jaro_winkler), for local runs
    and tests. On a cluster, add the jar (`splink.backends.spark.similarity_jar_location()`)
    to `spark.jars` of your own session instead."""
    # Loaded on first use: a heavy library, kept out of start-up.
    from pyspark.sql import SparkSession

    # Loaded on first use: a heavy library, kept out of start-up.
    from splink.backends.spark import similarity_jar_location

    builder = (
        SparkSession.builder.master(master)
        .appName("pilar-dedup")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.default.parallelism", str(shuffle_partitions))
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "1g")
    )
    for key, value in conf.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def _ensure_checkpoint_dir(spark) -> None:
    """Splink breaks Spark lineage with checkpoints, which need a directory; use a
    temporary one unless the session has its own (set one on HDFS/S3 on a cluster)."""

    if spark.sparkContext._jsc.sc().getCheckpointDir().isEmpty():
        spark.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="pilar-spark-ckpt-"))


def records_from(rows: Iterable[dict[str, Any]]) -> list[PersonRecord]:
    """PersonRecords from dicts with (a subset of) RECORD_COLUMNS."""
    return [PersonRecord(**{k: v for k, v in row.items() if k in RECORD_COLUMNS}) for row in rows]
