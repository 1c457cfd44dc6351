"""The check: a batch's file read, every row checked and staged, then the checks that
need the whole file or the registry, then the preview counts.

``check_file`` does the work and returns the preview summary, or raises
``readers.FileProblem`` with the reason the whole file is refused; the batch's status
is the caller's (``actions.check_batch``). Nothing in the registry is written.

Rows are checked by ``RowChecker.check_line`` and COPYed into staging, in worker
processes for a big file (``parallel``) and else in this process, with the same result.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.backends.utils import CursorWrapper

from pilar.imports import numbers, parallel
from pilar.imports.columns import HeaderMapping, map_headers
from pilar.imports.models import ImportBatch, StagedRow
from pilar.imports.numbers import Evidence
from pilar.imports.pipeline import batch_checks, preview, staging
from pilar.imports.pipeline.progress import ProgressWriter
from pilar.imports.pipeline.staging import PROBLEM, STAGED, STAGED_ANALYZE, STAGED_COLUMNS
from pilar.imports.readers import FileProblem, Table, read_table
from pilar.imports.rows import CheckedRows, Doubt, Problem, RowChecker

log = logging.getLogger(__name__)

MESSAGE_NO_ROWS = "Berkas tidak berisi baris data di bawah judul kolom."


@dataclass
class _Staged:
    """What staging a file's rows found (rows read, rows refused, their problems)."""

    rows: int = 0
    error_rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    file_problem: str | None = None  # the file broke off: it is refused
    # NIK / No. KK number cells per column and the rows ending in 0 (pilar.imports.numbers)
    evidence: dict[str, Evidence] = field(default_factory=dict)
    doubts: list[Doubt] = field(default_factory=list)


def check_file(batch: ImportBatch, writer: ProgressWriter, max_bytes: int) -> dict[str, Any]:
    """Check the batch's file into staging; returns the preview summary (see module doc).

    Sets the batch's ``file_format`` and its progress (``rows_total``, through
    ``writer``); raises ``FileProblem`` for a file that cannot be read, has no known
    header or no rows, with nothing of it left in staging."""
    staging.clear(batch)
    table, mapping = _read(batch.stored_path, max_bytes)
    batch.file_format = table.format
    batch.rows_total = estimate_rows(table, batch.stored_path)
    writer.update(stage="Memeriksa baris", done=0, force=True)

    checker = RowChecker(mapping, region=settings.PILAR_REGION)
    timings: dict[str, float] = {}
    started = time.monotonic()
    staged = _stage_rows(table, checker, batch, writer)
    timings["read, check rows, COPY"] = round(time.monotonic() - started, 2)
    if staged.file_problem is not None:
        StagedRow.objects.filter(batch=batch).delete()
        raise FileProblem(staged.file_problem)
    if staged.rows == 0:
        raise FileProblem(MESSAGE_NO_ROWS)
    batch.rows_total = staged.rows
    writer.update(stage="Mencocokkan dengan registri", done=staged.rows, force=True)
    with connection.cursor() as cursor:
        number_columns = _decide_number_columns(cursor, batch, staged)
        staging.copy_lines(
            cursor,
            PROBLEM,
            staging.PROBLEM_COLUMNS,
            staging.problem_lines(str(batch.pk), staged.problems),
        )
        # Fresh statistics: the planner must know the staging table now holds the file.
        cursor.execute(f"ANALYZE {STAGED} {STAGED_ANALYZE}")
        started = time.monotonic()
        batch_checks.whole_file_checks(cursor, batch.pk)
        batch_checks.match_registry(cursor, batch.pk)
        batch_checks.registry_checks(cursor, batch.pk)
        batch_checks.lookalike_warnings(cursor, batch.pk)
        cursor.execute(f"ANALYZE {STAGED} {STAGED_ANALYZE}, {PROBLEM}")
        timings["whole-file and registry checks"] = round(time.monotonic() - started, 2)
        started = time.monotonic()
        summary = preview.summary(cursor, batch.pk)
        timings["preview counts"] = round(time.monotonic() - started, 2)
    summary["rows"] = staged.rows
    summary["file_rows_refused"] = staged.error_rows
    summary["number_columns"] = number_columns
    summary["seconds_check"] = timings
    return summary


def _decide_number_columns(
    cursor: CursorWrapper, batch: ImportBatch, staged: _Staged
) -> list[dict[str, Any]]:
    """Per NIK / No. KK column, the rule its number cells prove (``numbers.decide``):
    in a column of cut numbers, the rows whose number ends in 0 are refused now (their
    staged rows removed, their problems added) before any whole-file check reads them.
    Returns the preview's account of each column that held 16-digit numbers."""
    refused_rows: set[int] = set()
    accepted: dict[str, int] = {}
    refused: dict[str, int] = {}
    rules = {column: numbers.decide(found) for column, found in staged.evidence.items()}
    for row_number, column, message, was_staged in staged.doubts:
        if rules.get(column, numbers.CUT) == numbers.EXACT:
            accepted[column] = accepted.get(column, 0) + 1
            continue
        refused[column] = refused.get(column, 0) + 1
        staged.problems.append((row_number, column, message, True))
        if was_staged:
            refused_rows.add(row_number)
    if refused_rows:
        # A refused row keeps its errors only, as check_line reports a refused row.
        staged.problems = [p for p in staged.problems if p[3] or p[0] not in refused_rows]
        cursor.execute(
            f"DELETE FROM {STAGED} WHERE batch_id = %s AND row_number = ANY(%s)",
            [batch.pk, sorted(refused_rows)],
        )
        staged.error_rows += len(refused_rows)
    return [
        {
            "column": column,
            "rule": rules[column],
            "numbers": found.numbers,
            "not_zero": found.not_zero,
            "accepted": accepted.get(column, 0),
            "refused": refused.get(column, 0),
            "message": numbers.explain(
                column, found, rules[column], accepted.get(column, 0), refused.get(column, 0)
            ),
        }
        for column, found in sorted(staged.evidence.items())
        if found.numbers or refused.get(column)
    ]


def _read(path: str, max_bytes: int) -> tuple[Table, HeaderMapping]:
    """The file's table and its header row mapped to the canonical columns."""
    table = read_table(path, max_bytes=max_bytes)
    mapping = map_headers(table.headers)
    if mapping.problems:
        raise FileProblem(" ".join(mapping.problems))
    return table, mapping


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


def _stage_rows(
    table: Table, checker: RowChecker, batch: ImportBatch, writer: ProgressWriter
) -> _Staged:
    """Read, check and COPY the rows into staging: in worker processes when the file is
    big enough, else (or after a ``parallel.Fallback``) in this process."""
    with connection.cursor() as cursor:
        staged = _stage_in_workers(cursor, table, checker, batch, writer)
        if staged is None:
            staged = _Staged()
            staging.copy_lines(
                cursor,
                STAGED,
                STAGED_COLUMNS,
                _checked_lines(table, checker, batch, writer, staged),
            )
    return staged


def _checked_lines(
    table: Table, checker: RowChecker, batch: ImportBatch, writer: ProgressWriter, staged: _Staged
) -> Iterator[str]:
    """The staging lines of the file's valid rows, checked in this process."""
    checked = CheckedRows(checker, str(batch.pk))
    try:
        yield from checked.lines(table.rows, progress=lambda rows: writer.update(done=rows))
    except FileProblem as exc:
        # Caught here so that the COPY ends normally (an aborted COPY would abort the
        # surrounding transaction too).
        staged.file_problem = exc.message
    staged.rows = checked.rows
    staged.error_rows = checked.error_rows
    staged.problems = checked.problems
    staged.evidence = checked.evidence
    staged.doubts = checked.doubts


def _stage_in_workers(
    cursor: CursorWrapper,
    table: Table,
    checker: RowChecker,
    batch: ImportBatch,
    writer: ProgressWriter,
) -> _Staged | None:
    """Read, check and stage the rows in worker processes (``parallel``) when the file is
    big enough; None when the caller must do it in this process (including after a
    ``Fallback``, whose partly staged rows are removed here)."""
    if not parallel.usable(table, batch.rows_total):
        return None
    check = parallel.ParallelCheck(
        table, checker, str(batch.pk), progress=lambda rows: writer.update(done=rows)
    )
    stopped: list[parallel.Fallback | FileProblem] = []

    def blocks() -> Iterator[str]:
        # Caught here so that the COPY ends normally (an aborted COPY would abort the
        # surrounding transaction too).
        try:
            yield from check.blocks()
        except (parallel.Fallback, FileProblem) as exc:
            stopped.append(exc)

    staging.copy_blocks(cursor, STAGED, STAGED_COLUMNS, blocks())
    if stopped and isinstance(stopped[0], parallel.Fallback):
        log.info("import %s: checked in one process (%s)", batch.pk, stopped[0])
        cursor.execute(f"DELETE FROM {STAGED} WHERE batch_id = %s", [batch.pk])
        return None
    staged = _Staged(
        rows=check.rows,
        error_rows=check.error_rows,
        problems=check.problems,
        evidence=check.evidence,
        doubts=check.doubts,
    )
    if stopped and isinstance(stopped[0], FileProblem):
        staged.file_problem = stopped[0].message
    return staged
