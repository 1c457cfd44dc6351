"""The daily hash chain over the trail (pilar.audit.trail) and its proof.

A day (in the deployment's time zone) is sealed once it is over plus a grace hour
(a transaction that began before midnight has committed by then): for each trail
table, the rows dated that day are hashed one by one in key order (SHA-256 of the
row's columns as a JSON array) and the row hashes hashed together, in PostgreSQL, so a
day of millions of imported rows never travels to Python. The seal records each table's
columns, row count and digest, and its own digest covers those plus the previous
seal's digest. ``verify`` recomputes everything and names the first day that no
longer matches: a changed, removed or added row, a removed or altered seal, a gap.

The columns hashed are stored with the seal, so a later migration that adds a column
to an event table does not change the digest of days sealed before it.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from pilar.audit.models import TrailSeal
from pilar.audit.trail import TrailTable, trail_tables

SEAL_GRACE = datetime.timedelta(hours=1)
# json_build_array takes at most 100 arguments; wide tables are hashed in chunks.
_CHUNK = 50
# pg_advisory_xact_lock key: one sealing at a time.
_SEAL_LOCK = 7_316_001


class TrailBroken(Exception):
    """The chain no longer verifies (the retention path refuses to run over it)."""


@dataclass
class Problem:
    day: datetime.date
    message: str
    table: str = ""


@dataclass
class Verification:
    days: int = 0
    rows: int = 0
    head: str = ""
    first_day: datetime.date | None = None
    last_day: datetime.date | None = None
    problems: list[Problem] = field(default_factory=list)
    amended: list[tuple[datetime.date, dict]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad_day(self) -> datetime.date | None:
        return min((p.day for p in self.problems), default=None)


def _bounds(first: datetime.date, last: datetime.date) -> tuple[datetime.datetime, ...]:
    """[start of ``first``, start of the day after ``last``) in the local time zone."""
    tz = timezone.get_default_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def _row_expression(columns: list[str]) -> str:
    parts = [
        "json_build_array({})".format(", ".join(f't."{c}"' for c in columns[i : i + _CHUNK]))
        for i in range(0, len(columns), _CHUNK)
    ]
    return parts[0] if len(parts) == 1 else "json_build_array({})".format(", ".join(parts))


def _digests(
    cursor, table: str, time_column: str, order_column: str, columns: list[str], first, last
) -> dict[datetime.date, tuple[int, str]]:
    """Per local day in [first, last]: (rows, digest) of ``table`` hashed over ``columns``."""
    start, end = _bounds(first, last)
    cursor.execute(
        f"""
        SELECT (t."{time_column}" AT TIME ZONE %s)::date, count(*),
               encode(sha256(string_agg(
                   sha256(convert_to({_row_expression(columns)}::text, 'UTF8')),
                   ''::bytea ORDER BY t."{order_column}")), 'hex')
        FROM "{table}" t
        WHERE t."{time_column}" >= %s AND t."{time_column}" < %s
        GROUP BY 1
        """,
        [settings.TIME_ZONE, start, end],
    )
    return {day: (count, digest) for day, count, digest in cursor.fetchall()}


_STABLE = {
    "TimeZone": "UTC",
    "extra_float_digits": "1",
    "DateStyle": "ISO, YMD",
    "IntervalStyle": "postgres",
}


@contextlib.contextmanager
def _stable_session(cursor) -> Iterator[None]:
    """The text of a timestamp, a float or an interval depends on session settings:
    fix them while hashing so a restored copy on another server hashes alike, then
    put back what the caller's transaction had (the retention path runs inside it)."""
    before = {}
    for name, value in _STABLE.items():
        cursor.execute("SELECT current_setting(%s), set_config(%s, %s, true)", [name, name, value])
        before[name] = cursor.fetchone()[0]
    # On an exception the caller's transaction (or savepoint) rolls back, and these
    # transaction-local settings with it.
    yield
    for name, value in before.items():
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


def seal_digest(day: datetime.date, previous: str, tables: dict) -> str:
    payload = json.dumps(
        {"day": day.isoformat(), "previous": previous, "tables": tables},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def last_sealable_day(now: datetime.datetime | None = None) -> datetime.date:
    now = now or timezone.now()
    return timezone.localtime(now - SEAL_GRACE).date() - datetime.timedelta(days=1)


def _earliest_day(cursor, tables: list[TrailTable]) -> datetime.date | None:
    days = []
    for t in tables:
        cursor.execute(
            f'SELECT (min("{t.time_column}") AT TIME ZONE %s)::date FROM "{t.table}"',
            [settings.TIME_ZONE],
        )
        value = cursor.fetchone()[0]
        if value is not None:
            days.append(value)
    return min(days, default=None)


def _days(first: datetime.date, last: datetime.date):
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)


def seal(now: datetime.datetime | None = None) -> list[TrailSeal]:
    """Seal every finished day not sealed yet (from the first row ever, or the day
    after the last seal); returns the new seals. Safe to run often and concurrently."""
    tables = trail_tables()
    created: list[TrailSeal] = []
    with transaction.atomic(), connection.cursor() as cursor, _stable_session(cursor):
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SEAL_LOCK])
        last_seal = TrailSeal.objects.order_by("-day").first()
        first = (
            last_seal.day + datetime.timedelta(days=1)
            if last_seal
            else _earliest_day(cursor, tables)
        )
        last = last_sealable_day(now)
        if first is None or first > last:
            return []
        per_table = {
            t.table: (
                t.columns(),
                _digests(cursor, t.table, t.time_column, t.order_column, t.columns(), first, last),
            )
            for t in tables
        }
        previous = last_seal.digest if last_seal else ""
        for day in _days(first, last):
            day_tables = {
                table: {"columns": columns, "count": found[day][0], "digest": found[day][1]}
                for table, (columns, found) in per_table.items()
                if day in found
            }
            digest = seal_digest(day, previous, day_tables)
            created.append(
                TrailSeal.objects.create(
                    day=day, tables=day_tables, previous=previous, digest=digest
                )
            )
            previous = digest
    return created


def _recompute(cursor, seals: list[TrailSeal]) -> tuple[dict, list[Problem]]:
    """What every sealed day's tables hold now: {day: {table: (count, digest)}} hashed
    over the columns each seal recorded (current columns for tables a seal lacks)."""
    problems: list[Problem] = []
    if not seals:
        return {}, problems
    first, last = seals[0].day, seals[-1].day
    current = {t.table: t for t in trail_tables()}
    named = {table for s in seals for table in s.tables}
    result: dict[datetime.date, dict[str, tuple[int, str]]] = defaultdict(dict)
    for table in sorted(set(current) | named):
        t = current.get(table)
        if t is None:
            days = sorted(s.day for s in seals if table in s.tables)
            problems.append(Problem(days[0], f"tabel {table} tidak ada lagi", table))
            continue
        existing = set(t.columns())
        # Days grouped by the column list they were sealed with.
        by_columns: dict[tuple[str, ...], list[datetime.date]] = defaultdict(list)
        for s in seals:
            columns = tuple(s.tables[table]["columns"]) if table in s.tables else tuple(t.columns())
            by_columns[columns].append(s.day)
        for columns, days in by_columns.items():
            missing = [c for c in columns if c not in existing]
            if missing:
                for day in days:
                    problems.append(
                        Problem(day, f"kolom {', '.join(missing)} hilang dari {table}", table)
                    )
                continue
            found = _digests(
                cursor, table, t.time_column, t.order_column, list(columns), first, last
            )
            for day in days:
                if day in found:
                    result[day][table] = found[day]
    return result, problems


def _compare(day: datetime.date, stored: dict, now: dict) -> list[Problem]:
    problems = []
    for table in sorted(set(stored) | set(now)):
        count, digest = now.get(table, (0, ""))
        if table not in stored:
            problems.append(Problem(day, f"{count} baris ditambahkan ke {table}", table))
            continue
        was = stored[table]
        if was["count"] != count:
            problems.append(
                Problem(day, f"{table}: {was['count']} baris saat disegel, sekarang {count}", table)
            )
        elif was["digest"] != digest:
            problems.append(Problem(day, f"{table}: isi baris berubah sejak disegel", table))
    return problems


def verify() -> Verification:
    """Recompute every sealed day and the links between seals."""
    result = Verification()
    with transaction.atomic(), connection.cursor() as cursor, _stable_session(cursor):
        seals = list(TrailSeal.objects.order_by("day"))
        if not seals:
            return result
        now, problems = _recompute(cursor, seals)
        result.problems.extend(problems)
        result.first_day, result.last_day = seals[0].day, seals[-1].day
        previous_seal = None
        for s in seals:
            result.days += 1
            result.rows += sum(t["count"] for t in s.tables.values())
            expected_previous = previous_seal.digest if previous_seal else ""
            if previous_seal and s.day != previous_seal.day + datetime.timedelta(days=1):
                result.problems.append(
                    Problem(
                        previous_seal.day + datetime.timedelta(days=1),
                        "segel hari ini hilang (rantai melompat)",
                    )
                )
            if s.previous != expected_previous:
                result.problems.append(
                    Problem(s.day, "rantai putus: segel hari sebelumnya hilang atau diubah")
                )
            if s.digest != seal_digest(s.day, s.previous, s.tables):
                result.problems.append(Problem(s.day, "segel diubah (digest tidak cocok)"))
            result.problems.extend(_compare(s.day, s.tables, now.get(s.day, {})))
            for amendment in s.amendments:
                result.amended.append((s.day, amendment))
            previous_seal = s
        result.head = seals[-1].digest
        # Rows dated before the first seal would escape it.
        tables = trail_tables()
        earliest = _earliest_day(cursor, tables)
        if earliest is not None and earliest < seals[0].day:
            result.problems.append(Problem(earliest, "ada baris bertanggal sebelum segel pertama"))
    result.problems.sort(key=lambda p: (p.day, p.table))
    return result


def reseal_changed_days(reason: str) -> list[datetime.date]:
    """After a retention removal (inside its transaction): reseal the days whose rows
    changed, record the change on each, and relink the chain from the first one."""
    with connection.cursor() as cursor, _stable_session(cursor):
        seals = list(TrailSeal.objects.order_by("day"))
        now, problems = _recompute(cursor, seals)
        if problems:
            raise TrailBroken(problems[0].message)
        changed = []
        previous = ""
        relink = False
        stamp = timezone.now().isoformat()
        for s in seals:
            current = now.get(s.day, {})
            fresh = {
                table: {
                    "columns": s.tables.get(table, {}).get("columns")
                    or next(t.columns() for t in trail_tables() if t.table == table),
                    "count": count,
                    "digest": digest,
                }
                for table, (count, digest) in current.items()
            }
            if fresh != s.tables:
                changes = {
                    table: [
                        s.tables.get(table, {}).get("count", 0),
                        fresh.get(table, {}).get("count", 0),
                    ]
                    for table in sorted(set(s.tables) | set(fresh))
                    if s.tables.get(table) != fresh.get(table)
                }
                s.amendments = [
                    *s.amendments,
                    {"at": stamp, "reason": reason, "digest_before": s.digest, "rows": changes},
                ]
                s.tables = fresh
                changed.append(s.day)
                relink = True
            if relink:
                s.previous = previous
                s.digest = seal_digest(s.day, s.previous, s.tables)
                s.save(update_fields=["tables", "previous", "digest", "amendments"])
            previous = s.digest
    return changed


def check_before_removal() -> None:
    """The retention path runs only over a chain that verifies (otherwise resealing
    would fold someone else's tampering into a legitimate amendment)."""
    result = verify()
    if not result.ok:
        first = result.problems[0]
        raise TrailBroken(
            f"Rantai jejak audit tidak utuh sejak {first.day:%d-%m-%Y} ({first.message}); "
            "periksa dengan `pilar audit verify` sebelum menjalankan retensi."
        )
