"""Big loads: rebuild a table's indexes and re-check its foreign keys once, not per row.

Inserting a row into ``registry_person`` updates six indexes (one of them the trigram
GIN index of names) and queues a foreign-key check that runs, one query per row, at
commit. For a load of a million rows that is most of the import's time: measured on
the benchmark machine, ~55 µs per person incrementally against ~15 µs to build the same
indexes over the finished table and check the foreign key with one anti-join.

So when a load is large relative to a table (``should_relax``), the apply transaction
takes an ACCESS EXCLUSIVE lock on it, drops its secondary indexes (the unique ones too,
unless a constraint owns them) and the foreign keys between the locked tables, switches
off its history triggers (the caller writes the history rows itself, see
``pilar.audit.bulk``), loads, and recreates all of it from the exact catalog definitions
(``pg_get_indexdef`` / ``pg_get_constraintdef``) before it commits. Nothing is weakened:
primary keys and unique constraints stay in place and check every row as it comes, a
unique index is checked over the whole table when it is built again, foreign keys to
other tables stay on, and re-adding a foreign key validates every row of the table (a
failure aborts the whole import, as a failed row check at commit would have). A
rollback restores everything.

The partial unique indexes (one active person per NIK, one current membership per
person, ...) were kept at first: inserting a million persons into the NIK one (a random
B-tree insert per row) cost 4.4 s of the 10 s insert, where building it afterwards
takes 1 s (decision 49). The import's checks already refuse what they would refuse,
so building them again fails only for a write that raced the import (the import then
fails as a whole, as it would have on the row).

The price is the lock: while a big load runs, other sessions cannot read the relaxed
tables. That is acceptable for a first load or one that doubles a table, and not for a
routine import into a large live registry, hence the thresholds; and if the lock cannot
be had within ``lock_timeout`` (someone is reading), the load proceeds the ordinary way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import OperationalError, ProgrammingError, transaction

log = logging.getLogger(__name__)

# A table is relaxed when the load adds at least this many rows to it ...
BULK_MIN_ROWS = 50_000
# ... and at least this fraction of the rows it already holds (rebuilding an index
# costs about a third of inserting the same rows into it one by one).
BULK_MIN_RATIO = 0.5
LOCK_TIMEOUT = "5s"
# Index builds sort in memory up to this much (this transaction only).
BUILD_MEMORY = "512MB"


def min_rows() -> int:
    return int(getattr(settings, "PILAR_IMPORT_BULK_MIN_ROWS", BULK_MIN_ROWS))


def should_relax(cursor, table: str, new_rows: int) -> bool:
    """Is a load of ``new_rows`` into ``table`` big enough to rebuild its indexes?"""
    if new_rows <= 0 or new_rows < min_rows():
        return False
    # reltuples is the planner's estimate (-1 before the first ANALYZE): good enough here.
    cursor.execute("SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = %s::regclass", [table])
    existing = float(cursor.fetchone()[0])
    return new_rows >= BULK_MIN_RATIO * existing


@dataclass
class Relaxed:
    """What ``relax`` dropped, to be recreated by ``restore``."""

    tables: list[str] = field(default_factory=list)
    indexes: list[str] = field(default_factory=list)  # CREATE INDEX statements
    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)  # table, name, def
    triggers: list[tuple[str, str]] = field(default_factory=list)  # table, trigger name

    def __bool__(self) -> bool:
        return bool(self.tables)


def relax(cursor, tables: list[str], triggers: dict[str, list[str]] | None = None) -> Relaxed:
    """Lock ``tables`` and drop their secondary indexes (not those a constraint owns) and
    the foreign keys between them (re-adding one to another table would have to alter
    that one too); switch off the ``triggers`` named for a table (its history triggers:
    the caller writes the history itself, and no other session can write the locked
    table meanwhile).

    Returns an empty ``Relaxed`` (and changes nothing) when the locks cannot be had
    within ``LOCK_TIMEOUT`` or the database role may not alter the tables (not their
    owner): the load then runs the ordinary way."""
    if not tables:
        return Relaxed()
    cursor.execute("SELECT current_setting('lock_timeout')")
    previous = cursor.fetchone()[0]
    relaxed = Relaxed(tables=list(tables))
    try:
        with transaction.atomic():  # a savepoint: a refusal must not doom the import
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            cursor.execute(f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE")
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
            for table in tables:
                _relax_table(cursor, table, tables, (triggers or {}).get(table, []), relaxed)
    except (OperationalError, ProgrammingError) as exc:
        # lock_not_available, insufficient_privilege: anything else is a real error.
        if getattr(exc.__cause__, "sqlstate", None) not in ("55P03", "42501"):
            raise
        log.info("bulk load: cannot relax %s, loading row by row (%s)", tables, exc)
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
        return Relaxed()
    return relaxed


def _relax_table(
    cursor, table: str, tables: list[str], triggers: list[str], relaxed: Relaxed
) -> None:
    cursor.execute(
        """
        SELECT c.relname, pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE i.indrelid = %s::regclass AND NOT i.indisprimary
          AND NOT i.indisexclusion AND i.indisvalid
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
        ORDER BY c.relname
        """,
        [table],
    )
    for name, definition in cursor.fetchall():
        relaxed.indexes.append(definition)
        cursor.execute(f'DROP INDEX "{name}"')
    cursor.execute(
        """
        SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
        WHERE conrelid = %s::regclass AND contype = 'f' AND confrelid = ANY(%s::regclass[])
        ORDER BY conname
        """,
        [table, tables],
    )
    for name, definition in cursor.fetchall():
        relaxed.foreign_keys.append((table, name, definition))
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name in triggers:
        cursor.execute(
            "SELECT 1 FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname = %s "
            "AND tgenabled <> 'D'",
            [table, name],
        )
        if cursor.fetchone():
            relaxed.triggers.append((table, name))
            cursor.execute(f'ALTER TABLE {table} DISABLE TRIGGER "{name}"')


def restore(cursor, relaxed: Relaxed) -> None:
    """Recreate what ``relax`` dropped: every index, then every foreign key (validated)."""
    if not relaxed:
        return
    # Foreign keys to tables that were not relaxed (e.g. the kelurahan of a household)
    # stayed on and queued their checks for commit; PostgreSQL builds no index on a table
    # with checks pending, so they run now (checked all the same, only earlier).
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'")
    for definition in relaxed.indexes:
        cursor.execute(definition)
    for table, name, definition in relaxed.foreign_keys:
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for table, name in relaxed.triggers:
        cursor.execute(f'ALTER TABLE {table} ENABLE TRIGGER "{name}"')
