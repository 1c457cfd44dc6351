"""The linkage model's structure: derived columns, comparisons, levels and blocking
rules, written once and rendered for DuckDB or Spark SQL.

Trained parameters (m/u per level, the prior) live in `model.json`, produced by
`python -m pilar.demo.dedup_train`; this module holds what does not depend on training.
Every comparison level carries an Indonesian description for the reviewer
(`FieldEvidence.level`) next to its SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Columns the engine adds to a PersonRecord before linkage (see linkage.prepare).
MODEL_COLUMNS = (
    "unique_id",
    "nik",
    "nik_head",
    "nik_tail",
    "nik_date_ok",
    "name_fold",
    "name_sorted",
    "name_given",
    "name_last",
    "sex",
    "birth_place",
    "birth_date",
    "birth_year",
    "birth_md",
    "birth_ym",
    "name_initial",
    "village_id",
    "district_id",
    "no_kk",
)

# Probability that two random persons of the registry are one (the prior, "lambda").
# Fixed for a city-sized registry (about 2 million persons, 1-2 % duplicated), not
# estimated per run, so a pair gets the same score whatever else is scored with it.
PRIOR = 1e-8
# Records in the default training set (`python -m pilar.demo.dedup_train` prints it): the
# registry size the trained prior holds for (see linkage.prior_for).
REFERENCE_RECORDS = 23_258


@dataclass(frozen=True)
class Level:
    sql: str  # condition on <col>_l / <col>_r; `{jw}` = the dialect's Jaro-Winkler function
    words: str  # Indonesian description shown to reviewers
    null: bool = False
    tf_column: str | None = None


@dataclass(frozen=True)
class Field:
    key: str  # FieldEvidence.field
    label: str  # Indonesian field name
    levels: tuple[Level, ...]


def _null(*cols: str) -> Level:
    cond = " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in cols)
    return Level(cond, "tidak ada data", null=True)


# Hamming distance of two 16-digit NIKs, portable SQL (DuckDB and Spark).
_NIK_HAMMING = (
    "("
    + " + ".join(
        f"CASE WHEN substr(nik_l, {i}, 1) <> substr(nik_r, {i}, 1) THEN 1 ELSE 0 END"
        for i in range(1, 17)
    )
    + ")"
)


# Two NIKs at Hamming distance <= 2 agree on at least two of their four 4-digit blocks:
# a cheap test DuckDB checks first (it evaluates the rest of an AND only on the rows
# that pass), so the 16-term Hamming sum is computed for near NIKs only. The same
# pairs reach the levels; random-pair sampling for u becomes several times faster.
_NIK_BLOCKS_EQUAL = (
    "("
    + " + ".join(
        f"CASE WHEN substr(nik_l, {i}, 4) = substr(nik_r, {i}, 4) THEN 1 ELSE 0 END"
        for i in (1, 5, 9, 13)
    )
    + ")"
)
_NIK_NEAR = f"{_NIK_BLOCKS_EQUAL} >= 2 AND {_NIK_HAMMING} <= 2"


def _else() -> Level:
    return Level("ELSE", "berbeda")


FIELDS: tuple[Field, ...] = (
    Field(
        "nik",
        "NIK",
        (
            _null("nik"),
            Level("nik_l = nik_r", "sama persis"),
            # A NIK one or two digits off (Hamming distance: NIKs have fixed positions)
            # counts as a typo only when the given names agree (twins in one KK get
            # consecutive serials but other names) and when the difference is not what two
            # different people would have anyway: digits of the birth-date part differing
            # while each NIK agrees with its own record's birth date (two Rahmas born 03-07
            # and 01-01), or only the kecamatan code and serial (namesakes born on one day
            # in two kecamatan). `nik_date_ok`: the NIK's date digits match birth date and
            # sex ('1'), do not ('0'), or cannot be checked (NULL).
            Level(
                f"{_NIK_NEAR} AND {{jw}}(name_given_l, name_given_r) >= 0.85"
                " AND (substr(nik_l, 1, 4) <> substr(nik_r, 1, 4)"
                " OR (substr(nik_l, 7, 6) <> substr(nik_r, 7, 6)"
                " AND (nik_date_ok_l = '0' OR nik_date_ok_r = '0'"
                " OR nik_date_ok_l IS NULL OR nik_date_ok_r IS NULL)))",
                "beda 1-2 digit",
            ),
            # The date digits of the two NIKs agree although the birth dates do not: one
            # birth date was mistyped (different people with different birth dates have
            # NIKs that differ in the date part).
            Level(
                f"{_NIK_NEAR} AND {{jw}}(name_given_l, name_given_r) >= 0.85"
                " AND substr(nik_l, 1, 4) = substr(nik_r, 1, 4)"
                " AND substr(nik_l, 7, 6) = substr(nik_r, 7, 6)"
                " AND birth_date_l <> birth_date_r",
                "beda 1-2 digit di kode kecamatan/nomor urut, tanggal di NIK sama",
            ),
            Level(
                f"{_NIK_NEAR} AND {{jw}}(name_given_l, name_given_r) >= 0.85"
                " AND substr(nik_l, 1, 12) = substr(nik_r, 1, 12)",
                "beda 1-2 digit di nomor urut",
            ),
            Level(
                f"{_NIK_NEAR} AND {{jw}}(name_given_l, name_given_r) >= 0.85"
                " AND substr(nik_l, 1, 4) = substr(nik_r, 1, 4)"
                " AND substr(nik_l, 7, 6) = substr(nik_r, 7, 6)",
                "beda 1-2 digit di kode kecamatan (dan nomor urut)",
            ),
            _else(),
        ),
    ),
    Field(
        "name",
        "Nama",
        (
            _null("name_fold"),
            Level("name_fold_l = name_fold_r", "sama", tf_column="name_fold"),
            Level("name_sorted_l = name_sorted_r", "sama, urutan kata berbeda"),
            Level(
                "{jw}(name_fold_l, name_fold_r) >= 0.92"
                " AND {jw}(name_given_l, name_given_r) >= 0.85",
                "sangat mirip",
            ),
            # One name inside the other: a dropped word. When the shorter is a single
            # word ("Aziz" for "Syamsul Aziz") it says much less, and less still when
            # that word is common: its own level, adjusted by the given name's frequency.
            Level(
                "(instr(concat(' ', name_fold_l, ' '), concat(' ', name_fold_r, ' ')) > 0"
                " AND instr(name_fold_r, ' ') > 0)"
                " OR (instr(concat(' ', name_fold_r, ' '), concat(' ', name_fold_l, ' ')) > 0"
                " AND instr(name_fold_l, ' ') > 0)",
                "sebagian sama (satu nama memuat nama lainnya)",
            ),
            Level(
                "instr(concat(' ', name_fold_l, ' '), concat(' ', name_fold_r, ' ')) > 0"
                " OR instr(concat(' ', name_fold_r, ' '), concat(' ', name_fold_l, ' ')) > 0",
                "hanya satu kata nama yang tercatat, kata itu sama",
                tf_column="name_given",
            ),
            Level(
                "{jw}(name_fold_l, name_fold_r) >= 0.85"
                " AND {jw}(name_given_l, name_given_r) >= 0.85",
                "mirip",
            ),
            # Also the reference Splink needs for the single-word level's frequency
            # adjustment (an exact-match level on name_given).
            Level("name_given_l = name_given_r", "nama depan sama, selebihnya berbeda"),
            _else(),
        ),
    ),
    Field(
        "birth_date",
        "Tanggal lahir",
        (
            _null("birth_date"),
            Level("birth_date_l = birth_date_r", "sama persis"),
            # One day or one year apart: a date given from memory or worked out from an
            # age ("umurnya 45") slips by a year, a day is miscounted. Arithmetic on the
            # parts, not on dates, so the month or decade boundary counts ("1979" and
            # "1980" differ in two digits and would otherwise be "berbeda"), and the SQL
            # stays the same in DuckDB and Spark.
            Level(
                "(substr(birth_date_l, 6, 5) = substr(birth_date_r, 6, 5)"
                " AND abs(CAST(substr(birth_date_l, 1, 4) AS INT)"
                " - CAST(substr(birth_date_r, 1, 4) AS INT)) = 1)"
                " OR (substr(birth_date_l, 1, 7) = substr(birth_date_r, 1, 7)"
                " AND abs(CAST(substr(birth_date_l, 9, 2) AS INT)"
                " - CAST(substr(birth_date_r, 9, 2) AS INT)) = 1)",
                "selisih 1 hari, atau 1 tahun dengan hari dan bulan sama",
            ),
            Level(
                "substr(birth_date_l, 1, 4) = substr(birth_date_r, 1, 4)"
                " AND substr(birth_date_l, 6, 2) = substr(birth_date_r, 9, 2)"
                " AND substr(birth_date_l, 9, 2) = substr(birth_date_r, 6, 2)",
                "hari dan bulan tertukar",
            ),
            Level(
                "levenshtein(birth_date_l, birth_date_r) <= 1"
                " OR (substr(birth_date_l, 1, 8) = substr(birth_date_r, 1, 8)"
                " AND substr(birth_date_l, 9, 1) = substr(birth_date_r, 10, 1)"
                " AND substr(birth_date_l, 10, 1) = substr(birth_date_r, 9, 1))",
                "beda 1 angka atau 2 angka hari tertukar",
            ),
            Level(
                "levenshtein(birth_date_l, birth_date_r) <= 2"
                " AND substr(birth_date_l, 1, 4) = substr(birth_date_r, 1, 4)",
                "tahun sama, beda 2 angka",
            ),
            _else(),
        ),
    ),
    Field(
        "sex",
        "Jenis kelamin",
        (_null("sex"), Level("sex_l = sex_r", "sama"), _else()),
    ),
    Field(
        "birth_place",
        "Tempat lahir",
        (
            _null("birth_place"),
            Level("birth_place_l = birth_place_r", "sama"),
            Level("{jw}(birth_place_l, birth_place_r) >= 0.88", "mirip"),
            _else(),
        ),
    ),
    # Kelurahan and KK in one comparison: one KK lies in one kelurahan, so counting
    # "same KK" and "same kelurahan" as two independent agreements would overcount
    # (and merge twins of one KK).
    Field(
        "village",
        "Kelurahan/desa dan No. KK",
        (
            Level(
                "(village_id_l IS NULL OR village_id_r IS NULL)"
                " AND (no_kk_l IS NULL OR no_kk_r IS NULL)",
                "tidak ada data",
                null=True,
            ),
            Level("no_kk_l = no_kk_r", "KK sama"),
            Level("village_id_l = village_id_r", "kelurahan sama, KK lain"),
            Level("district_id_l = district_id_r", "kelurahan lain, kecamatan sama"),
            _else(),
        ),
    ),
)

# Pairs scored at all: each rule is an equi-join, so the work grows with the sizes of
# the blocks, not with the square of the registry.
BLOCKING_RULES: tuple[tuple[str, ...], ...] = (
    ("nik",),
    ("birth_date", "name_given"),
    ("birth_date", "name_last"),
    ("birth_year", "name_sorted"),
    ("village_id", "name_fold"),
    ("village_id", "name_sorted"),
    ("no_kk", "name_given"),
    ("district_id", "birth_year", "name_given"),
    ("village_id", "birth_date"),
    ("no_kk", "birth_year"),
    ("village_id", "birth_year", "name_last"),
    ("nik_head", "name_given"),
    ("nik_tail", "name_given"),
    # A person recorded twice without a NIK, the birth date a year or a day off and the
    # name misspelt (issue 14): nothing above holds for such a pair when the misspelt
    # word is the one a rule needs. Same kelurahan, the same day and month (any year)
    # or the same month of the same year, and the same first letter of the given name
    # (typing errors rarely hit the first letter; the old spellings are folded before).
    ("village_id", "birth_md", "name_initial"),
    ("village_id", "birth_ym", "name_initial"),
)

JW_FUNCTION = {"duckdb": "jaro_winkler_similarity", "spark": "jaro_winkler"}


def render(sql: str, dialect: str) -> str:
    return sql.replace("{jw}", JW_FUNCTION[dialect])


def blocking_rule_sql(cols: tuple[str, ...]) -> str:
    return " AND ".join(f"l.{c} = r.{c}" for c in cols)


def settings(dialect: str = "duckdb", params: dict[str, Any] | None = None) -> dict[str, Any]:
    """A Splink settings dict for `dialect`, with the trained m/u from `params` (the
    output of `parameters(model_json)`) when given."""
    comparisons = []
    for f in FIELDS:
        levels: list[dict[str, Any]] = []
        trained = (params or {}).get(f.key)
        for i, level in enumerate(f.levels):
            d: dict[str, Any] = {"label_for_charts": level.words}
            if level.sql == "ELSE":
                d["sql_condition"] = "ELSE"
            else:
                d["sql_condition"] = render(_quote(level.sql), dialect)
            if level.null:
                d["is_null_level"] = True
            if level.tf_column:
                d["tf_adjustment_column"] = level.tf_column
                d["tf_adjustment_weight"] = 1.0
            if trained and not level.null:
                d["m_probability"], d["u_probability"] = trained[i]
            levels.append(d)
        comparisons.append(
            {
                "output_column_name": f.key,
                "comparison_description": f.label,
                "comparison_levels": levels,
            }
        )
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": (params or {}).get("__prior__", PRIOR),
        "comparisons": comparisons,
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": blocking_rule_sql(cols)} for cols in BLOCKING_RULES
        ],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": True,
        "additional_columns_to_retain": [],
        "sql_dialect": dialect,
    }


def _quote(sql: str) -> str:
    # Column names are plain identifiers; Splink accepts them unquoted in both dialects.
    return sql


def parameters(model: dict[str, Any]) -> dict[str, Any]:
    """{field key: [(m, u) per level, None for the null level], "__prior__": lambda}
    from a Splink settings dict (model.json)."""
    out: dict[str, Any] = {
        "__prior__": model["probability_two_random_records_match"],
        "__reference_records__": REFERENCE_RECORDS,
    }
    by_name = {c["output_column_name"]: c for c in model["comparisons"]}
    for f in FIELDS:
        levels = by_name[f.key]["comparison_levels"]
        if len(levels) != len(f.levels):
            raise ValueError(f"model.json does not match the model structure for {f.key}")
        out[f.key] = [
            None if lv.get("is_null_level") else (lv.get("m_probability"), lv.get("u_probability"))
            for lv in levels
        ]
    return out
