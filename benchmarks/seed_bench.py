"""Time `pilar seed` into a fresh embedded PostgreSQL.

    .venv/bin/python benchmarks/seed_bench.py --households 500000 --home /tmp/pilar-bench

The database is left in place (stopped at exit) for benchmarks/query_bench.py.
Target (issue 2): 500,000 households in under 5 minutes.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import append_results, database_facts, setup_django, table  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chunk-size", type=int, default=10_000)
    parser.add_argument("--home", default="", help="PILAR_HOME to use (default: a new temp dir)")
    parser.add_argument("--fresh", action="store_true", help="delete --home first if it exists")
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args()

    home = Path(args.home or tempfile.mkdtemp(prefix="pilar-bench-"))
    if home.exists() and any(home.iterdir()):
        if not args.fresh:
            sys.exit(f"{home} is not empty: pass --fresh to delete it (a fresh database is timed)")
        from pilar import embedded_db

        if (home / "pgdata").exists():
            embedded_db.stop(home / "pgdata")
        shutil.rmtree(home)
    home.mkdir(parents=True, exist_ok=True)
    print(f"PILAR_HOME={home}", flush=True)

    t0 = time.monotonic()
    setup_django(str(home))
    from django.core.management import call_command

    from pilar.demo.users import ensure_demo_users

    call_command("migrate", interactive=False, verbosity=0)
    from django.conf import settings

    ensure_demo_users(settings.PILAR_DEMO_PASSWORD)
    prepare = time.monotonic() - t0
    print(f"fresh database, migrated, demo users: {prepare:.1f} s", flush=True)

    from pilar.demo.seeding import seed_households, stderr_progress

    t1 = time.monotonic()
    report = seed_households(
        args.households, seed=args.seed, chunk_size=args.chunk_size, progress=stderr_progress
    )
    seconds = time.monotonic() - t1
    sys.stderr.write("\n")
    rows_total = report.households + report.persons + report.memberships + report.ppks_records
    result = table(
        [
            (
                f"{report.households:,}",
                f"{report.persons:,}",
                f"{report.persons / max(report.households, 1):.2f}",
                f"{report.ppks_records:,}",
                f"{seconds:.1f}",
                f"{rows_total / seconds:,.0f}",
                f"{report.persons / seconds:,.0f}",
            )
        ],
        (
            "households",
            "persons",
            "per household",
            "PPKS records",
            "seconds",
            "rows/s",
            "persons/s",
        ),
    )
    print(result)
    print(report.summary())
    facts = database_facts()
    print(facts)
    if not args.no_record:
        append_results(
            "Seeding (benchmarks/seed_bench.py)",
            f"{facts}. Rows = households + persons + memberships + PPKS records, loaded with "
            f"COPY in chunks of {args.chunk_size:,} households (seed {args.seed}); includes "
            f"ANALYZE.\n\n{result}\n\nTarget: 500,000 households in under 300 s.",
        )


if __name__ == "__main__":
    main()
