"""Shared set-up for the benchmark scripts: a dedicated PILAR_HOME, machine facts,
appending results to RESULTS.md."""

from __future__ import annotations

import datetime
import os
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def setup_django(home: str) -> None:
    """Use the embedded PostgreSQL under `home` (never the project's own .pilar)."""
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("PILAR_PGDATA", None)
    os.environ.pop("PILAR_PGDATA_THROWAWAY", None)
    os.environ["PILAR_HOME"] = str(Path(home).resolve())
    os.environ["DJANGO_SETTINGS_MODULE"] = "pilar.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPU ({cpu}), {ram} RAM, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def database_facts() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
        cursor.execute(
            "SELECT (SELECT count(*) FROM registry_household), "
            "(SELECT count(*) FROM registry_person), (SELECT count(*) FROM ppks_ppksrecord)"
        )
        households, persons, ppks = cursor.fetchone()
    return (
        f"PostgreSQL {version} (embedded), database {size}: {households:,} households, "
        f"{persons:,} persons, {ppks:,} PPKS records"
    )


def append_results(title: str, body: str) -> None:
    stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    text = f"\n## {title} ({stamp})\n\nMachine: {machine()}\n\n{body.rstrip()}\n"
    if not RESULTS.exists():
        RESULTS.write_text("# Benchmark results\n\nAppended by the scripts in this folder.\n")
    with RESULTS.open("a") as fh:
        fh.write(text)


def table(rows: list[tuple], header: tuple) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["| " + " | ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        lines.append(
            "| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        )
    return "\n".join(lines)
