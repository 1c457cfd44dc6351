"""The import pipeline: check a whole file into staging, then apply it set-based.

check_batch
    Reads the file (``readers``), checks each row (``rows.RowChecker``), COPYs valid
    rows into ``imports_stagedrow`` and problems into ``imports_importproblem``, then
    checks what needs the whole file or the registry with SQL (the same NIK twice, two
    heads in one KK, matches with people already registered) and writes the preview
    summary. Nothing in the registry is written.
apply_batch
    In one transaction: creates and updates households, persons, memberships and PPKS
    records with INSERT ... SELECT / UPDATE ... FROM over the staged rows, and writes
    their row history set-based too (``pilar.audit.bulk``: the same event rows the
    triggers would write, under one context naming the user and the batch), so every
    change is in the history with the batch it came from. A load big relative to the
    registry rebuilds the indexes of the tables it fills once at the end instead of
    row by row (``pilar.imports.bulkload``).

Speed (``benchmarks/RESULTS.md``): rows are checked by ``RowChecker.check_line`` (cached
per distinct cell value) and COPYed as text, by worker processes for a big file
(``parallel``, ``PILAR_IMPORT_WORKERS``) with the same result as in one process; the
apply draws every new id up front into a temp table of the batch's rows
(``import_rows``) rather than updating staging.

Matching an import row to a registered person (so importing a file twice creates
nothing the second time): by NIK; else by ``id_sumber``; else, in the household with
the row's No. KK, by name and birth date; else (no KK) by name, birth date, kelurahan
and address among households without a KK. What an import may overwrite is listed in
``PERSON_OVERWRITE`` and ``HOUSEHOLD_OVERWRITE`` (and in the user guide): a non-empty
cell replaces the registered value, an empty cell never erases one.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from pilar.audit.bulk import (
    create_context,
    history_trigger_pgids,
    history_triggers_off,
    insert_with_events,
    write_events,
)
from pilar.core.dates import today
from pilar.imports import bulkload, parallel
from pilar.imports.columns import map_headers
from pilar.imports.models import BatchStatus, ImportBatch, ImportProblem, StagedRow
from pilar.imports.readers import DEFAULT_MAX_BYTES, FileProblem, Table, read_table
from pilar.imports.rows import RowChecker
from pilar.imports.rows import copy_text as _copy_text

log = logging.getLogger(__name__)

Progress = Callable[[ImportBatch], None]

# Person columns an import may overwrite (non-empty cells only).
PERSON_OVERWRITE = (
    "name",
    "sex",
    "birth_place",
    "birth_date",
    "marital_status",
    "education",
    "occupation",
    "disabilities",
    "source_id",
)
HOUSEHOLD_OVERWRITE = ("address", "rt", "rw", "village_id", "desil")

MISSING_REASON = "tidak_diketahui"
MISSING_NOTE = "Kosong pada berkas impor"

_STAGED = StagedRow._meta.db_table
_PROBLEM = ImportProblem._meta.db_table
STAGED_COLUMNS = (
    "batch_id",
    "row_number",
    "group_key",
    "source_id",
    "no_kk",
    "nik",
    "name",
    "sex",
    "birth_place",
    "birth_date",
    "relation",
    "marital_status",
    "education",
    "occupation",
    "disabilities",
    "address",
    "rt",
    "rw",
    "village_id",
    "ppks_numbers",
    "desil",
    "nik_mismatch",
)
# Statistics of the staging table only for the columns its queries filter and join on
# (ANALYZE of every text and array column cost seconds on big files).
_STAGED_ANALYZE = (
    "(batch_id, row_number, group_key, source_id, no_kk, nik, name, birth_date, relation, "
    "village_id, address, person_id, household_id)"
)
# The temp table holding the applied batch's rows, with the ids drawn for them.
_ROWS = "import_rows"
_ROW_COLUMNS = ("id", *STAGED_COLUMNS)
PROBLEM_COLUMNS = ("batch_id", "row_number", '"column"', "message", "is_error")


def max_upload_bytes() -> int:
    return int(getattr(settings, "PILAR_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


# --- progress ---------------------------------------------------------------------------


class ProgressWriter:
    """Saves a batch's progress where other sessions can see it at once.

    The apply step runs in one transaction, so progress written on the default
    connection would stay invisible until the end: it goes through a second,
    autocommit connection (when that cannot connect, e.g. inside a test transaction
    that has not committed the batch, it quietly writes nothing)."""

    def __init__(self, batch: ImportBatch, callback: Progress | None = None) -> None:
        self.batch = batch
        self.callback = callback
        self._last = 0.0
        self._conn = None

    def _connection(self):
        if self._conn is None:
            import psycopg

            params = connection.get_connection_params()
            params.pop("cursor_factory", None)
            params.pop("context", None)
            self._conn = psycopg.connect(**params, autocommit=True)
        return self._conn

    def update(self, *, stage: str | None = None, done: int | None = None, force=False) -> None:
        if stage is not None:
            self.batch.stage = stage
        if done is not None:
            self.batch.rows_done = done
        now = time.monotonic()
        if not force and now - self._last < 0.5:
            return
        self._last = now
        try:
            self._connection().execute(
                f"UPDATE {ImportBatch._meta.db_table} SET stage=%s, rows_done=%s, rows_total=%s, "
                "status=%s WHERE id=%s",
                [
                    self.batch.stage,
                    self.batch.rows_done,
                    self.batch.rows_total,
                    self.batch.status,
                    self.batch.pk,
                ],
            )
        except Exception:  # progress is a courtesy; never fail an import over it
            log.debug("progress update failed", exc_info=True)
        if self.callback:
            self.callback(self.batch)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


# --- check ------------------------------------------------------------------------------


def _copy_rows(cursor, table: str, columns: tuple[str, ...], lines: Iterator[str]) -> None:
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with cursor.copy(sql) as copy:
        buf: list[str] = []
        for line in lines:
            buf.append(line)
            if len(buf) >= 5000:
                copy.write("".join(buf))
                buf = []
        if buf:
            copy.write("".join(buf))


def estimate_rows(table: Table, path: str) -> int:
    """A quick estimate of the data rows, for the progress bar only."""
    rows = table.rows
    sheet = getattr(rows, "sheet", None)
    if sheet is not None:
        height = getattr(sheet, "height", None) or getattr(sheet, "total_height", None) or 0
        return max(0, int(height) - table.header_row_number)
    count = 0
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(4 * 1024 * 1024), b""):
            count += chunk.count(b"\n")
    return max(0, count - table.header_row_number)


def _refuse(batch: ImportBatch, message: str) -> ImportBatch:
    batch.status = BatchStatus.REFUSED
    batch.file_problem = message
    batch.stage = ""
    batch.finished_at = timezone.now()
    batch.save()
    return batch


def check_batch(
    batch: ImportBatch, *, progress: Progress | None = None, max_bytes: int | None = None
) -> ImportBatch:
    """Check the batch's file into staging and compute the preview (see module doc)."""
    writer = ProgressWriter(batch, progress)
    try:
        return _check(batch, writer, max_bytes or max_upload_bytes())
    finally:
        writer.close()


def _check(batch: ImportBatch, writer: ProgressWriter, max_bytes: int) -> ImportBatch:
    batch.status = BatchStatus.CHECKING
    batch.file_problem = ""
    batch.rows_done = 0
    batch.save()
    StagedRow.objects.filter(batch=batch).delete()
    ImportProblem.objects.filter(batch=batch).delete()
    try:
        table = read_table(batch.stored_path, max_bytes=max_bytes)
    except FileProblem as exc:
        return _refuse(batch, exc.message)
    mapping = map_headers(table.headers)
    if mapping.problems:
        return _refuse(batch, " ".join(mapping.problems))
    batch.file_format = table.format
    batch.rows_total = estimate_rows(table, batch.stored_path)
    writer.update(stage="Memeriksa baris", done=0, force=True)

    checker = RowChecker(mapping, region=settings.PILAR_REGION)
    problems: list[tuple[int, str, str, bool]] = []
    counts = {"rows": 0, "error_rows": 0}
    batch_id = str(batch.pk)

    def staged_lines() -> Iterator[str]:
        check_line = checker.check_line
        rows = 0
        try:
            for row_number, cells in table.rows:
                rows += 1
                line, found = check_line(batch_id, row_number, cells)
                if line is None:
                    counts["error_rows"] += 1
                    problems.extend((row_number, col, msg, True) for col, msg in found)
                else:
                    if found:
                        problems.extend((row_number, col, msg, False) for col, msg in found)
                    yield line
                if rows % 2000 == 0:
                    counts["rows"] = rows
                    writer.update(done=rows)
        except FileProblem as exc:
            counts["file_problem"] = exc.message  # type: ignore[assignment]
        counts["rows"] = rows

    timings: dict[str, float] = {}
    started = time.monotonic()
    with connection.cursor() as cursor:
        if not _stage_in_workers(cursor, table, checker, batch, writer, problems, counts):
            _copy_rows(cursor, _STAGED, STAGED_COLUMNS, staged_lines())
    timings["read, check rows, COPY"] = round(time.monotonic() - started, 2)
    if "file_problem" in counts:
        StagedRow.objects.filter(batch=batch).delete()
        return _refuse(batch, str(counts["file_problem"]))
    if counts["rows"] == 0:
        return _refuse(batch, "Berkas tidak berisi baris data di bawah judul kolom.")
    batch.rows_total = counts["rows"]
    writer.update(stage="Mencocokkan dengan registri", done=counts["rows"], force=True)
    with connection.cursor() as cursor:
        _copy_rows(
            cursor,
            _PROBLEM,
            PROBLEM_COLUMNS,
            (
                f"{batch_id}\t{n}\t{_copy_text(c)}\t{_copy_text(m)}\t{'t' if e else 'f'}\n"
                for n, c, m, e in problems
            ),
        )
        # Fresh statistics: the planner must know the staging table now holds the file.
        cursor.execute(f"ANALYZE {_STAGED} {_STAGED_ANALYZE}")
        started = time.monotonic()
        _whole_file_checks(cursor, batch.pk)
        _match_registry(cursor, batch.pk)
        _registry_checks(cursor, batch.pk)
        _lookalike_warnings(cursor, batch.pk)
        cursor.execute(f"ANALYZE {_STAGED} {_STAGED_ANALYZE}, {_PROBLEM}")
        timings["whole-file and registry checks"] = round(time.monotonic() - started, 2)
        started = time.monotonic()
        summary = _preview_summary(cursor, batch.pk)
        timings["preview counts"] = round(time.monotonic() - started, 2)
    summary["rows"] = counts["rows"]
    summary["file_rows_refused"] = counts["error_rows"]
    summary["seconds_check"] = timings
    batch.summary = summary
    if batch.dry_run:
        # A dry run can never be applied: its staged rows are not kept.
        StagedRow.objects.filter(batch=batch).delete()
    batch.status = BatchStatus.CHECKED
    batch.checked_at = timezone.now()
    batch.stage = ""
    batch.save()
    return batch


def _stage_in_workers(cursor, table, checker, batch, writer, problems, counts) -> bool:
    """Read, check and stage the rows in worker processes (``parallel``) when the file is
    big enough; False when the caller must do it in this process (including after a
    ``Fallback``, whose partly staged rows are removed here)."""
    if not parallel.usable(table, batch.rows_total):
        return False
    check = parallel.ParallelCheck(
        table, checker, str(batch.pk), progress=lambda rows: writer.update(done=rows)
    )
    stopped: list[Exception] = []

    def blocks() -> Iterator[str]:
        # Caught here so that the COPY ends normally (an aborted COPY would abort the
        # surrounding transaction too).
        try:
            yield from check.blocks()
        except (parallel.Fallback, FileProblem) as exc:
            stopped.append(exc)

    _copy_blocks(cursor, _STAGED, STAGED_COLUMNS, blocks())
    if stopped and isinstance(stopped[0], parallel.Fallback):
        log.info("import %s: checked in one process (%s)", batch.pk, stopped[0])
        cursor.execute(f"DELETE FROM {_STAGED} WHERE batch_id = %s", [batch.pk])
        return False
    if stopped:
        counts["file_problem"] = stopped[0].message  # type: ignore[attr-defined]
    problems.extend(check.problems)
    counts["rows"] = check.rows
    counts["error_rows"] = check.error_rows
    return True


def _copy_blocks(cursor, table: str, columns: tuple[str, ...], blocks: Iterator[str]) -> None:
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with cursor.copy(sql) as copy:
        for block in blocks:
            copy.write(block)


def _whole_file_checks(cursor, batch_id: int) -> None:
    # The same NIK (or id_sumber) twice in the file: the first row wins.
    for column, key, label in (("nik", "nik", "NIK"), ("id_sumber", "source_id", "id_sumber")):
        cursor.execute(
            f"""
            WITH firsts AS (
                SELECT {key} AS k, min(row_number) AS first_row FROM {_STAGED}
                WHERE batch_id = %s AND {key} IS NOT NULL AND {key} <> ''
                GROUP BY {key} HAVING count(*) > 1
            ), bad AS (
                SELECT s.id, s.row_number, firsts.first_row FROM {_STAGED} s
                JOIN firsts ON s.{key} = firsts.k
                WHERE s.batch_id = %s AND s.row_number > firsts.first_row
            ), gone AS (DELETE FROM {_STAGED} t USING bad WHERE t.id = bad.id)
            INSERT INTO {_PROBLEM} (batch_id, row_number, "column", message, is_error)
            SELECT %s, row_number, %s, '{label} sama dengan baris ' || first_row || '.', true
            FROM bad
            """,
            [batch_id, batch_id, batch_id, column],
        )
    # One head per KK: a second head is refused.
    cursor.execute(
        f"""
        WITH heads AS (
            SELECT id, row_number, min(row_number) OVER (PARTITION BY group_key) AS first_row
            FROM {_STAGED} WHERE batch_id = %s AND relation = 'kepala'
        ), bad AS (SELECT * FROM heads WHERE row_number > first_row),
        gone AS (DELETE FROM {_STAGED} t USING bad WHERE t.id = bad.id)
        INSERT INTO {_PROBLEM} (batch_id, row_number, "column", message, is_error)
        SELECT %s, row_number, 'hubungan_keluarga',
               'KK ini sudah punya Kepala Keluarga di baris ' || first_row || '.', true
        FROM bad
        """,
        [batch_id, batch_id],
    )
    # One kelurahan per KK: the head's (else the first row's) wins.
    cursor.execute(
        f"""
        WITH ref AS (
            SELECT DISTINCT ON (group_key COLLATE "C") group_key, village_id, row_number
            FROM {_STAGED} WHERE batch_id = %s
            ORDER BY group_key COLLATE "C", (relation = 'kepala') DESC, row_number
        ), bad AS (
            SELECT s.id, s.row_number, ref.row_number AS ref_row FROM {_STAGED} s
            JOIN ref ON ref.group_key = s.group_key
            WHERE s.batch_id = %s AND s.village_id <> ref.village_id
        ), gone AS (DELETE FROM {_STAGED} t USING bad WHERE t.id = bad.id)
        INSERT INTO {_PROBLEM} (batch_id, row_number, "column", message, is_error)
        SELECT %s, row_number, 'kode_kelurahan',
               'Kelurahan berbeda dengan anggota lain KK ini (baris ' || ref_row || ').', true
        FROM bad
        """,
        [batch_id, batch_id, batch_id],
    )


def _match_registry(cursor, batch_id: int) -> None:
    """Fill person_id / household_id with the registered rows each staged row updates."""
    cursor.execute(
        f"""
        UPDATE {_STAGED} s SET person_id = p.id FROM registry_person p
        WHERE s.batch_id = %s AND s.nik IS NOT NULL AND p.nik = s.nik AND p.is_active
        """,
        [batch_id],
    )
    cursor.execute(
        f"""
        UPDATE {_STAGED} s SET person_id = p.id FROM registry_person p
        WHERE s.batch_id = %s AND s.person_id IS NULL AND s.source_id <> ''
          AND p.source_id = s.source_id AND p.is_active
          AND (s.nik IS NULL OR p.nik IS NULL)
        """,
        [batch_id],
    )
    cursor.execute(
        f"""
        UPDATE {_STAGED} s SET household_id = h.id FROM registry_household h
        WHERE s.batch_id = %s AND s.no_kk IS NOT NULL AND h.no_kk = s.no_kk AND h.is_active
        """,
        [batch_id],
    )
    # No NIK: the same name and birth date inside the same KK is the same person.
    cursor.execute(
        f"""
        UPDATE {_STAGED} s SET person_id = p.id FROM registry_person p
        WHERE s.batch_id = %s AND s.person_id IS NULL AND s.nik IS NULL
          AND s.household_id IS NOT NULL AND p.household_id = s.household_id AND p.is_active
          AND lower(p.name) = lower(s.name) AND p.birth_date IS NOT DISTINCT FROM s.birth_date
        """,
        [batch_id],
    )
    # Rows without a KK stay in the household the matched person is in.
    cursor.execute(
        f"""
        UPDATE {_STAGED} s SET household_id = p.household_id FROM registry_person p
        WHERE s.batch_id = %s AND s.no_kk IS NULL AND s.person_id = p.id
        """,
        [batch_id],
    )
    # No KK and no NIK: name, birth date, kelurahan and address among households without KK.
    cursor.execute(
        f"""
        UPDATE {_STAGED} s SET person_id = p.id, household_id = h.id
        FROM registry_person p JOIN registry_household h ON h.id = p.household_id
        WHERE s.batch_id = %s AND s.no_kk IS NULL AND s.person_id IS NULL AND s.nik IS NULL
          AND h.no_kk IS NULL AND h.is_active AND p.is_active AND h.village_id = s.village_id
          AND lower(h.address) = lower(s.address) AND lower(p.name) = lower(s.name)
          AND p.birth_date IS NOT DISTINCT FROM s.birth_date
        """,
        [batch_id],
    )


def _registry_checks(cursor, batch_id: int) -> None:
    # Two rows that resolve to one registered person (e.g. by NIK and by id_sumber).
    cursor.execute(
        f"""
        WITH firsts AS (
            SELECT person_id, min(row_number) AS first_row FROM {_STAGED}
            WHERE batch_id = %s AND person_id IS NOT NULL GROUP BY person_id HAVING count(*) > 1
        ), bad AS (
            SELECT s.id, s.row_number, firsts.first_row FROM {_STAGED} s
            JOIN firsts USING (person_id) WHERE s.batch_id = %s AND s.row_number > first_row
        ), gone AS (DELETE FROM {_STAGED} t USING bad WHERE t.id = bad.id)
        INSERT INTO {_PROBLEM} (batch_id, row_number, "column", message, is_error)
        SELECT %s, row_number, 'nik',
               'Baris ini dan baris ' || first_row || ' menunjuk individu yang sama.', true
        FROM bad
        """,
        [batch_id, batch_id, batch_id],
    )
    # A new head for a registered KK whose current head is someone not in the file.
    cursor.execute(
        f"""
        WITH bad AS (
            SELECT s.id, s.row_number, p.name FROM {_STAGED} s
            JOIN registry_person p ON p.household_id = s.household_id AND p.is_active
                 AND p.relation = 'kepala' AND p.life_status = 'hidup'
            WHERE s.batch_id = %s AND s.relation = 'kepala'
              AND p.id IS DISTINCT FROM s.person_id
              AND NOT EXISTS (
                  SELECT 1 FROM {_STAGED} o WHERE o.batch_id = s.batch_id AND o.person_id = p.id
              )
        ), gone AS (DELETE FROM {_STAGED} t USING bad WHERE t.id = bad.id)
        INSERT INTO {_PROBLEM} (batch_id, row_number, "column", message, is_error)
        SELECT %s, row_number, 'hubungan_keluarga',
               'KK ini sudah punya Kepala Keluarga lain di registri (' || name
               || '); ubah lewat halaman keluarga.', true
        FROM bad
        """,
        [batch_id, batch_id],
    )
    # A household to create needs an address on at least one of its rows.
    cursor.execute(
        f"""
        WITH empty AS (
            SELECT group_key FROM {_STAGED} WHERE batch_id = %s AND household_id IS NULL
            GROUP BY group_key HAVING max(address) = ''
        ), bad AS (
            SELECT s.id, s.row_number FROM {_STAGED} s JOIN empty USING (group_key)
            WHERE s.batch_id = %s
        ), gone AS (DELETE FROM {_STAGED} t USING bad WHERE t.id = bad.id)
        INSERT INTO {_PROBLEM} (batch_id, row_number, "column", message, is_error)
        SELECT %s, row_number, 'alamat', 'Alamat wajib diisi (keluarga baru).', true FROM bad
        """,
        [batch_id, batch_id, batch_id],
    )


def _lookalike_warnings(cursor, batch_id: int) -> None:
    """A new person with the name and birth date of a registered one is flagged before it
    is created (the duplicate review decides later whether they are one)."""
    cursor.execute(
        f"""
        INSERT INTO {_PROBLEM} (batch_id, row_number, "column", message, is_error)
        SELECT DISTINCT ON (s.row_number) %s, s.row_number, 'nama',
               'Mirip individu yang sudah terdaftar: ' || p.name || ', lahir '
               || to_char(p.birth_date, 'DD-MM-YYYY') || ', kelurahan ' || p_h.village_id
               || ' (ID ' || p.id || '); periksa apakah orang yang sama.', false
        FROM {_STAGED} s
        JOIN registry_person p ON lower(p.name) = lower(s.name) AND p.birth_date = s.birth_date
             AND p.is_active
        JOIN registry_household p_h ON p_h.id = p.household_id
        WHERE s.batch_id = %s AND s.person_id IS NULL AND s.birth_date IS NOT NULL
        ORDER BY s.row_number, p.id
        """,
        [batch_id, batch_id],
    )


# Does a matched staged row (s) change its person (p)? Shared by preview and apply.
_PERSON_CHANGED = " OR ".join(
    [
        f"(s.{f} <> '' AND s.{f} IS DISTINCT FROM p.{f})"
        for f in ("name", "sex", "birth_place", "marital_status", "education", "occupation")
    ]
    + [
        "(s.source_id <> '' AND s.source_id IS DISTINCT FROM p.source_id)",
        "(s.birth_date IS NOT NULL AND s.birth_date IS DISTINCT FROM p.birth_date)",
        "(cardinality(s.disabilities) > 0 AND s.disabilities IS DISTINCT FROM p.disabilities)",
        "(s.nik IS NOT NULL AND p.nik IS NULL)",
        "s.relation IS DISTINCT FROM p.relation",
        # Before apply, a row whose household is still to be created has none yet.
        "COALESCE(s.household_id, -1) IS DISTINCT FROM p.household_id",
    ]
)


def _representatives(table: str, where: str = "batch_id = %s", columns: str = "*") -> str:
    """The row that speaks for a household: its head, else the first row with an address.
    (Grouped by bytes: the same groups, as the collation is deterministic, without a
    locale-aware sort of a million keys.)"""
    return f"""
        SELECT DISTINCT ON (group_key COLLATE "C") {columns} FROM {table} WHERE {where}
        ORDER BY group_key COLLATE "C", (relation = 'kepala') DESC, (address <> '') DESC,
                 row_number
    """


_REPRESENTATIVES = _representatives(_STAGED)

_HOUSEHOLD_CHANGED = " OR ".join(
    [
        f"(r.{f} <> '' AND r.{f} IS DISTINCT FROM h.{f})"
        for f in ("address", "rt", "rw", "village_id")
    ]
    + ["(r.desil IS NOT NULL AND r.desil IS DISTINCT FROM h.desil)"]
)


def _scalar(cursor, sql: str, params) -> int:
    cursor.execute(sql, params)
    return int(cursor.fetchone()[0] or 0)


def _preview_summary(cursor, batch_id: int) -> dict:
    p = [batch_id]
    summary = {
        "valid_rows": _scalar(cursor, f"SELECT count(*) FROM {_STAGED} WHERE batch_id=%s", p),
        "error_rows": _scalar(
            cursor,
            f"SELECT count(DISTINCT row_number) FROM {_PROBLEM} WHERE batch_id=%s AND is_error",
            p,
        ),
        "warning_rows": _scalar(
            cursor,
            f"SELECT count(DISTINCT row_number) FROM {_PROBLEM} WHERE batch_id=%s AND NOT is_error",
            p,
        ),
        "households_created": _scalar(
            cursor,
            f"SELECT count(DISTINCT group_key) FROM {_STAGED} "
            "WHERE batch_id=%s AND household_id IS NULL",
            p,
        ),
        "households_updated": _scalar(
            cursor,
            f"SELECT count(*) FROM ({_REPRESENTATIVES}) r JOIN registry_household h "
            f"ON h.id = r.household_id WHERE {_HOUSEHOLD_CHANGED}",
            p,
        ),
        "persons_created": _scalar(
            cursor,
            f"SELECT count(*) FROM {_STAGED} WHERE batch_id=%s AND person_id IS NULL",
            p,
        ),
        "persons_updated": _scalar(
            cursor,
            f"SELECT count(*) FROM {_STAGED} s JOIN registry_person p ON p.id = s.person_id "
            f"WHERE s.batch_id=%s AND ({_PERSON_CHANGED})",
            p,
        ),
        "persons_moved": _scalar(
            cursor,
            f"SELECT count(*) FROM {_STAGED} s JOIN registry_person p ON p.id = s.person_id "
            "WHERE s.batch_id=%s AND COALESCE(s.household_id, -1) <> p.household_id",
            p,
        ),
        "lookalikes": _scalar(
            cursor,
            f"SELECT count(*) FROM {_PROBLEM} WHERE batch_id=%s AND NOT is_error "
            "AND \"column\" = 'nama'",
            p,
        ),
        "ppks_created": _ppks_to_create(cursor, batch_id),
    }
    summary["households_unchanged"] = (
        _scalar(
            cursor,
            f"SELECT count(DISTINCT household_id) FROM {_STAGED} "
            "WHERE batch_id=%s AND household_id IS NOT NULL",
            p,
        )
        - summary["households_updated"]
    )
    summary["persons_unchanged"] = (
        summary["valid_rows"] - summary["persons_created"] - summary["persons_updated"]
    )
    return summary


def _ppks_select(batch_id: int, rows: str | None = None) -> tuple[str, list]:
    """Staged PPKS types without an active record yet: (type id, person or NULL,
    household, disability subtypes), one per person/household and type. During apply,
    ``rows`` names the temp table of the batch's rows with the ids drawn for new persons."""
    person = "s.person_id"
    table = _STAGED
    if rows:
        person = "COALESCE(s.person_id, s.new_person_id)"
        table = rows
    sql = f"""
        SELECT DISTINCT ON (t.id, CASE WHEN t.level = 'individu'
                                 THEN COALESCE({person}, -s.id) END, s.household_id,
                            -- before apply a new household has no id yet: its KK tells
                            CASE WHEN s.household_id IS NULL THEN s.group_key END)
               t.id AS type_id,
               CASE WHEN t.level = 'individu' THEN {person} END AS person_id,
               s.household_id,
               CASE WHEN t.has_disability_subtypes THEN s.disabilities ELSE '{{}}' END AS subtypes
        FROM {table} s
        CROSS JOIN LATERAL unnest(s.ppks_numbers) AS n(number)
        JOIN ppks_ppkstype t ON t.number = n.number
        WHERE s.batch_id = %s AND NOT EXISTS (
            SELECT 1 FROM registry_person d WHERE d.id = s.person_id AND d.life_status <> 'hidup'
        ) AND NOT EXISTS (
            SELECT 1 FROM ppks_ppksrecord r
            WHERE r.status = 'aktif' AND r.ppks_type_id = t.id AND (
                (t.level = 'individu' AND r.person_id = s.person_id)
                OR (t.level <> 'individu' AND r.person_id IS NULL
                    AND r.household_id = s.household_id)
            )
        )
    """
    return sql, [batch_id]


def _ppks_to_create(cursor, batch_id: int) -> int:
    sql, params = _ppks_select(batch_id)
    return _scalar(cursor, f"SELECT count(*) FROM ({sql}) x", params)


# --- apply ------------------------------------------------------------------------------


@dataclass
class ApplyCounts:
    households_created: int = 0
    households_updated: int = 0
    persons_created: int = 0
    persons_updated: int = 0
    persons_moved: int = 0
    memberships_created: int = 0
    ppks_created: int = 0
    # Tables whose indexes and foreign keys were rebuilt once after the load (bulkload).
    bulk_rebuilt: list[str] = field(default_factory=list)
    seconds_by_step: dict[str, float] = field(default_factory=dict)


def apply_batch(
    batch: ImportBatch, *, acting_user, progress: Progress | None = None
) -> ImportBatch:
    """Write the checked batch's valid rows to the registry (one transaction)."""
    if batch.status != BatchStatus.CHECKED or batch.dry_run:
        raise ValueError(f"batch {batch.pk} is not ready to import ({batch.status})")
    writer = ProgressWriter(batch, progress)
    batch.status = BatchStatus.IMPORTING
    batch.rows_done = 0
    batch.rows_total = 7
    batch.save(update_fields=["status", "rows_done", "rows_total"])
    try:
        with transaction.atomic():
            counts = _apply(batch, acting_user, writer)
            batch.summary = {**batch.summary, **counts.__dict__, "applied": True}
            batch.status = BatchStatus.DONE
            batch.imported_by = acting_user
            batch.imported_at = batch.finished_at = timezone.now()
            batch.stage = ""
            batch.rows_done = batch.rows_total
            batch.save()
            StagedRow.objects.filter(batch=batch).delete()
    except Exception:
        batch.refresh_from_db()
        batch.status = BatchStatus.FAILED
        batch.stage = ""
        batch.save(update_fields=["status", "stage"])
        raise
    finally:
        writer.close()
    return batch


def _temp_ids(
    cursor, name: str, select_sql: str, params, *, count: str = "true", analyze: str = ""
) -> int:
    """(Re)create temp table ``name`` from ``select_sql``; returns how many of its rows
    match ``count``. ``analyze`` limits the statistics to the columns queries join on."""
    # ON COMMIT DROP, but an outer transaction (a caller's, a test's) may hold two imports.
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cursor.execute(f"CREATE TEMP TABLE {name} ON COMMIT DROP AS {select_sql}", params)
    cursor.execute(f"ANALYZE {name} {analyze}")
    cursor.execute(f"SELECT count(*) FROM {name} WHERE {count}")
    return int(cursor.fetchone()[0])


def _nextval(cursor, table: str) -> str:
    """SQL drawing the next id of ``table``, with the sequence named once: a
    ``pg_get_serial_sequence`` call inside ``nextval`` is evaluated again for every row
    (13 s of catalog look-ups for the two million ids of a million-row file)."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    sequence = cursor.fetchone()[0]
    if not re.fullmatch(r'[\w."]+', sequence or ""):
        raise ValueError(f"unexpected sequence name {sequence!r}")
    return f"nextval('{sequence}'::regclass)"


class _Updater:
    """UPDATE with its history: OLD rows as "before_update", NEW rows as "update"."""

    def __init__(self, cursor, context_id: str) -> None:
        self.cursor = cursor
        self.context_id = context_id

    def __call__(self, model, ids_table: str, update_sql: str, params) -> int:
        ids = f"SELECT id FROM {ids_table}"
        write_events(self.cursor, model, "before_update", self.context_id, ids)
        self.cursor.execute(update_sql, params)
        write_events(self.cursor, model, "update", self.context_id, ids)
        return self.cursor.rowcount


def _apply(batch: ImportBatch, user, writer: ProgressWriter) -> ApplyCounts:
    from django.urls import reverse

    from pilar.ppks.models import PpksRecord
    from pilar.registry.models import Household, Membership, Person

    b = batch.pk
    on = today()
    counts = ApplyCounts()
    note = f"Impor #{b} ({batch.file_name})"[:300]
    metadata = {
        "user": getattr(user, "pk", None),
        "url": reverse("imports:detail", args=[b]),
        "import_batch": b,
    }
    with (
        history_triggers_off(Household, Person, Membership, PpksRecord),
        connection.cursor() as cursor,
    ):
        # Sorts and hashes over a whole file's rows: give them memory (this transaction only).
        cursor.execute("SET LOCAL work_mem = '256MB'")
        ctx = create_context(cursor, metadata)
        update = _Updater(cursor, ctx)
        step = 0
        clock = [time.monotonic()]

        def stage(text: str) -> None:
            nonlocal step
            if step:
                # Seconds per step, kept in the summary for operators and benchmarks.
                counts.seconds_by_step[batch.stage] = round(time.monotonic() - clock[0], 2)
            clock[0] = time.monotonic()
            step += 1
            writer.update(stage=text, done=step, force=True)

        stage("Membuat keluarga baru")
        households_new = _temp_ids(
            cursor,
            "import_new_household",
            f"""
            SELECT group_key, {_nextval(cursor, "registry_household")} AS id
            FROM (SELECT DISTINCT group_key FROM {_STAGED}
                  WHERE batch_id = %s AND household_id IS NULL) g
            """,
            [b],
        )
        # The batch's rows with every id they need drawn up front, in a temp table: no
        # UPDATE of the wide staging rows (and no re-ANALYZE of them) during the apply.
        persons_new = _temp_ids(
            cursor,
            _ROWS,
            f"""
            SELECT {", ".join(f"s.{c}" for c in _ROW_COLUMNS)}, s.person_id,
                   COALESCE(s.household_id, n.id) AS household_id,
                   CASE WHEN s.person_id IS NULL THEN
                       {_nextval(cursor, "registry_person")} END
                       AS new_person_id,
                   CASE WHEN s.person_id IS NULL THEN
                       {_nextval(cursor, "registry_membership")} END
                       AS new_membership_id
            FROM {_STAGED} s
            LEFT JOIN import_new_household n
                   ON s.household_id IS NULL AND n.group_key = s.group_key
            WHERE s.batch_id = %s
            """,
            [b],
            count="new_person_id IS NOT NULL",
            analyze="(id, person_id, household_id, new_person_id, group_key)",
        )
        _temp_ids(
            cursor,
            "import_household_rows",
            _representatives(
                _ROWS,
                where="true",
                columns="group_key, household_id, no_kk, address, rt, rw, village_id, desil",
            ),
            [],
            analyze="(household_id)",
        )
        # A big load rebuilds the indexes of the tables it fills once, at the end.
        loads = (
            (Household, households_new),
            (Person, persons_new),
            (Membership, persons_new),
            # Counted by the check (nothing else writes PPKS records of the batch before).
            (PpksRecord, int(batch.summary.get("ppks_created") or 0)),
        )
        relaxed = bulkload.relax(
            cursor,
            [
                table
                for model, new_rows in loads
                for table in (
                    model._meta.db_table,
                    getattr(model, "pgh_event_model")._meta.db_table,  # noqa: B009
                )
                if bulkload.should_relax(cursor, table, new_rows)
            ],
            triggers={model._meta.db_table: history_trigger_pgids(model) for model, _ in loads},
        )
        counts.households_created = insert_with_events(
            cursor,
            Household,
            ctx,
            """
            INSERT INTO registry_household (id, no_kk, no_kk_missing_reason,
                no_kk_missing_note, address, rt, rw, village_id, house_ownership, land_status,
                desil, is_active, source_id, created_at, updated_at)
            SELECT r.household_id, r.no_kk,
                   CASE WHEN r.no_kk IS NULL THEN %s ELSE '' END,
                   CASE WHEN r.no_kk IS NULL THEN %s ELSE '' END,
                   r.address, r.rt, r.rw, r.village_id, '', '', r.desil, true, '', now(), now()
            FROM import_household_rows r JOIN import_new_household n ON n.id = r.household_id
            """,
            [MISSING_REASON, MISSING_NOTE],
        )

        stage("Memperbarui keluarga")
        _temp_ids(
            cursor,
            "import_upd_household",
            f"""
            SELECT h.id FROM import_household_rows r JOIN registry_household h
                ON h.id = r.household_id
            WHERE NOT EXISTS (SELECT 1 FROM import_new_household n WHERE n.id = h.id)
              AND ({_HOUSEHOLD_CHANGED})
            """,
            [],
        )
        counts.households_updated = update(
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

        stage("Memindahkan individu antar-KK")
        moved = f"""
            FROM {_ROWS} s JOIN registry_person p ON p.id = s.person_id
            WHERE s.household_id <> p.household_id
        """
        _temp_ids(
            cursor,
            "import_close_membership",
            f"SELECT m.id FROM registry_membership m WHERE m.end_date IS NULL "
            f"AND m.person_id IN (SELECT p.id {moved})",
            [],
        )
        update(
            Membership,
            "import_close_membership",
            "UPDATE registry_membership SET end_date = %s, end_reason = %s "
            "WHERE id IN (SELECT id FROM import_close_membership)",
            [on, f"Pindah KK ({note})"[:200]],
        )
        counts.persons_moved = insert_with_events(
            cursor,
            Membership,
            ctx,
            f"""
            INSERT INTO registry_membership (person_id, household_id, relation, start_date,
                                             end_date, end_reason)
            SELECT s.person_id, s.household_id, s.relation, %s, NULL, '' {moved}
            """,
            [on],
        )
        _temp_ids(
            cursor,
            "import_follow_ppks",
            "SELECT r.id FROM ppks_ppksrecord r WHERE r.status = 'aktif' "
            f"AND r.person_id IN (SELECT p.id {moved})",
            [],
        )
        update(
            PpksRecord,
            "import_follow_ppks",
            f"""
            UPDATE ppks_ppksrecord r SET household_id = s.household_id, updated_at = now()
            FROM {_ROWS} s
            WHERE r.person_id = s.person_id AND r.id IN (SELECT id FROM import_follow_ppks)
            """,
            [],
        )
        _temp_ids(
            cursor,
            "import_relation_membership",
            f"""
            SELECT m.id FROM registry_membership m
            JOIN {_ROWS} s ON s.person_id = m.person_id
            JOIN registry_person p ON p.id = s.person_id
            WHERE m.end_date IS NULL
              AND s.household_id = p.household_id AND m.relation <> s.relation
            """,
            [],
        )
        update(
            Membership,
            "import_relation_membership",
            f"""
            UPDATE registry_membership m SET relation = s.relation FROM {_ROWS} s
            WHERE s.person_id = m.person_id
              AND m.id IN (SELECT id FROM import_relation_membership)
            """,
            [],
        )

        stage("Memperbarui individu")
        _temp_ids(
            cursor,
            "import_upd_person",
            f"SELECT p.id FROM {_ROWS} s JOIN registry_person p ON p.id = s.person_id "
            f"WHERE ({_PERSON_CHANGED})",
            [],
        )
        counts.persons_updated = update(
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
            FROM {_ROWS} s
            WHERE p.id = s.person_id AND p.id IN (SELECT id FROM import_upd_person)
            """,
            [],
        )

        stage("Menambahkan individu baru")
        counts.persons_created = insert_with_events(
            cursor,
            Person,
            ctx,
            f"""
            INSERT INTO registry_person (id, nik, nik_missing_reason, nik_missing_note,
                nik_mismatch_reason, name, sex, birth_place, birth_date, household_id,
                relation, marital_status, education, occupation, disabilities,
                chronic_illness, life_status, life_status_date, is_active, source_id,
                created_at, updated_at)
            SELECT s.new_person_id, s.nik,
                   CASE WHEN s.nik IS NULL THEN %s ELSE '' END,
                   CASE WHEN s.nik IS NULL THEN %s ELSE '' END,
                   s.nik_mismatch, s.name, s.sex, s.birth_place, s.birth_date, s.household_id,
                   s.relation, s.marital_status, s.education, s.occupation, s.disabilities,
                   '', 'hidup', NULL, true, s.source_id, now(), now()
            FROM {_ROWS} s WHERE s.new_person_id IS NOT NULL
            """,
            [MISSING_REASON, MISSING_NOTE],
        )

        stage("Mencatat keanggotaan keluarga")
        counts.memberships_created = (
            insert_with_events(
                cursor,
                Membership,
                ctx,
                f"""
                INSERT INTO registry_membership (id, person_id, household_id, relation,
                                                 start_date, end_date, end_reason)
                SELECT s.new_membership_id, s.new_person_id, s.household_id, s.relation, %s,
                       NULL, ''
                FROM {_ROWS} s WHERE s.new_person_id IS NOT NULL
                """,
                [on],
            )
            + counts.persons_moved
        )

        stage("Mencatat data PPKS")
        sql, params = _ppks_select(b, rows=_ROWS)
        # Materialised first: an INSERT whose NOT EXISTS reads the table it fills would
        # rescan its own new (invisible) rows for every row, quadratic on big files.
        cursor.execute("DROP TABLE IF EXISTS import_new_ppks")
        cursor.execute(f"CREATE TEMP TABLE import_new_ppks ON COMMIT DROP AS {sql}", params)
        counts.ppks_created = insert_with_events(
            cursor,
            PpksRecord,
            ctx,
            """
            INSERT INTO ppks_ppksrecord (ppks_type_id, person_id, household_id, status,
                disability_subtypes, date_found, reporter_id, reporter_name, notes, ended_on,
                end_reason, created_at, updated_at, validated_at, validated_by_id)
            SELECT x.type_id, x.person_id, x.household_id, 'aktif', x.subtypes, %s, %s, '',
                   %s, NULL, '', now(), now(), now(), %s
            FROM import_new_ppks x
            """,
            # Only Dinas Sosial imports, and Dinas Sosial is the validating authority.
            [on, getattr(user, "pk", None), note, getattr(user, "pk", None)],
        )
        if relaxed:
            batch.rows_total += 1  # one more step than the usual seven
            stage("Membangun ulang indeks")
            bulkload.restore(cursor, relaxed)
            counts.bulk_rebuilt = relaxed.tables
        counts.seconds_by_step[batch.stage] = round(time.monotonic() - clock[0], 2)
    return counts
