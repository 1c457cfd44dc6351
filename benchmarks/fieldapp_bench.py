"""The field app's first sync of one kelurahan, on a seeded database
(run benchmarks/seed_bench.py first; 520,000 households gives ~5,000 per kelurahan
and ~2 million persons).

    .venv/bin/python benchmarks/fieldapp_bench.py --home /tmp/pilar-bench

- Server: GET /api/v1/field/package as the kelurahan's PSM (bearer token, gzip
  accepted) through Django's test Client, 5 runs (the first is cold); also the
  SQL alone and the gzip alone.
- Phone side (if /usr/bin/chromium and Playwright are there): the gzipped package
  handed to Chromium, which inflates, parses and stores it in IndexedDB with the
  app's own db.js (PilarDB.replaceHouseholds), as the app does on a first sync.

Target (issue 3): first sync of a kelurahan with 5,000 households under 10 s with
2 million persons in the registry.
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, append_results, database_facts, setup_django, table  # noqa: E402


def biggest_village() -> tuple[str, int]:
    from django.db.models import Count

    from pilar.registry.models import Household

    row = (
        Household.objects.filter(is_active=True)
        .values("village_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    return row["village_id"], row["n"]


def psm_for(village: str):
    from pilar.accounts.models import User

    user, _ = User.objects.get_or_create(
        username=f"bench-psm-{village.replace('.', '')}",
        defaults={"role": "psm", "village_id": village, "district_id": village[:8]},
    )
    return user


def time_server(user, runs: int) -> tuple[list[float], bytes, int]:
    from django.test import Client

    from pilar.accounts.models import ApiToken

    _, key = ApiToken.issue(user, name="bench")
    client = Client()
    times, body, raw_len = [], b"", 0
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(
            "/api/v1/field/package",
            HTTP_AUTHORIZATION=f"Bearer {key}",
            HTTP_ACCEPT_ENCODING="gzip",
        )
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.content[:300]
        body = response.content
    raw_len = len(gzip.decompress(body))
    return times, body, raw_len


def time_parts(user, village: str) -> tuple[float, float, int]:
    from django.utils.text import compress_string

    from pilar.fieldapp.api import households_json

    start = time.perf_counter()
    text = households_json(user, village)
    sql = time.perf_counter() - start
    data = text.encode()
    start = time.perf_counter()
    compress_string(data)
    gz = time.perf_counter() - start
    return sql, gz, len(data)


def time_phone(body: bytes) -> float | None:
    """Inflate + JSON.parse + IndexedDB write in Chromium, with the app's db.js."""
    if not os.path.exists("/usr/bin/chromium"):
        return None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    db_js = (ROOT / "pilar/fieldapp/static/fieldapp/db.js").read_text()
    html = f"<!doctype html><meta charset=utf-8><script>{db_js}</script>"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=["--no-sandbox", "--disable-gpu"],
        )
        page = browser.new_page()
        page.route(
            "http://pilar.test/",
            lambda route: route.fulfill(body=html, content_type="text/html"),
        )
        page.route(
            "http://pilar.test/package",
            lambda route: route.fulfill(
                body=body,
                # Playwright hands the bytes over as they are; the page inflates them.
                headers={"Content-Type": "application/octet-stream"},
            ),
        )
        page.goto("http://pilar.test/")
        seconds = page.evaluate(
            """async () => {
              const t0 = performance.now();
              const r = await fetch('/package');
              const inflated = r.body.pipeThrough(new DecompressionStream('gzip'));
              const pkg = await new Response(inflated).json();
              await PilarDB.replaceHouseholds(pkg.households);
              const n = await PilarDB.count('households');
              if (n !== pkg.households.length) throw new Error('stored ' + n);
              return (performance.now() - t0) / 1000;
            }"""
        )
        browser.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--kelurahan", default="", help="default: the one with most households")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    setup_django(args.home)

    from pilar.registry.models import Household, Person

    village, households = biggest_village()
    if args.kelurahan:
        village = args.kelurahan
        households = Household.objects.filter(village_id=village, is_active=True).count()
    persons = Person.objects.filter(household__village_id=village, is_active=True).count()
    user = psm_for(village)
    times, body, raw_len = time_server(user, args.runs)
    sql, gz, _ = time_parts(user, village)
    phone = time_phone(body)

    rows = [
        ("kelurahan", f"{village} ({households:,} households, {persons:,} persons)"),
        ("server, first request (cold)", f"{times[0]:.2f} s"),
        ("server, median of the rest", f"{statistics.median(times[1:] or times):.2f} s"),
        ("  of which SQL (json_agg)", f"{sql:.2f} s"),
        ("  of which gzip", f"{gz:.2f} s"),
        ("response size", f"{raw_len / 1e6:.1f} MB JSON, {len(body) / 1e6:.2f} MB gzipped"),
        (
            "phone side in Chromium (inflate, parse, IndexedDB)",
            f"{phone:.2f} s" if phone is not None else "not measured (no Chromium)",
        ),
        (
            "first sync total (cold server + phone side)",
            f"{times[0] + (phone or 0):.2f} s (target < 10 s; network transfer not included)",
        ),
    ]
    text = table(rows, ("measure", "value"))
    text = f"{database_facts()}\n\n{text}"
    print(text)
    if not args.no_record:
        append_results("Field app: first sync of one kelurahan (fieldapp_bench.py)", text)


if __name__ == "__main__":
    main()
