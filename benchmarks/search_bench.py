"""Finding a person by a misspelt name at city scale (issue 14, part 4).

    .venv/bin/python benchmarks/seed_bench.py --households 525000 --home /tmp/pilar-search --fresh
    .venv/bin/python benchmarks/search_bench.py --home /tmp/pilar-search --queries 200

Samples persons whose name has two words or more from the seeded registry, misspells
each once with ``misspellings.py`` (written apart from the search: dropped, doubled,
swapped and replaced letters, the Muhammad family, old spellings, the family name
left out; the kinds in turn), and asks, as Dinas Sosial through Django's test Client
(server time, no network):

- ``GET /api/v1/persons?search=...``: is the person sought among the first 25?
- ``GET /keluarga/?q=...`` (the household list page): is their household on page 1?

A name held exactly by more than 25 active persons cannot put one of them on page 1
by the name alone (the registry generator repeats common names); such queries are
counted apart as "ambiguous" and the rate is given with and without them.

Targets: the person on page 1 for >= 95 % of queries, p95 < 200 ms for both.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from itertools import cycle
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import append_results, database_facts, setup_django, table  # noqa: E402
from misspellings import KINDS, MUHAMMAD_SPELLINGS, misspell  # noqa: E402

# First words the generator's Muhammad family can rewrite (misspellings.py).
MUHAMMAD_FIRST = ("muhammad", "muhamad", "mohammad", "mohamad", "moch.", "moh.", "m.")


def one_name(name: str) -> str:
    """A name with every spelling of Muhammad written alike (the generator's list)."""
    return " ".join(
        "muhammad" if w.rstrip(".").lower() in MUHAMMAD_SPELLINGS else w.lower()
        for w in name.split()
    )


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", default="/tmp/pilar-search")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--user", default="dinsos", help="a Dinas Sosial account")
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--show-slowest", type=int, default=0, help="print the N slowest queries")
    args = parser.parse_args()
    setup_django(args.home)

    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from pilar.accounts.models import User

    rng = random.Random(args.seed)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, name, household_id FROM registry_person "
            "TABLESAMPLE SYSTEM (1) REPEATABLE (%s) WHERE is_active AND name LIKE '%% %%' "
            "LIMIT 20000",
            [args.seed],
        )
        sample = cursor.fetchall()
        rng.shuffle(sample)
        # A Muhammad-family query needs a name with Muhammad in it: those come from
        # their own sample (one query in seven), the others from the whole registry.
        cursor.execute(
            "SELECT id, name, household_id FROM registry_person "
            "TABLESAMPLE SYSTEM (5) REPEATABLE (%s) WHERE is_active AND name LIKE '%% %%' "
            "AND lower(split_part(name, ' ', 1)) = ANY(%s) LIMIT 5000",
            [args.seed, list(MUHAMMAD_FIRST)],
        )
        muhammad = cursor.fetchall()
        rng.shuffle(muhammad)
        wanted = [k for i, k in zip(range(args.queries), cycle(KINDS))]
        picks = iter(muhammad)
        others = iter(sample)
        sample = [next(picks) if k == "muhammad" else next(others) for k in wanted]
        holders = {}
        for _, name, _ in sample:
            # Through the words index: exact-name holders among 2 million.
            cursor.execute(
                "SELECT count(*) FROM registry_person WHERE is_active "
                "AND string_to_array(lower(name::text), ' ') @> string_to_array(lower(%s), ' ') "
                "AND lower(name) = lower(%s)",
                [name, name],
            )
            holders[name] = cursor.fetchone()[0]
    queries = []
    for i, (person_id, name, household_id) in enumerate(sample):
        typed, kind = misspell(name, rng, KINDS[i % len(KINDS)])
        queries.append((person_id, household_id, name, typed, kind))

    setup_test_environment()
    client = Client()
    client.force_login(User.objects.get(username=args.user))
    for _, _, _, typed, _ in queries[:5]:  # warm up: connection, templates, caches
        client.get("/api/v1/persons", {"search": typed})
        client.get("/keluarga/", {"q": typed})

    api_ms: list[float] = []
    page_ms: list[float] = []
    found: dict[str, Counter] = defaultdict(Counter)
    misses = []
    for person_id, household_id, name, typed, kind in queries:
        ambiguous = holders[name] > 25
        start = time.perf_counter()
        response = client.get("/api/v1/persons", {"search": typed})
        api_ms.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.content[:300]
        items = response.json()["items"]
        ids = [item["id"] for item in items]
        # Missed, but page 1 holds nothing but persons of exactly the sought name (any
        # spelling of Muhammad alike): the ranking did what a name can do.
        same_name = len(items) == 25 and all(
            one_name(item["name"]) == one_name(name) for item in items
        )
        start = time.perf_counter()
        page = client.get("/keluarga/", {"q": typed})
        page_ms.append((time.perf_counter() - start) * 1000)
        assert page.status_code == 200
        household_found = f'href="/keluarga/{household_id}/"' in page.content.decode()
        for key in ("all", kind, "ambiguous" if ambiguous else "resolvable"):
            found[key]["n"] += 1
            found[key]["person"] += person_id in ids
            found[key]["household"] += household_found
            found[key]["person_or_same"] += person_id in ids or same_name
        if person_id not in ids:
            misses.append((typed, name, kind, holders[name], len(ids)))

    if args.show_slowest:
        timed = sorted(
            zip(api_ms, page_ms, (q[3] for q in queries), (q[4] for q in queries), strict=True),
            key=lambda t: -max(t[0], t[1]),
        )
        for api, html, typed, kind in timed[: args.show_slowest]:
            print(f"{api:7.1f} ms API {html:7.1f} ms page  {kind:9} {typed}")

    def rate(key: str, what: str) -> str:
        n = found[key]["n"]
        return f"{found[key][what]}/{n} ({100 * found[key][what] / n:.0f} %)" if n else "–"

    rows = [
        (
            label,
            rate(key, "person"),
            rate(key, "household"),
            rate(key, "person_or_same"),
        )
        for label, key in [
            ("all queries", "all"),
            ("name held by <= 25 persons", "resolvable"),
            ("name held by > 25 persons (ambiguous)", "ambiguous"),
            *[(f"kind: {k}", k) for k in KINDS],
        ]
    ]
    found_table = table(
        rows,
        (
            "queries",
            "person on API page 1",
            "household on list page 1",
            "person on page 1, or page 1 all of the exact name",
        ),
    )
    timing = table(
        [
            (
                "GET /api/v1/persons?search=",
                len(api_ms),
                f"{statistics.median(api_ms):.1f}",
                f"{pct(api_ms, 95):.1f}",
                f"{max(api_ms):.1f}",
                "ok" if pct(api_ms, 95) < 200 else "OVER 200",
            ),
            (
                "GET /keluarga/?q=",
                len(page_ms),
                f"{statistics.median(page_ms):.1f}",
                f"{pct(page_ms, 95):.1f}",
                f"{max(page_ms):.1f}",
                "ok" if pct(page_ms, 95) < 200 else "OVER 200",
            ),
        ],
        ("request (dinsos)", "n", "p50 ms", "p95 ms", "max ms", "p95 < 200"),
    )
    examples = table(
        [(typed, name, kind) for _, _, name, typed, kind in queries[:: max(1, len(queries) // 8)]],
        ("typed", "person sought", "kind"),
    )
    print(found_table)
    print(timing)
    print(examples)
    if args.show_misses:
        for miss in misses:
            print("MISS", miss)
    facts = database_facts()
    print(facts)
    if not args.no_record:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_relation_size('person_name_keys'))")
            index_size = cursor.fetchone()[0]
        append_results(
            "Name search with misspellings (benchmarks/search_bench.py)",
            f"{facts}. {len(queries)} persons with a name of two words or more, sampled "
            f"(seed {args.seed}), each misspelt once by benchmarks/misspellings.py, the "
            f"kinds in turn; words index {index_size}. Server time through Django's test "
            f"Client, logged in as {args.user} (Dinas Sosial).\n\n"
            f"{found_table}\n\n{timing}\n\nExamples:\n\n"
            f"{examples}",
        )


if __name__ == "__main__":
    main()
