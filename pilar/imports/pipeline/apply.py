"""The apply: a checked batch's staged rows written to the registry, set-based.

``apply_rows`` runs in the caller's transaction (``actions.apply_batch``), one function
per stage, each a step of the batch's progress with its seconds kept in the summary:

1. new households, after every id the rows need is drawn (``_draw_ids``) and, for a
   big load, the indexes of the tables it fills are dropped (``_relax_indexes``);
2. changed households;
3. persons moving to another KK: their memberships closed and opened, their active
   PPKS records following them, and changed relations within a KK;
4. changed persons;
5. new persons;
6. their memberships;
7. new PPKS records;
8. for a big load, the indexes rebuilt (``bulkload``).

A row the batch **creates** (household, person, membership, PPKS record) carries the
batch and the row number of its stored file (``import_batch``, ``import_row``) instead
of an "insert" history event (decision 27): a first load of a million persons wrote two
million such events and rebuilt their indexes. Every **update** records its row history
as it goes (``pilar.audit.bulk``: the OLD and the NEW row), under one context naming the
user and the batch. What a row changes is decided by the SQL the preview counted with
(``plan``).
"""

from __future__ import annotations

import datetime
import re
import time
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models import Model
from django.urls import reverse

from pilar.accounts.models import User
from pilar.audit.bulk import (
    create_context,
    history_trigger_pgids,
    history_triggers_off,
    write_events,
)
from pilar.core.dates import today
from pilar.imports import bulkload
from pilar.imports.models import ImportBatch
from pilar.imports.pipeline.batch_checks import hold_restricted
from pilar.imports.pipeline.plan import (
    HOUSEHOLD_CHANGED,
    PERSON_CHANGED,
    ppks_select,
    representatives,
)
from pilar.imports.pipeline.progress import ProgressWriter
from pilar.imports.pipeline.staging import STAGED, STAGED_COLUMNS
from pilar.ppks.models import PpksRecord
from pilar.registry.choices import MissingIdReason
from pilar.registry.models import Household, Membership, Person

# The progress steps of an apply; a big load adds one (the index rebuild).
STEPS = 7

MISSING_REASON = MissingIdReason.UNKNOWN.value
MISSING_NOTE = "Kosong pada berkas impor"

# The temp table holding the applied batch's rows, with the ids drawn for them.
ROWS = "import_rows"
_ROW_COLUMNS = ("id", *STAGED_COLUMNS)
# The batch's rows whose registered person lives in another household (they move).
_MOVED = f"""
            FROM {ROWS} s JOIN registry_person p ON p.id = s.person_id
            WHERE s.household_id <> p.household_id
        """


@dataclass
class ApplyCounts:
    households_created: int = 0
    households_updated: int = 0
    persons_created: int = 0
    persons_updated: int = 0
    persons_moved: int = 0
    rows_held_restricted: int = 0
    memberships_created: int = 0
    ppks_created: int = 0
    # Tables whose indexes and foreign keys were rebuilt once after the load (bulkload).
    bulk_rebuilt: list[str] = field(default_factory=list)
    seconds_by_step: dict[str, float] = field(default_factory=dict)


def apply_rows(batch: ImportBatch, user: User, writer: ProgressWriter) -> ApplyCounts:
    """Write the batch's staged rows to the registry (see the module doc), in the
    caller's transaction; returns what was written."""
    counts = ApplyCounts()
    with (
        history_triggers_off(Household, Person, Membership, PpksRecord),
        connection.cursor() as cursor,
    ):
        # Sorts and hashes over a whole file's rows: give them memory (this transaction only).
        cursor.execute("SET LOCAL work_mem = '256MB'")
        run = _Run(
            cursor=cursor,
            context=create_context(cursor, _history_metadata(batch, user)),
            on=today(),
            note=f"Impor #{batch.pk} ({batch.file_name})"[:300],
            user_id=getattr(user, "pk", None),
            batch_id=batch.pk,
        )
        steps = _Steps(batch, writer, counts.seconds_by_step)

        # A restriction that began after the check holds its rows now (decision 43).
        counts.rows_held_restricted = hold_restricted(cursor, batch.pk)
        steps.start("Membuat keluarga baru")
        households_new, persons_new = _draw_ids(run, batch.pk)
        # Counted by the check (nothing else writes PPKS records of the batch before).
        ppks_new = int(batch.summary.get("ppks_created") or 0)
        relaxed = _relax_indexes(run, households_new, persons_new, ppks_new)
        counts.households_created = _create_households(run)

        steps.start("Memperbarui keluarga")
        counts.households_updated = _update_households(run)

        steps.start("Memindahkan individu antar-KK")
        _close_moved_memberships(run)
        counts.persons_moved = _open_moved_memberships(run)
        _follow_moved_ppks_records(run)
        _update_relations(run)

        steps.start("Memperbarui individu")
        counts.persons_updated = _update_persons(run)

        steps.start("Menambahkan individu baru")
        counts.persons_created = _create_persons(run)

        steps.start("Mencatat keanggotaan keluarga")
        counts.memberships_created = _create_memberships(run) + counts.persons_moved

        steps.start("Mencatat data PPKS")
        counts.ppks_created = _create_ppks_records(run, batch.pk)

        if relaxed:
            batch.rows_total += 1  # one more step than the usual seven
            steps.start("Membangun ulang indeks")
            bulkload.restore(cursor, relaxed)
            counts.bulk_rebuilt = relaxed.tables
        steps.finish()
    return counts


def _history_metadata(batch: ImportBatch, user: User) -> dict[str, Any]:
    """The history context of every row the batch writes: who, from where, which batch."""
    return {
        "user": getattr(user, "pk", None),
        "url": reverse("imports:detail", args=[batch.pk]),
        "import_batch": batch.pk,
    }


# --- stage 1: new households ----------------------------------------------------------


def _draw_ids(run: _Run, batch_id: int) -> tuple[int, int]:
    """Every id the batch needs, drawn up front into temp tables: the new households
    (``import_new_household``); the batch's rows with their household and the ids of
    their new person and membership (``import_rows``: no UPDATE of the wide staging
    rows, and no re-ANALYZE of them, during the apply); the row that speaks for each
    household (``import_household_rows``). Returns the new households and persons."""
    cursor = run.cursor
    households_new = _temp_table(
        cursor,
        "import_new_household",
        f"""
        SELECT group_key, {_nextval(cursor, "registry_household")} AS id
        FROM (SELECT DISTINCT group_key FROM {STAGED}
              WHERE batch_id = %s AND household_id IS NULL) g
        """,
        [batch_id],
    )
    persons_new = _temp_table(
        cursor,
        ROWS,
        f"""
        SELECT {", ".join(f"s.{c}" for c in _ROW_COLUMNS)}, s.person_id,
               COALESCE(s.household_id, n.id) AS household_id,
               CASE WHEN s.person_id IS NULL THEN
                   {_nextval(cursor, "registry_person")} END
                   AS new_person_id,
               CASE WHEN s.person_id IS NULL THEN
                   {_nextval(cursor, "registry_membership")} END
                   AS new_membership_id
        FROM {STAGED} s
        LEFT JOIN import_new_household n
               ON s.household_id IS NULL AND n.group_key = s.group_key
        WHERE s.batch_id = %s
        """,
        [batch_id],
        count="new_person_id IS NOT NULL",
        analyze="(id, person_id, household_id, new_person_id, group_key)",
    )
    _temp_table(
        cursor,
        "import_household_rows",
        representatives(
            ROWS,
            where="true",
            columns=(
                "group_key, household_id, no_kk, address, rt, rw, village_id, desil, row_number"
            ),
        ),
        [],
        analyze="(household_id)",
    )
    return households_new, persons_new


def _relax_indexes(
    run: _Run, households_new: int, persons_new: int, ppks_new: int
) -> bulkload.Relaxed:
    """A big load drops the indexes of the tables it fills, to rebuild them once at the
    end (``bulkload``); an empty ``Relaxed`` for an ordinary load. The history tables
    are not among them: creations write no events (decision 27)."""
    cursor = run.cursor
    loads: tuple[tuple[type[Model], int], ...] = (
        (Household, households_new),
        (Person, persons_new),
        (Membership, persons_new),
        (PpksRecord, ppks_new),
    )
    return bulkload.relax(
        cursor,
        [
            table
            for model, new_rows in loads
            for table in (model._meta.db_table,)
            if bulkload.should_relax(cursor, table, new_rows)
        ],
        triggers={model._meta.db_table: history_trigger_pgids(model) for model, _ in loads},
    )


def _create_households(run: _Run) -> int:
    return run.create(
        """
        INSERT INTO registry_household (id, no_kk, no_kk_missing_reason,
            no_kk_missing_note, address, rt, rw, village_id, house_ownership, land_status,
            desil, is_active, source_id, created_at, updated_at, import_batch, import_row)
        SELECT r.household_id, r.no_kk,
               CASE WHEN r.no_kk IS NULL THEN %s ELSE '' END,
               CASE WHEN r.no_kk IS NULL THEN %s ELSE '' END,
               r.address, r.rt, r.rw, r.village_id, '', '', r.desil, true, '', now(), now(),
               %s, r.row_number
        FROM import_household_rows r JOIN import_new_household n ON n.id = r.household_id
        """,
        [MISSING_REASON, MISSING_NOTE, run.batch_id],
    )


# --- stage 2: changed households ------------------------------------------------------


def _update_households(run: _Run) -> int:
    _temp_table(
        run.cursor,
        "import_upd_household",
        f"""
        SELECT h.id FROM import_household_rows r JOIN registry_household h
            ON h.id = r.household_id
        WHERE NOT EXISTS (SELECT 1 FROM import_new_household n WHERE n.id = h.id)
          AND ({HOUSEHOLD_CHANGED})
        """,
        [],
    )
    return run.update(
        Household,
        "import_upd_household",
        """
        UPDATE registry_household h SET
            address = COALESCE(NULLIF(r.address, ''), h.address),
            rt = COALESCE(NULLIF(r.rt, ''), h.rt),
            rw = COALESCE(NULLIF(r.rw, ''), h.rw),
            village_id = r.village_id,
            desil = COALESCE(r.desil, h.desil),
            updated_at = now()
        FROM import_household_rows r
        WHERE h.id = r.household_id AND h.id IN (SELECT id FROM import_upd_household)
        """,
        [],
    )


# --- stage 3: persons moving to another KK --------------------------------------------


def _close_moved_memberships(run: _Run) -> None:
    _temp_table(
        run.cursor,
        "import_close_membership",
        f"SELECT m.id FROM registry_membership m WHERE m.end_date IS NULL "
        f"AND m.person_id IN (SELECT p.id {_MOVED})",
        [],
    )
    run.update(
        Membership,
        "import_close_membership",
        "UPDATE registry_membership SET end_date = %s, end_reason = %s "
        "WHERE id IN (SELECT id FROM import_close_membership)",
        [run.on, f"Pindah KK ({run.note})"[:200]],
    )


def _open_moved_memberships(run: _Run) -> int:
    """The moving persons' memberships of their new KK; returns how many moved."""
    return run.create(
        f"""
        INSERT INTO registry_membership (person_id, household_id, relation, start_date,
                                         end_date, end_reason, import_batch, import_row)
        SELECT s.person_id, s.household_id, s.relation, %s, NULL, '', %s, s.row_number
        {_MOVED}
        """,
        [run.on, run.batch_id],
    )


def _follow_moved_ppks_records(run: _Run) -> None:
    """Active PPKS records move with their person to the new household."""
    _temp_table(
        run.cursor,
        "import_follow_ppks",
        "SELECT r.id FROM ppks_ppksrecord r WHERE r.status = 'aktif' "
        f"AND r.person_id IN (SELECT p.id {_MOVED})",
        [],
    )
    run.update(
        PpksRecord,
        "import_follow_ppks",
        f"""
        UPDATE ppks_ppksrecord r SET household_id = s.household_id, updated_at = now()
        FROM {ROWS} s
        WHERE r.person_id = s.person_id AND r.id IN (SELECT id FROM import_follow_ppks)
        """,
        [],
    )


def _update_relations(run: _Run) -> None:
    """A person staying in their KK with another relation: the current membership says so."""
    _temp_table(
        run.cursor,
        "import_relation_membership",
        f"""
        SELECT m.id FROM registry_membership m
        JOIN {ROWS} s ON s.person_id = m.person_id
        JOIN registry_person p ON p.id = s.person_id
        WHERE m.end_date IS NULL
          AND s.household_id = p.household_id AND m.relation <> s.relation
        """,
        [],
    )
    run.update(
        Membership,
        "import_relation_membership",
        f"""
        UPDATE registry_membership m SET relation = s.relation FROM {ROWS} s
        WHERE s.person_id = m.person_id
          AND m.id IN (SELECT id FROM import_relation_membership)
        """,
        [],
    )


# --- stages 4-6: persons and memberships ----------------------------------------------


def _update_persons(run: _Run) -> int:
    _temp_table(
        run.cursor,
        "import_upd_person",
        f"SELECT p.id FROM {ROWS} s JOIN registry_person p ON p.id = s.person_id "
        f"WHERE ({PERSON_CHANGED})",
        [],
    )
    return run.update(
        Person,
        "import_upd_person",
        f"""
        UPDATE registry_person p SET
            name = s.name,
            sex = s.sex,
            birth_place = COALESCE(NULLIF(s.birth_place, ''), p.birth_place),
            birth_date = COALESCE(s.birth_date, p.birth_date),
            marital_status = COALESCE(NULLIF(s.marital_status, ''), p.marital_status),
            education = COALESCE(NULLIF(s.education, ''), p.education),
            occupation = COALESCE(NULLIF(s.occupation, ''), p.occupation),
            disabilities = CASE WHEN cardinality(s.disabilities) > 0 THEN s.disabilities
                                ELSE p.disabilities END,
            source_id = COALESCE(NULLIF(s.source_id, ''), p.source_id),
            nik = COALESCE(p.nik, s.nik),
            nik_missing_reason = CASE WHEN p.nik IS NULL AND s.nik IS NOT NULL THEN ''
                                      ELSE p.nik_missing_reason END,
            nik_missing_note = CASE WHEN p.nik IS NULL AND s.nik IS NOT NULL THEN ''
                                    ELSE p.nik_missing_note END,
            nik_mismatch_reason = CASE WHEN s.nik_mismatch <> '' THEN s.nik_mismatch
                                       ELSE p.nik_mismatch_reason END,
            relation = s.relation,
            household_id = s.household_id,
            updated_at = now()
        FROM {ROWS} s
        WHERE p.id = s.person_id AND p.id IN (SELECT id FROM import_upd_person)
        """,
        [],
    )


def _create_persons(run: _Run) -> int:
    return run.create(
        f"""
        INSERT INTO registry_person (id, nik, nik_missing_reason, nik_missing_note,
            nik_mismatch_reason, name, sex, birth_place, birth_date, household_id,
            relation, marital_status, education, occupation, disabilities,
            chronic_illness, life_status, life_status_date, is_active, source_id,
            created_at, updated_at, import_batch, import_row)
        SELECT s.new_person_id, s.nik,
               CASE WHEN s.nik IS NULL THEN %s ELSE '' END,
               CASE WHEN s.nik IS NULL THEN %s ELSE '' END,
               s.nik_mismatch, s.name, s.sex, s.birth_place, s.birth_date, s.household_id,
               s.relation, s.marital_status, s.education, s.occupation, s.disabilities,
               '', 'hidup', NULL, true, s.source_id, now(), now(), %s, s.row_number
        FROM {ROWS} s WHERE s.new_person_id IS NOT NULL
        """,
        [MISSING_REASON, MISSING_NOTE, run.batch_id],
    )


def _create_memberships(run: _Run) -> int:
    return run.create(
        f"""
        INSERT INTO registry_membership (id, person_id, household_id, relation,
                                         start_date, end_date, end_reason, import_batch,
                                         import_row)
        SELECT s.new_membership_id, s.new_person_id, s.household_id, s.relation, %s,
               NULL, '', %s, s.row_number
        FROM {ROWS} s WHERE s.new_person_id IS NOT NULL
        """,
        [run.on, run.batch_id],
    )


# --- stage 7: PPKS records ------------------------------------------------------------


def _create_ppks_records(run: _Run, batch_id: int) -> int:
    cursor = run.cursor
    sql, params = ppks_select(batch_id, rows=ROWS)
    # Materialised first: an INSERT whose NOT EXISTS reads the table it fills would
    # rescan its own new (invisible) rows for every row, quadratic on big files.
    cursor.execute("DROP TABLE IF EXISTS import_new_ppks")
    cursor.execute(f"CREATE TEMP TABLE import_new_ppks ON COMMIT DROP AS {sql}", params)
    return run.create(
        """
        INSERT INTO ppks_ppksrecord (ppks_type_id, person_id, household_id, status,
            disability_subtypes, date_found, reporter_id, reporter_name, notes, ended_on,
            end_reason, created_at, updated_at, validated_at, validated_by_id,
            import_batch, import_row)
        SELECT x.type_id, x.person_id, x.household_id, 'aktif', x.subtypes, %s, %s, '',
               %s, NULL, '', now(), now(), now(), %s, %s, x.row_number
        FROM import_new_ppks x
        """,
        # Only Dinas Sosial imports, and Dinas Sosial is the validating authority.
        [run.on, run.user_id, run.note, run.user_id, run.batch_id],
    )


# --- tools of the stages --------------------------------------------------------------


@dataclass
class _Run:
    """What every stage of one apply writes with."""

    cursor: CursorWrapper
    context: str  # the history context of the batch (``create_context``)
    on: datetime.date
    note: str  # names the batch in the records it writes
    user_id: int | None
    batch_id: int

    def create(self, sql: str, params: list[Any]) -> int:
        """INSERT ... SELECT of rows the batch creates, which carry the batch and their
        row (no "insert" events: decision 27); returns the rows."""
        self.cursor.execute(sql, params)
        return self.cursor.rowcount

    def update(self, model: type[Model], ids_table: str, sql: str, params: list[Any]) -> int:
        """UPDATE of the rows whose ids are in ``ids_table``, with its history: OLD rows
        as "before_update", NEW rows as "update"; returns the rows."""
        ids = f"SELECT id FROM {ids_table}"
        write_events(self.cursor, model, "before_update", self.context, ids)
        self.cursor.execute(sql, params)
        write_events(self.cursor, model, "update", self.context, ids)
        return self.cursor.rowcount


class _Steps:
    """The stages as progress steps; the seconds of each go to ``seconds``, by name."""

    def __init__(
        self, batch: ImportBatch, writer: ProgressWriter, seconds: dict[str, float]
    ) -> None:
        self.batch = batch
        self.writer = writer
        self.seconds = seconds
        self.done = 0
        self.started = 0.0

    def start(self, stage: str) -> None:
        if self.done:
            self._record()
        self.started = time.monotonic()
        self.done += 1
        self.writer.update(stage=stage, done=self.done, force=True)

    def finish(self) -> None:
        self._record()

    def _record(self) -> None:
        # Seconds per step, kept in the summary for operators and benchmarks.
        self.seconds[self.batch.stage] = round(time.monotonic() - self.started, 2)


def _temp_table(
    cursor: CursorWrapper,
    name: str,
    select_sql: str,
    params: list[Any],
    *,
    count: str = "true",
    analyze: str = "",
) -> int:
    """(Re)create temp table ``name`` from ``select_sql``; returns how many of its rows
    match ``count``. ``analyze`` limits the statistics to the columns queries join on."""
    # ON COMMIT DROP, but an outer transaction (a caller's, a test's) may hold two imports.
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cursor.execute(f"CREATE TEMP TABLE {name} ON COMMIT DROP AS {select_sql}", params)
    cursor.execute(f"ANALYZE {name} {analyze}")
    cursor.execute(f"SELECT count(*) FROM {name} WHERE {count}")
    return int(cursor.fetchone()[0])


def _nextval(cursor: CursorWrapper, table: str) -> str:
    """SQL drawing the next id of ``table``, with the sequence named once: a
    ``pg_get_serial_sequence`` call inside ``nextval`` is evaluated again for every row
    (13 s of catalog look-ups for the two million ids of a million-row file)."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    sequence = cursor.fetchone()[0]
    if not re.fullmatch(r'[\w."]+', sequence or ""):
        raise ValueError(f"unexpected sequence name {sequence!r}")
    return f"nextval('{sequence}'::regclass)"
