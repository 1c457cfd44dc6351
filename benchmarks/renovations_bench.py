"""Bedah Rumah pages at city scale (issue 5, part 6), on a seeded database with
RTLH assessments (run seed_bench.py, then programs_bench.py once for its
assessment fixture).

    .venv/bin/python benchmarks/renovations_bench.py --home /tmp/pilar-bench --renovations 5000

A fixture of N Bedah Rumah enrollments with their renovations (a third under way,
two thirds handed over over the last five years, with cost lines) is inserted once,
set-based and marked (contract number 'bench'); then the server time of the target
page, its API, the renovation list and the "siap dimulai" queue is measured through
Django's test Client, as Dinas Sosial (whole city) and as one TKSK.
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import append_results, database_facts, setup_django, table  # noqa: E402


def user(username: str, role: str, **area):
    from pilar.accounts.models import User

    obj, _ = User.objects.get_or_create(username=username, defaults={"role": role, **area})
    return obj


def fixture(n: int, dinsos) -> int:
    """N renovations of RTLH households (once; a benchmark fixture, not behaviour)."""
    from django.db import transaction

    from pilar.assessments.models import RtlhAssessment
    from pilar.programs.models import Enrollment, Program
    from pilar.registry.models import HousingSurvey
    from pilar.renovations.models import CostItem, Renovation

    existing = Renovation.objects.filter(contract_number="bench").count()
    if existing >= n:
        return existing
    program = Program.objects.get(code="bedah-rumah")
    taken = Enrollment.objects.filter(program=program).values("household_id")
    rtlh = (
        RtlhAssessment.objects.latest_per_household()
        .filter(is_rtlh=True)
        .exclude(household_id__in=taken)
        .values_list("household_id", "household__village_id", "survey_id", "id")[:n]
    )
    rows = list(rtlh)
    if len(rows) < n:
        raise SystemExit(
            f"Only {len(rows)} RTLH households without Bedah Rumah: run programs_bench.py first."
        )
    rng = random.Random(7)
    today = datetime.date.today()
    done = [rng.random() < 2 / 3 for _ in rows]
    with transaction.atomic():
        enrollments = Enrollment.objects.bulk_create(
            Enrollment(
                program=program,
                period=today.year,
                household_id=hh,
                village_id=village,
                # Handed-over renovations have a completed enrollment, as the
                # handover action leaves it.
                status="selesai" if finished else "disetujui",
                amount=Decimal("15000000"),
            )
            for (hh, village, _, _), finished in zip(rows, done, strict=True)
        )
        renovations = []
        for e, (hh, village, survey, assessment), finished in zip(
            enrollments, rows, done, strict=True
        ):
            handed = today - datetime.timedelta(days=rng.randint(1, 5 * 365)) if finished else None
            renovations.append(
                Renovation(
                    enrollment=e,
                    household_id=hh,
                    village_id=village,
                    status="serah_terima"
                    if finished
                    else rng.choice(["perencanaan", "pelaksanaan"]),
                    mode=rng.choice(["kontraktor", "swakelola"]),
                    contractor="CV Bench",
                    contract_number="bench",
                    before_survey_id=survey,
                    before_assessment_id=assessment,
                    progress=100 if finished else rng.randint(0, 90),
                    handed_over_on=handed,
                    final_cost=Decimal("14500000") if finished else None,
                    created_by=dinsos,
                )
            )
        Renovation.objects.bulk_create(renovations)
        CostItem.objects.bulk_create(
            CostItem(
                renovation=r,
                position=k,
                category="bahan",
                description=f"Bahan {k}",
                quantity=Decimal(10),
                unit="sak",
                unit_price=Decimal(65000),
            )
            for r in renovations
            for k in range(1, 6)
        )
        assert HousingSurvey.objects.exists()
    return Renovation.objects.filter(contract_number="bench").count()


def analyze() -> None:
    """Fresh statistics, as autovacuum gives them a minute after a bulk insert:
    measured straight after the fixture's insert, the planner took the new rows for
    absent and one filtered list page took 12 s."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table_name in ("renovations_renovation", "renovations_costitem", "programs_enrollment"):
            cursor.execute(f"ANALYZE {table_name}")


def timed(client, url: str, runs: int) -> tuple[float, float, float]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times[0], statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", required=True)
    parser.add_argument("--renovations", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    setup_django(args.home)

    from django.test import Client

    from pilar.regions.deployment import districts

    dinsos = user("bench-dinsos", "dinsos")
    district = districts().first()
    tksk = user("bench-tksk-br", "tksk", district_id=district.pk)
    made = fixture(args.renovations, dinsos)
    analyze()

    pages = [
        ("target page", "/bedah-rumah/target/"),
        ("target API", "/api/v1/renovations/target"),
        ("renovation list, page 1", "/bedah-rumah/"),
        ("renovation list API", "/api/v1/renovations?limit=50"),
        (
            "renovation list, handed over in a year",
            f"/bedah-rumah/?status=serah_terima&year={datetime.date.today().year - 1}",
        ),
        ("siap dimulai", "/bedah-rumah/siap/"),
    ]
    rows = []
    for who, account in (("Dinas Sosial", dinsos), (f"TKSK {district.name}", tksk)):
        client = Client()
        client.force_login(account)
        for label, url in pages:
            first, p50, worst = timed(client, url, args.runs)
            ok = "ok" if p50 < 1000 else "slow"
            rows.append((f"{label} · {who}", f"{first:.0f}", f"{p50:.0f}", f"{worst:.0f}", ok))
            print(rows[-1], flush=True)
    body = (
        f"{database_facts()}; {made:,} renovations (fixture). Server time through Django's "
        f"test Client, {args.runs} runs (first = cold).\n\n"
        + table(rows, ("page · who", "first ms", "p50 ms", "max ms", "< 1 s"))
    )
    print(body)
    if not args.no_record:
        append_results("Bedah Rumah pages (benchmarks/renovations_bench.py)", body)


if __name__ == "__main__":
    main()
