"""Field reports at city scale (issue 3), on a seeded database (run seed_bench.py first).

    .venv/bin/python benchmarks/verivali_bench.py --home /tmp/pilar-bench --reports 10000

- Inbox: N reports waiting for one TKSK (submitted, in their kecamatan) and N
  waiting for Dinas Sosial (verified) are inserted once (bulk, marked with
  notes='bench'); then the server time of GET /laporan/kotak-masuk/ and of
  GET /api/v1/reports/inbox is measured through Django's test Client.
  Target: < 300 ms.
- Field app first sync: GET /api/v1/field/package for the PSM of the kelurahan
  with the most households (everything the phone caches), server time and size,
  gzipped as sent. Target: < 10 s for a kelurahan of 5,000 households.
"""

from __future__ import annotations

import argparse
import gzip
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import append_results, database_facts, setup_django, table  # noqa: E402


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def user(username: str, role: str, **area):
    from pilar.accounts.models import User

    obj, _ = User.objects.get_or_create(username=username, defaults={"role": role, **area})
    return obj


def insert_reports(n: int, district: str, status: str, reporter, verifier=None) -> int:
    """Waiting reports spread over the kecamatan's households (set-based: a benchmark
    fixture, not a behaviour under test)."""
    from django.utils import timezone

    from pilar.registry.models import Household
    from pilar.submissions.models import Submission

    existing = Submission.objects.filter(notes="bench", status=status).count()
    if existing >= n:
        return existing
    households = list(
        Household.objects.filter(village__code__startswith=district + ".").values_list(
            "pk", "village_id"
        )[: max(n, 1)]
    )
    rng = random.Random(1)
    now = timezone.now()
    batch = []
    for i in range(n - existing):
        hid, village = households[i % len(households)]
        at = now - timezone.timedelta(hours=rng.randint(1, 24 * 60))
        batch.append(
            Submission(
                client_id=uuid.uuid4(),
                kind="perubahan",
                status=status,
                reporter=reporter,
                village_id=village,
                household_id=hid,
                payload={"household": {"rt": str(rng.randint(1, 20))}},
                base={"household.rt": "001"},
                notes="bench",
                submitted_at=at,
                first_submitted_at=at,
                verified_at=now if verifier else None,
                verified_by=verifier,
            )
        )
    Submission.objects.bulk_create(batch, batch_size=2000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE submissions_submission")
    return n


def timed_get(client, url: str, runs: int) -> tuple[list[float], int, int]:
    times, size, status = [], 0, 0
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        times.append((time.perf_counter() - start) * 1000)
        status = response.status_code
        body = response.content if not response.streaming else b"".join(response.streaming_content)
        size = len(body)
    return times, size, status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", required=True)
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--sync-runs", type=int, default=5)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    setup_django(args.home)

    from django.db.models import Count
    from django.test import Client
    from django.test.utils import setup_test_environment

    from pilar.accounts.choices import Role
    from pilar.registry.models import Household

    setup_test_environment()
    district = "36.71.01"
    reporter = user(
        "bench-psm-reporter", Role.PSM, village_id="36.71.01.1001", district_id=district
    )
    tksk = user("bench-tksk", Role.TKSK, district_id=district)
    dinsos = user("bench-dinsos", Role.DINSOS)
    insert_reports(args.reports, district, "diajukan", reporter)
    insert_reports(args.reports, district, "diverifikasi", reporter, verifier=tksk)

    rows = []
    for who, persona in (("TKSK", tksk), ("Dinas Sosial", dinsos)):
        client = Client()
        client.force_login(persona)
        for label, url in (
            ("page", "/laporan/kotak-masuk/"),
            ("API", "/api/v1/reports/inbox?limit=25"),
        ):
            client.get(url)  # warm-up
            times, _, status = timed_get(client, url, args.runs)
            rows.append(
                (
                    f"inbox {label} ({who}, {args.reports:,} waiting)",
                    args.runs,
                    f"{statistics.median(times):.1f}",
                    f"{pct(times, 95):.1f}",
                    "< 300",
                    ("ok" if pct(times, 95) < 300 else "OVER 300") + f" (HTTP {status})",
                )
            )

    top = (
        Household.objects.filter(is_active=True)
        .values("village_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    village = top["village_id"]
    psm = user("bench-psm-sync", Role.PSM, village_id=village, district_id=village[:8])
    client = Client()
    client.force_login(psm)
    times, size, status = timed_get(client, "/api/v1/field/package", args.sync_runs)
    raw = client.get("/api/v1/field/package")
    body = raw.content
    plain = gzip.decompress(body) if raw.get("Content-Encoding") == "gzip" else body
    rows.append(
        (
            f"field app first sync ({top['n']:,} households, kelurahan {village})",
            args.sync_runs,
            f"{statistics.median(times):.1f}",
            f"{pct(times, 95):.1f}",
            "< 10000",
            ("ok" if pct(times, 95) < 10_000 else "OVER")
            + f" (HTTP {status}; {size / 1e6:.2f} MB sent, {len(plain) / 1e6:.2f} MB JSON)",
        )
    )
    text = (
        f"{database_facts()}. Server time through Django's test Client (no network).\n\n"
        + table(rows, ("measure", "n", "p50 ms", "p95 ms", "target", "result"))
    )
    print(text)
    if not args.no_record:
        append_results("Field reports: inbox and first sync (benchmarks/verivali_bench.py)", text)


if __name__ == "__main__":
    main()
