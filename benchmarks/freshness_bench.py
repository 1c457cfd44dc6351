"""Data freshness at city scale (issue 17), on a seeded database (run seed_bench.py
first, e.g. 500,000 households / about 2 million persons):

    .venv/bin/python benchmarks/seed_bench.py --households 500000 --home /tmp/psks-bench --fresh
    .venv/bin/python benchmarks/freshness_bench.py --home /tmp/psks-bench

- `refresh()` of every household (the nightly `pilar freshness`), timed once; then
  synthetic verification dates (a fixture, set-based) and a second refresh.
- The due-visit list of the kelurahan with the most households, as its PSM opens it:
  GET /kunjungan/<kelurahan>/ (page 1 and its count) and the same list as the due
  query alone, server time through Django's test Client. Target: < 200 ms.
- One household refreshed after a report (what a submission's signal runs).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import append_results, database_facts, setup_django, table  # noqa: E402


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", required=True)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    setup_django(args.home)

    from django.db import connection
    from django.test import Client

    from pilar.accounts.models import User
    from pilar.core.dates import today
    from pilar.freshness.overdue import due_list
    from pilar.freshness.refresh import refresh, refresh_all

    started = time.perf_counter()
    n = refresh()
    first_refresh = time.perf_counter() - started
    # Verification dates over the past 30 months (fixture): about 10 % overdue.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE freshness_householdfreshness SET last_verified_on = "
            "current_date - ((household_id * 7919) % 900)::int"
        )
    started = time.perf_counter()
    refresh_all()  # what `pilar freshness` runs nightly: refresh, then VACUUM (ANALYZE)
    second_refresh = time.perf_counter() - started

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT village_id, count(*) FROM freshness_householdfreshness "
            "GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
        )
        village, households = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM freshness_householdfreshness WHERE village_id = %s "
            "AND due_on <= %s",
            [village, today()],
        )
        overdue = cursor.fetchone()[0]
    psm, _ = User.objects.get_or_create(
        username="bench-psm-due",
        defaults={"role": "psm", "village_id": village, "district_id": village[:8]},
    )
    client = Client()
    client.force_login(psm)
    url = f"/kunjungan/{village}/"
    assert client.get(url).status_code == 200

    def query():
        qs = due_list(psm, village)
        qs.count()
        list(qs[:25])

    page = timed(lambda: client.get(url), args.runs)
    late = timed(lambda: client.get(url + "?status=terlambat"), args.runs)
    q = timed(query, args.runs)
    one_id = connection.cursor()
    one_id.execute(
        "SELECT household_id FROM freshness_householdfreshness WHERE village_id = %s LIMIT 1",
        [village],
    )
    hid = one_id.fetchone()[0]
    one = timed(lambda: refresh([hid]), args.runs)

    def row(name, values, target):
        p95 = pct(values, 95)
        return (
            name,
            len(values),
            f"{statistics.median(values):.1f}",
            f"{p95:.1f}",
            f"{max(values):.1f}",
            target or "-",
            ("ok" if p95 < target else "FAIL") if target else "-",
        )

    rows = [
        row(f"GET {url} (PSM, page 1 + count)", page, 200),
        row("same, overdue only", late, 200),
        row("due_list query (count + 25 rows)", q, 200),
        row("refresh one household (after a report)", one, None),
    ]
    header = ("measure", "n", "p50 ms", "p95 ms", "max ms", "target ms", "result")
    body = (
        f"{database_facts()}. Largest kelurahan {village}: {households:,} households, "
        f"{overdue:,} overdue. Full refresh of {n:,} households: {first_refresh:.1f} s "
        f"(first, empty table), {second_refresh:.1f} s (with verification dates, "
        "then VACUUM ANALYZE as `pilar freshness` does). Server "
        "time through Django's test Client.\n\n" + table(rows, header)
    )
    print(body)
    if not args.no_record:
        append_results("Data freshness (benchmarks/freshness_bench.py)", body)


if __name__ == "__main__":
    main()
