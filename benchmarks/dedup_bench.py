"""Deduplicate about 2 million persons with the linkage engine (Splink on DuckDB).

    .venv/bin/python benchmarks/dedup_bench.py --persons 2000000
    .venv/bin/python benchmarks/dedup_bench.py --home /tmp/pilar-bench   # + score_registry

Persons come from the independent evaluation generator (`pilar.demo.evalset`;
`--generator truthset` for the training generator), built in memory, not through
PostgreSQL, so precision/recall can be measured against the known truth. As
`pilar dedup run` does since issue 14, the parameters are first estimated on the
records themselves (`training.fit`), then the pairs scored (`find_pairs`); both timed.
With `--home` pointing at a seeded benchmark database (benchmarks/seed_bench.py),
`score_registry()` is also timed end to end from PostgreSQL (COPY ... TO STDOUT).

Targets (issue 4): 2,000,000 persons in at most 15 minutes, peak memory at most 8 GB
(peak RSS of this process and its children, `getrusage` ru_maxrss).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import append_results, table  # noqa: E402


def peak_rss_gb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024 / 1024  # ru_maxrss is in KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--generator",
        default="evalset",
        choices=("evalset", "truthset"),
        help="independent evaluation generator (default) or the training generator",
    )
    parser.add_argument("--home", default="", help="seeded PILAR_HOME: also time score_registry")
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilar.settings")
    if args.home:
        from _common import setup_django

        setup_django(args.home)
    from pilar.dedup import linkage, training
    from pilar.demo import evalset, truthset

    rows = []
    started = time.perf_counter()
    if args.generator == "evalset":
        # Persons per household of the evaluation set (with duplicates) is about 4.26.
        households = max(1, round(args.persons / 4.26))
        frame = evalset.generate(households, seed=args.seed)
        truth = evalset.true_pairs(frame)
    else:
        # Persons per household of the truth set (with duplicates) is about 3.93.
        households = max(1, round(args.persons / 3.93))
        frame = truthset.generate(households, seed=args.seed)
        truth = truthset.true_pairs(frame)
    t_generate = time.perf_counter() - started
    n = len(frame)
    print(f"generated {n:,} persons ({len(truth):,} true pairs) in {t_generate:.0f} s", flush=True)
    records = frame.drop(columns=["entity", "kind"])
    del frame

    started = time.perf_counter()
    prepared = linkage.prepare(records)
    t_prepare = time.perf_counter() - started
    print(f"prepared in {t_prepare:.0f} s", flush=True)
    started = time.perf_counter()
    model = training.fit(prepared)
    t_fit = time.perf_counter() - started
    print(f"trained on the records in {t_fit:.0f} s: {model.source}; {model.notes}", flush=True)
    started = time.perf_counter()
    pairs = linkage.find_pairs(prepared, params=model.params)
    t_score = time.perf_counter() - started + t_fit
    quality = truthset.evaluate(pairs, truth)
    peak = peak_rss_gb()
    total = t_prepare + t_score
    print(f"scored in {t_score:.0f} s: {quality}; peak RSS {peak:.2f} GB", flush=True)
    ok_time = "ok" if total <= 900 else "OVER 15 min"
    ok_mem = "ok" if peak <= 8 else "OVER 8 GB"
    rows.append(
        (
            f"fit + find_pairs (DuckDB), {args.generator} persons",
            f"{n:,}",
            f"{t_prepare:.0f}",
            f"{t_score:.0f}",
            f"{total:.0f}",
            f"{peak:.2f}",
            f"{quality.precision:.4f} / {quality.recall:.4f} / {quality.f1:.4f}",
            f"{ok_time}, {ok_mem}",
        )
    )

    registry_note = "score_registry from PostgreSQL: not measured (no --home given)."
    if args.home:
        from _common import database_facts
        from django.db import connection

        del prepared, records, pairs
        connection.ensure_connection()
        started = time.perf_counter()
        frame = linkage.read_registry()
        t_read = time.perf_counter() - started
        del frame
        started = time.perf_counter()
        scored = linkage.score_registry()
        t_all = time.perf_counter() - started
        peak = peak_rss_gb()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM registry_person WHERE is_active")
            persons = cursor.fetchone()[0]
        rows.append(
            (
                "score_registry (PostgreSQL COPY -> DuckDB)",
                f"{persons:,}",
                f"{t_read:.0f} (COPY)",
                "",
                f"{t_all:.0f}",
                f"{peak:.2f}",
                f"{len(scored):,} pairs (no truth)",
                "ok" if t_all <= 900 and peak <= 8 else "OVER",
            )
        )
        registry_note = f"score_registry on {database_facts()}."

    body = table(
        rows,
        (
            "run",
            "persons",
            "prepare s",
            "fit + score s",
            "total s",
            "peak RSS GB",
            "P / R / F1",
            "target",
        ),
    )
    print(body)
    print(registry_note)
    if not args.no_record:
        note = (
            f"{args.generator} persons (seed {args.seed}, generated in {t_generate:.0f} s, "
            "not timed), "
            f"{len(truth):,} true duplicate pairs; threshold {linkage.DEFAULT_THRESHOLD}. "
            "Peak RSS = getrusage(SELF) + getrusage(CHILDREN) ru_maxrss. "
            f"{registry_note}"
        )
        append_results("Dedup (benchmarks/dedup_bench.py)", f"{note}\n\n{body}")


if __name__ == "__main__":
    main()
