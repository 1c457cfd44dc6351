"""Query speed on a seeded database (run benchmarks/seed_bench.py first).

    .venv/bin/python benchmarks/query_bench.py --home /tmp/pilar-bench

- NIK lookup: 200 random existing NIKs, `Person.objects.restrict(dinsos).filter(nik=...)`.
- Name search: 100 misspelt names of existing persons, first page (25) of
  `persons_for(dinsos, PersonFilter(q=...))` and of
  `households_for(dinsos, HouseholdFilter(q=...))`.
- Household list page: server time of GET /keluarga/ and /keluarga/?kecamatan=... through
  Django's test Client, logged in as dinsos and as a PSM (falls back to timing
  `households_for(...)[:25]` plus `.count()` when the page does not exist).

Targets (issue 2): NIK p95 < 20 ms, name search p95 < 200 ms, list page p95 < 150 ms.
"""

from __future__ import annotations

import argparse
import random
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


def misspell(name: str, rng: random.Random) -> str:
    """A typical typo or spelling variant of an Indonesian name."""
    swaps = [
        ("Muhammad", "Muhamad"),
        ("Muhamad", "Muhammad"),
        ("Mohammad", "Muhammad"),
        ("ky", "ki"),
        ("ki", "ky"),
        ("y", "i"),
        ("oe", "u"),
        ("dj", "j"),
        ("aa", "a"),
        ("ah", "a"),
        ("tt", "t"),
        ("sy", "s"),
        ("i", "y"),
    ]
    rng.shuffle(swaps)
    for old, new in swaps:
        if old in name:
            return name.replace(old, new, 1)
    # Drop one inner letter.
    if len(name) > 5:
        i = rng.randrange(1, len(name) - 1)
        if name[i] != " ":
            return name[:i] + name[i + 1 :]
    return name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", default="/tmp/pilar-bench")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    setup_django(args.home)

    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from pilar.accounts.models import User
    from pilar.registry.filters import HouseholdFilter, PersonFilter, households_for, persons_for
    from pilar.registry.models import Person

    rng = random.Random(args.seed)
    dinsos = User.objects.get(username="dinsos")
    psm = User.objects.get(username="psm-3671011001")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nik, name FROM registry_person TABLESAMPLE SYSTEM (2) REPEATABLE (%s) "
            "WHERE nik IS NOT NULL AND is_active LIMIT 2000",
            [args.seed],
        )
        sample = cursor.fetchall()
    rng.shuffle(sample)
    niks = [nik for nik, _ in sample[:200]]
    names = [misspell(name, rng) for _, name in sample[200:300]]

    # Warm up (connection, caches), not measured.
    list(Person.objects.restrict(dinsos).filter(nik=niks[0]))
    list(persons_for(dinsos, PersonFilter(q=names[0]))[:25])

    results: list[tuple] = []

    def record(label: str, samples: list[float], target: float | None, note: str = ""):
        p95 = pct(samples, 95)
        verdict = "" if target is None else ("ok" if p95 < target else f"OVER {target:.0f}")
        results.append(
            (
                label,
                len(samples),
                f"{statistics.median(samples):.1f}",
                f"{p95:.1f}",
                f"{max(samples):.1f}",
                f"< {target:.0f}" if target else "",
                verdict + (f" {note}" if note else ""),
            )
        )
        print(results[-1], flush=True)

    found = 0
    samples = []
    for nik in niks:
        start = time.perf_counter()
        rows = list(Person.objects.restrict(dinsos).filter(nik=nik))
        samples.append((time.perf_counter() - start) * 1000)
        found += len(rows)
    assert found >= len(niks), "every sampled NIK must be found"
    record("NIK lookup (dinsos)", samples, 20)

    samples, hits = [], 0
    for name in names:
        start = time.perf_counter()
        rows = list(persons_for(dinsos, PersonFilter(q=name))[:25])
        samples.append((time.perf_counter() - start) * 1000)
        hits += bool(rows)
    record("name search, persons page 1 (dinsos)", samples, 200, f"({hits}/100 found)")

    samples, hits = [], 0
    for name in names:
        start = time.perf_counter()
        rows = list(households_for(dinsos, HouseholdFilter(q=name))[:25])
        samples.append((time.perf_counter() - start) * 1000)
        hits += bool(rows)
    record("name search, households page 1 (dinsos)", samples, 200, f"({hits}/100 found)")

    samples = []
    for name in names[:50]:
        start = time.perf_counter()
        rows = list(persons_for(psm, PersonFilter(q=name))[:25])
        samples.append((time.perf_counter() - start) * 1000)
    record("name search, persons page 1 (PSM)", samples, 200)

    setup_test_environment()
    client = Client()
    kecamatan = [f"36.71.{i:02d}" for i in range(1, 14)]
    client.force_login(dinsos)
    page_exists = client.get("/keluarga/").status_code == 200
    for user, label in ((dinsos, "dinsos"), (psm, "PSM")):
        client.force_login(user)
        for with_filter in (False, True):
            samples = []
            for i in range(60):
                url = "/keluarga/"
                if with_filter:
                    url += f"?kecamatan={kecamatan[i % 13] if label == 'dinsos' else '36.71.01'}"
                if page_exists:
                    start = time.perf_counter()
                    response = client.get(url)
                    elapsed = (time.perf_counter() - start) * 1000
                    assert response.status_code == 200, (url, response.status_code)
                else:
                    flt = HouseholdFilter.from_params(
                        {"kecamatan": url.split("=")[1]} if with_filter else {}
                    )
                    start = time.perf_counter()
                    qs = households_for(user, flt)
                    list(qs[:25])
                    qs.count()
                    elapsed = (time.perf_counter() - start) * 1000
                if i >= 5:  # first requests warm templates and caches
                    samples.append(elapsed)
            what = "GET " + ("/keluarga/?kecamatan=…" if with_filter else "/keluarga/")
            if not page_exists:
                what = "households_for[:25]+count" + (" kecamatan" if with_filter else "")
            record(f"household list: {what} ({label})", samples, 150)

    body = table(results, ("measure", "n", "p50 ms", "p95 ms", "max ms", "target", "result"))
    print(body)
    facts = database_facts()
    print(facts)
    if not args.no_record:
        how = (
            "List page timed through Django's test Client (server time, no network)."
            if page_exists
            else "The /keluarga/ page did not exist yet: timed households_for()[:25] + count()."
        )
        append_results("Queries (benchmarks/query_bench.py)", f"{facts}. {how}\n\n{body}")


if __name__ == "__main__":
    main()
