"""Figures for leaders at city scale (issue 13): the dashboard and start pages read
summary tables; a rebuild recounts them; keeping them current costs the write paths
little. On a database seeded with `pilar seed` (2,000,000 persons = 500,000
households) plus the set-based assessment fixture of programs_bench.py:

    PILAR_HOME=/tmp/pilar-bench-figures .venv/bin/pilar seed --households 500000
    .venv/bin/python benchmarks/figures_bench.py --home /tmp/pilar-bench-figures

Measured:
- `pilar figures rebuild` (refresh.rebuild) from scratch (target < 60 s);
- server time (Django test Client, in process) of the start page `/`, `/dasbor/` and
  `GET /api/v1/figures/summary` for Dinas Sosial, a leader and one TKSK (p95 target
  < 100 ms; the old live-count start page took 1.4-1.7 s);
- candidate generation for Tangerang Terang with the figures' triggers on (plus the
  refresh of the marked kelurahan right after) against the triggers switched off
  (target: < 10 % more);
- with `--import-rows N`: the apply of an N-row import (imports.actions.apply_batch)
  into the seeded registry, triggers on plus the refresh against triggers off, on
  fresh files each time (the rows are deleted again afterwards).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import append_results, database_facts, setup_django, table  # noqa: E402

TRIGGER_TABLES = (
    "registry_household",
    "registry_person",
    "ppks_ppksrecord",
    "registry_housingsurvey",
    "assessments_povertyassessment",
    "assessments_rtlhassessment",
    "submissions_submission",
    "dedup_candidatepair",
    "programs_enrollment",
    "programs_candidate",
    "programs_delivery",
)


def set_triggers(enabled: bool, tables=TRIGGER_TABLES) -> None:
    from django.db import connection

    verb = "ENABLE" if enabled else "DISABLE"
    with connection.cursor() as cursor:
        for table_name in tables:
            for event in ("insert", "update", "delete"):
                cursor.execute(f"ALTER TABLE {table_name} {verb} TRIGGER figures_mark_{event}")


def user(username: str, role: str, **area):
    from pilar.accounts.models import User

    obj, _ = User.objects.get_or_create(username=username, defaults={"role": role, **area})
    return obj


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def ensure_fixture() -> str:
    from pilar.assessments.models import PovertyAssessment

    if PovertyAssessment.objects.filter(notes="bench").exists():
        return "assessment fixture present"
    from programs_bench import add_fixture  # the same set-based fixture

    done = add_fixture()
    return ", ".join(f"{k} {v:,}" for k, v in done.items())


def measure_rebuild(runs: int) -> list[float]:
    from pilar.figures import refresh

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        refresh.rebuild()
        times.append(time.perf_counter() - start)
        print(f"rebuild {times[-1]:.1f} s")
    return times


def measure_pages(runs: int) -> list[tuple]:
    from django.test import Client

    from pilar.accounts.models import ApiToken

    district = "36.71.01"
    people = [
        ("Dinas Sosial", user("bench-fig-dinsos", "dinsos")),
        ("pimpinan", user("bench-fig-pimpinan", "pimpinan")),
        ("TKSK", user("bench-fig-tksk", "tksk", district_id=district)),
    ]
    rows = []
    for label, who in people:
        client = Client()
        client.force_login(who)
        _, key = ApiToken.issue(who, "bench")
        for name, path, headers in (
            ("start page /", "/", {}),
            (
                "/dasbor/ (filtered: kecamatan, L, 18-59)",
                f"/dasbor/?kecamatan={district}&jenis_kelamin=L&kelompok_usia=18-59",
                {},
            ),
            (
                "API /figures/summary",
                "/api/v1/figures/summary",
                {"HTTP_AUTHORIZATION": f"Bearer {key}"},
            ),
        ):
            times = []
            for i in range(runs + 2):
                start = time.perf_counter()
                response = client.get(path, **headers)
                elapsed = (time.perf_counter() - start) * 1000
                assert response.status_code == 200, (path, response.status_code)
                if i >= 2:  # two warm-up requests
                    times.append(elapsed)
            p95 = percentile(times, 95)
            rows.append(
                (
                    label,
                    name,
                    f"{statistics.median(times):.0f}",
                    f"{p95:.0f}",
                    f"{max(times):.0f}",
                    "ok" if p95 < 100 else "NOT MET",
                )
            )
            print(rows[-1])
    return rows


def measure_candidates(runs: int) -> list[tuple]:
    from pilar.figures import refresh
    from pilar.programs import enrollment
    from pilar.programs.models import Program

    dinsos = user("bench-fig-dinsos", "dinsos")
    program = Program.objects.get(code="tangerang-terang")
    if not program.has_rule:
        program.rule = {"op": "and", "rules": [{"field": "desil", "operator": "lte", "value": 4}]}
        program.save()
    refresh.refresh_dirty(wait=True)
    enrollment.generate_candidates(program, acting_user=dinsos)  # warm-up
    refresh.refresh_dirty(wait=True)
    off, on, refresh_ms, created = [], [], [], 0
    for run in range(runs):
        # Alternate which goes first: on a shared machine the load drifts.
        for enabled in (False, True) if run % 2 == 0 else (True, False):
            set_triggers(enabled, ("programs_candidate",))
            start = time.perf_counter()
            result = enrollment.generate_candidates(program, acting_user=dinsos)
            elapsed = (time.perf_counter() - start) * 1000
            if enabled:
                on.append(elapsed)
                start = time.perf_counter()
                refresh.refresh_dirty(wait=True)
                refresh_ms.append((time.perf_counter() - start) * 1000)
            else:
                off.append(elapsed)
            created = result["created"]
        print(
            f"candidates {created:,}: off {off[-1]:.0f} ms, "
            f"on {on[-1]:.0f} + {refresh_ms[-1]:.0f} ms"
        )
    # The triggers back on, and a last list with them, so no figure stays stale.
    set_triggers(True, ("programs_candidate",))
    enrollment.generate_candidates(program, acting_user=dinsos)
    refresh.refresh_dirty(wait=True)
    base = statistics.median(off)
    with_figures = statistics.median(on) + statistics.median(refresh_ms)
    extra = (with_figures - base) / base * 100
    return [
        (
            f"candidate list, Tangerang Terang ({created:,} rows; median of {runs}, "
            f"min off {min(off):.0f} / on {min(on):.0f})",
            f"{base:.0f}",
            f"{statistics.median(on):.0f}",
            f"{statistics.median(refresh_ms):.0f}",
            f"{extra:+.1f} %",
            "ok" if extra < 10 else "NOT MET",
        )
    ]


def measure_import(rows_n: int, folder: Path, first: str = "off") -> list[tuple]:
    """Apply of one file of `rows_n` persons into an empty registry (as import_bench.py
    measures it), triggers off, then the same file again into the emptied registry with
    the triggers on plus the refresh of the marked kelurahan. Empties the registry of
    the home it runs in: use a home of its own."""
    import csv

    from import_bench import HEADER, empty_registry, generate_rows

    from pilar.figures import refresh
    from pilar.imports import actions
    from pilar.regions.models import Village

    dinsos = user("bench-fig-dinsos", "dinsos")
    villages = list(
        Village.objects.filter(code__startswith="36.71.").values_list("code", flat=True)
    )
    results = {}
    path = folder / f"figures-import-{rows_n}.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(generate_rows(rows_n, villages, seed=101))
    order = (("off", False), ("on", True))
    for label, enabled in order if first == "off" else order[::-1]:
        # The same file into the same (empty) registry each time: identical work.
        empty_registry()
        refresh.rebuild()
        batch = actions.create_batch(
            acting_user=dinsos, file_name=path.name, source=str(path), max_bytes=1 << 40
        )
        batch = actions.check_batch(batch, max_bytes=1 << 40)
        set_triggers(enabled)
        start = time.perf_counter()
        batch = actions.apply_batch(batch, acting_user=dinsos)
        apply_s = time.perf_counter() - start
        start = time.perf_counter()
        refresh.refresh_dirty(wait=True)
        refresh_s = time.perf_counter() - start
        set_triggers(True)
        results[label] = (apply_s, refresh_s, batch.summary.get("persons_created") or 0)
        print(label, results[label])
    (off_apply, _, created), (on_apply, on_refresh, _) = results["off"], results["on"]
    extra = (on_apply + on_refresh - off_apply) / off_apply * 100
    return [
        (
            f"import apply, {rows_n:,} rows ({created:,} persons created; {first} first)",
            f"{off_apply * 1000:.0f}",
            f"{on_apply * 1000:.0f}",
            f"{on_refresh * 1000:.0f}",
            f"{extra:+.1f} %",
            "ok" if extra < 10 else "NOT MET",
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", default="/tmp/pilar-bench-figures")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rebuild-runs", type=int, default=2)
    parser.add_argument("--candidate-runs", type=int, default=5)
    parser.add_argument("--import-rows", type=int, default=0)
    parser.add_argument("--import-only", action="store_true", help="only the import measure")
    parser.add_argument("--import-first", choices=("off", "on"), default="off")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    setup_django(args.home)

    fixture = ensure_fixture()
    print(fixture)
    facts = database_facts()
    print(facts)
    rebuild = [] if args.import_only else measure_rebuild(args.rebuild_runs)
    pages = [] if args.import_only else measure_pages(args.runs)
    changes = [] if args.import_only else measure_candidates(args.candidate_runs)
    if args.import_rows:
        changes += measure_import(args.import_rows, Path(args.home), args.import_first)

    from pilar.figures.models import AreaFigure, PpksFigure, ProgramFigure

    sizes = (
        f"summary rows: PPKS {PpksFigure.objects.filter(snapshot=None).count():,}, "
        f"kelurahan {AreaFigure.objects.filter(snapshot=None).count():,}, "
        f"program {ProgramFigure.objects.filter(snapshot=None).count():,}"
    )
    import os

    body = (
        f"{facts}; {fixture}; {sizes}. Load average at the end: "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} (2 CPUs shared with other sessions).\n\n"
        + (
            f"Rebuild from scratch: {', '.join(f'{t:.1f} s' for t in rebuild)} (target < 60 s)."
            "\n\n"
            + table(pages, ("user", "page", "p50 ms", "p95 ms", "max ms", "< 100 ms"))
            + "\n\n"
            if rebuild
            else ""
        )
        + table(
            changes,
            ("write path", "triggers off ms", "triggers on ms", "+ refresh ms", "extra", "< 10 %"),
        )
    )
    print(body)
    if not args.no_record:
        append_results(
            "Figures: dashboard, rebuild, write-path cost (benchmarks/figures_bench.py)", body
        )


if __name__ == "__main__":
    main()
