"""Official recaps at city scale (issue 13): each recap of the whole city as XLSX and
PDF, through the page (Django test Client, in process: server time, including the
access-log write), and the monthly report. On a database seeded with 500,000
households (about 1.9 million persons) plus the set-based assessment fixture of
programs_bench.py:

    .venv/bin/python benchmarks/seed_bench.py --households 500000 \\
        --home /tmp/pilar-bench-recaps --fresh --no-record
    .venv/bin/python benchmarks/recaps_bench.py --home /tmp/pilar-bench-recaps

Targets: a city recap XLSX < 2 s, PDF < 5 s. Before timing, the figures are rebuilt
and the month a year earlier is backfilled (so the PPKS recap compares with it);
neither is timed here (figures_bench.py times the rebuild).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import append_results, database_facts, setup_django, table  # noqa: E402

TARGETS = {"xlsx": 2000, "pdf": 5000}


def prepare() -> str:
    from programs_bench import add_fixture

    from pilar.assessments.models import PovertyAssessment
    from pilar.figures import refresh, snapshots
    from pilar.figures.models import Snapshot
    from pilar.recaps import periods

    notes = []
    if not PovertyAssessment.objects.filter(notes="bench").exists():
        done = add_fixture()
        notes.append(", ".join(f"{k} {v:,}" for k, v in done.items()))
    started = time.monotonic()
    refresh.rebuild()
    notes.append(f"figures rebuilt in {time.monotonic() - started:.1f} s")
    earlier = periods.add_months(periods.current_month(), -12)
    if not Snapshot.objects.filter(month=earlier).exists():
        started = time.monotonic()
        snapshots.backfill(earlier)
        notes.append(f"{earlier:%Y-%m} backfilled in {time.monotonic() - started:.1f} s")
    return "; ".join(notes)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    setup_django(args.home)

    from django.test import Client

    from pilar.accounts.choices import Role
    from pilar.accounts.models import User
    from pilar.recaps import monthly, periods
    from pilar.recaps.builders import RECAPS

    prepared = prepare()
    user, _ = User.objects.get_or_create(username="bench-dinsos", defaults={"role": Role.DINSOS})
    client = Client()
    client.force_login(user)
    month = f"{periods.current_month():%Y-%m}"
    # The first request of a fresh process loads Django's URL resolver, templates and
    # the writers' modules, and opens the connection: timed apart, not in the runs.
    started = time.perf_counter()
    client.get("/rekap/ppks.xlsx", {"bulan": month})
    cold_ms = (time.perf_counter() - started) * 1000
    rows = []
    for recap in RECAPS:
        for fmt in ("xlsx", "pdf"):
            times, size = [], 0
            for _ in range(args.runs):
                started = time.perf_counter()
                response = client.get(f"/rekap/{recap.slug}.{fmt}", {"bulan": month})
                body = b"".join(response.streaming_content)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (recap.slug, fmt, response.status_code)
                size = len(body)
            worst = max(times)
            rows.append(
                (
                    recap.title,
                    fmt.upper(),
                    f"{size / 1024:.0f} KB",
                    f"{statistics.median(times):.0f}",
                    f"{worst:.0f}",
                    f"< {TARGETS[fmt]}",
                    "ok" if worst < TARGETS[fmt] else "NOT MET",
                )
            )
            print(rows[-1], flush=True)
    started = time.perf_counter()
    report = monthly.generate(periods.current_month())
    monthly_ms = (time.perf_counter() - started) * 1000
    body = "\n\n".join(
        [
            f"{database_facts()}. {prepared}. City recaps for {month} (the kept figures; the "
            f"PPKS recap compares with the backfilled month a year earlier), Dinas Sosial, "
            f"{args.runs} runs each, through the page (server time, in process), after "
            f"one untimed warm-up request (the first request of the process: "
            f"{cold_ms:.0f} ms).",
            table(rows, ("recap", "format", "size", "p50 ms", "max ms", "target", "met")),
            f"Monthly report (headline figures, 5 charts, 7 recap tables; one run): "
            f"{monthly_ms:.0f} ms, {report.size / 1024:.0f} KB.",
        ]
    )
    print(body)
    if not args.no_record:
        append_results("Recaps (benchmarks/recaps_bench.py)", body)


if __name__ == "__main__":
    main()
