"""Loading the synthetic generator's rows (pilar.demo.generator) into the registry with
COPY: `seed_households` (`pilar seed`, `pilar demo`, the benchmarks).

Seeding is a synthetic bulk load, not a change made by a user, so the row-history
triggers (django-pghistory) are switched off for the loading transaction only
(`SET LOCAL session_replication_role = replica`, which needs a superuser, as the
embedded server's `postgres` is). Without superuser rights the triggers stay
on and simply record one insert event per row (slower, still correct). The
command output says which happened.
"""

from __future__ import annotations

import datetime
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connections, transaction

from pilar.core.gin import pending_list_during
from pilar.core.numbers import format_number
from pilar.demo.generator import Generator, PpksTypeRule, _esc
from pilar.figures.refresh import rebuild as rebuild_figures
from pilar.ppks.models import PpksRecord, PpksType
from pilar.regions.deployment import villages
from pilar.registry.models import Household, Membership, Person
from pilar.registry.validation import PERSON_FIELDS

HOUSEHOLD_COLS = [
    "no_kk",
    "no_kk_missing_reason",
    "no_kk_missing_note",
    "address",
    "rt",
    "rw",
    "village_id",
    "latitude",
    "longitude",
    "house_ownership",
    "land_status",
    "desil",
    "is_active",
    "source_id",
    "created_at",
    "updated_at",
]
# The person fields the actions validate, in the same order, plus bookkeeping columns.
PERSON_COLS = [*PERSON_FIELDS, "is_active", "source_id", "created_at", "updated_at"]
MEMBERSHIP_COLS = ["relation", "start_date", "end_date", "end_reason"]
PPKS_COLS = [
    "ppks_type_id",
    "status",
    "disability_subtypes",
    "date_found",
    "reporter_id",
    "reporter_name",
    "notes",
    "ended_on",
    "end_reason",
    "created_at",
    "updated_at",
]


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, list | tuple):
        return "{" + ",".join(str(v) for v in value) + "}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return _esc(str(value))


def _extra_columns(model, known: list[str]) -> tuple[list[str], str]:
    """Columns added to a model later (by another app) that the generator doesn't know:
    filled with the field's default so seeding keeps working; fails loudly otherwise."""
    names, values = [], []
    skip = set(known) | {"id"}
    for f in model._meta.concrete_fields:
        if f.column in skip:
            continue
        if f.null:
            value = None
        elif f.has_default():
            value = f.get_default()
        elif getattr(f, "blank", False) and f.get_internal_type() in ("CharField", "TextField"):
            value = ""
        else:
            raise RuntimeError(f"pilar seed: no value for {model.__name__}.{f.name}")
        names.append(f.column)
        values.append(_copy_text(value))
    return names, "".join("\t" + v for v in values)


@dataclass
class SeedReport:
    seed: int
    households: int = 0
    persons: int = 0
    memberships: int = 0
    ppks_records: int = 0
    stats: dict[str, int] = field(default_factory=dict)
    history_triggers: str = ""
    seconds: float = 0.0
    figures_seconds: float = 0.0  # the figures' rebuild after the load (not in `seconds`)

    def summary(self) -> str:
        s = self.stats
        return (
            f"{format_number(self.households)} keluarga, {format_number(self.persons)} "
            f"individu, {format_number(self.memberships)} keanggotaan, "
            f"{format_number(self.ppks_records)} data PPKS (seed {self.seed}); "
            f"tanpa KK {s.get('without_kk', 0)}, tanpa NIK {s.get('without_nik', 0)}, "
            f"miskin {s.get('poor', 0)}, meninggal {s.get('died', 0)}, pindah "
            f"{s.get('moved', 0)}; {format_number(self.seconds, 1)} detik"
        )


def _load_serials(cursor, sql: str) -> dict[str, int]:
    cursor.execute(sql)
    return {prefix: int(serial) for prefix, serial in cursor.fetchall() if serial.isdigit()}


def _reserve_ids(cursor, table: str, n: int) -> list[int]:
    if n == 0:
        return []
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
        [table, n],
    )
    return [row[0] for row in cursor.fetchall()]


def _copy(cursor, table: str, columns: list[str], lines) -> None:
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with cursor.copy(sql) as copy:
        buf: list[str] = []
        size = 0
        for line in lines:
            buf.append(line)
            size += 1
            if size >= 5000:
                copy.write("".join(buf))
                buf, size = [], 0
        if buf:
            copy.write("".join(buf))


def default_seed(using: str = "default") -> int:
    """Without --seed: one more than the households present, so repeated runs differ
    but each is reproducible from the printed seed."""

    return Household.objects.using(using).count() + 1


def seed_households(
    households: int,
    seed: int | None = None,
    *,
    chunk_size: int = 10_000,
    using: str = "default",
    progress: Callable[[str], None] | None = None,
) -> SeedReport:
    """Add `households` synthetic households (with persons, memberships and PPKS records)."""

    started = time.monotonic()
    if seed is None:
        seed = default_seed(using)
    report = SeedReport(seed=seed)
    if households <= 0:
        return report
    village_list = [(v.code, v.district_id) for v in villages().using(using)]
    if not village_list:
        raise RuntimeError("Wilayah belum dimuat: jalankan `pilar migrate` dulu.")
    rules = {
        t.number: PpksTypeRule(
            t.id, t.number, t.level, t.min_age, t.max_age, t.sex, t.has_disability_subtypes
        )
        for t in PpksType.objects.using(using).filter(is_active=True)
    }
    conn = connections[using]
    h_table, p_table = Household._meta.db_table, Person._meta.db_table
    m_table, r_table = Membership._meta.db_table, PpksRecord._meta.db_table
    h_extra, h_extra_vals = _extra_columns(Household, HOUSEHOLD_COLS)
    p_extra, p_extra_vals = _extra_columns(Person, PERSON_COLS + ["household_id"])
    m_extra, m_extra_vals = _extra_columns(
        Membership, MEMBERSHIP_COLS + ["person_id", "household_id"]
    )
    r_extra, r_extra_vals = _extra_columns(PpksRecord, PPKS_COLS + ["person_id", "household_id"])

    with conn.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
        superuser = bool(row and row[0])
        nik_serials = _load_serials(
            cursor,
            f"SELECT left(nik, 12), max(right(nik, 4)) FROM {p_table} "
            "WHERE nik IS NOT NULL GROUP BY 1",
        )
        kk_serials = _load_serials(
            cursor,
            f"SELECT left(no_kk, 12), max(right(no_kk, 4)) FROM {h_table} "
            "WHERE no_kk IS NOT NULL GROUP BY 1",
        )
    report.history_triggers = (
        "riwayat (pghistory) dimatikan selama pemuatan data sintetis"
        if superuser
        else "riwayat (pghistory) tetap aktif (bukan superuser): satu event insert per baris"
    )
    gen = Generator(seed, village_list, rules, nik_serials=nik_serials, kk_serials=kk_serials)

    done = 0
    while done < households:
        n = min(chunk_size, households - done)
        chunk = gen.chunk(n)
        with (
            transaction.atomic(using=using),
            conn.cursor() as cursor,
            # Name and address indexes filled in sorted batches (pilar.core.gin).
            pending_list_during(cursor, [h_table, p_table]),
        ):
            if superuser:
                cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("SET LOCAL synchronous_commit = off")
            h_ids = _reserve_ids(cursor, h_table, len(chunk.households))
            p_ids = _reserve_ids(cursor, p_table, len(chunk.persons))
            m_ids = _reserve_ids(cursor, m_table, len(chunk.persons))
            r_ids = _reserve_ids(cursor, r_table, len(chunk.ppks))
            _copy(
                cursor,
                h_table,
                ["id", *HOUSEHOLD_COLS, *h_extra],
                (
                    f"{hid}\t{line}{h_extra_vals}\n"
                    for hid, line in zip(h_ids, chunk.households, strict=True)
                ),
            )
            _copy(
                cursor,
                p_table,
                ["id", "household_id", *PERSON_COLS, *p_extra],
                (
                    f"{pid}\t{h_ids[hi]}\t{body}{p_extra_vals}\n"
                    for pid, (hi, body, _, _) in zip(p_ids, chunk.persons, strict=True)
                ),
            )
            _copy(
                cursor,
                m_table,
                ["id", "person_id", "household_id", *MEMBERSHIP_COLS, *m_extra],
                (
                    f"{mid}\t{pid}\t{h_ids[hi]}\t{rel}\t{start}\t\\N\t{m_extra_vals}\n"
                    for mid, pid, (hi, _, rel, start) in zip(
                        m_ids, p_ids, chunk.persons, strict=True
                    )
                ),
            )
            _copy(
                cursor,
                r_table,
                ["id", "person_id", "household_id", *PPKS_COLS, *r_extra],
                (
                    f"{rid}\t{p_ids[pi] if pi is not None else chr(92) + 'N'}\t"
                    f"{h_ids[hi]}\t{body}{r_extra_vals}\n"
                    for rid, (hi, pi, body) in zip(r_ids, chunk.ppks, strict=True)
                ),
            )
            if superuser:
                # Inside an outer transaction (tests, a caller's atomic block) SET LOCAL
                # would outlive this block: put the triggers back explicitly. On an
                # error the savepoint rollback undoes the SET LOCAL by itself.
                cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        done += n
        report.households += len(chunk.households)
        report.persons += len(chunk.persons)
        report.memberships += len(chunk.persons)
        report.ppks_records += len(chunk.ppks)
        for key, value in chunk.stats.items():
            report.stats[key] = report.stats.get(key, 0) + value
        if progress:
            elapsed = time.monotonic() - started
            progress(
                f"  {format_number(done):>9}/{format_number(households)} keluarga, "
                f"{format_number(report.persons)} individu "
                f"({format_number(elapsed, 1):>5} dtk)"
            )
    with conn.cursor() as cursor:
        # Fresh statistics so the planner uses the indexes on the new volume.
        cursor.execute(f"ANALYZE {h_table}, {p_table}, {m_table}, {r_table}")
    report.seconds = time.monotonic() - started
    if using == "default":
        # The load ran with the triggers off (session_replication_role) or ignored, so
        # the figures know nothing of it: recount them (pilar.figures, issue 13).
        figures_started = time.monotonic()
        rebuild_figures()
        report.figures_seconds = time.monotonic() - figures_started
    return report


def stderr_progress(line: str) -> None:
    """A one-line progress indicator on a terminal, plain lines otherwise."""
    if sys.stderr.isatty():
        sys.stderr.write("\r" + line)
        sys.stderr.flush()
    else:
        sys.stderr.write(line + "\n")
