"""Reading and checking an import file's rows in worker processes.

Checking a row (``RowChecker.check_line``) is pure Python, ~25 µs a row: a million-row
file is half a minute on one core. Here the main process cuts the file into chunks of a
few thousand rows, worker processes parse and check them, and the main process writes
their COPY lines to staging in file order, so staging and the problems are exactly what
the one-process path (``pipeline.check``) gives, row numbers included. Both run their
rows through ``rows.CheckedRows``.

- A CSV is cut between records by counting double quotes (a record ends at a line end
  with an even count so far); each worker parses its chunk with ``csv`` in strict mode
  and checks it holds the number of records the main process counted. A stray quote
  that breaks the count, or anything strict mode refuses, raises ``Fallback``: the
  caller discards what was staged and checks the file in one process, which decides
  how such a file reads.
- An XLSX read by ``xlsx.SheetReader`` is cut after ``</row>``; a worker parses its
  chunk. A chunk whose row numbers depend on earlier chunks (``<row>`` without ``r``)
  raises ``Fallback`` the same way. Workbooks read by python-calamine are not split.

Workers are forked after the checker is built (``fork`` start method, Linux): each
inherits the checker with its lookups and builds its own caches; none touches the
database (the inherited connection is never used in a worker, and a worker ends with
``os._exit``, so it does not close it either). Each worker has one chunk in flight and
chunks are dealt in turn, so results come back in file order and memory stays at a few
chunks whatever the file's size. Where ``fork`` is not available, or with
``PILAR_IMPORT_WORKERS=1``, the one-process path runs.
"""

from __future__ import annotations

import csv
import gc
import io
import logging
import multiprocessing
import os
import signal
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings

from pilar.imports import readers
from pilar.imports.numbers import Evidence
from pilar.imports.readers import MESSAGE_CANNOT_OPEN, MESSAGE_NOT_READABLE, FileProblem, Table
from pilar.imports.rows import CheckedRows, Doubt, Problem, RowChecker
from pilar.imports.xlsx import NeedsOrder

log = logging.getLogger(__name__)

# Files with fewer (estimated) rows are checked in one process: not worth the workers.
MIN_ROWS = 20_000
CSV_CHUNK_RECORDS = 2000
XLSX_CHUNK_BYTES = 1 << 20
MAX_WORKERS = 4


class Fallback(Exception):
    """The file cannot be checked in chunks; check it in one process instead."""


def worker_count() -> int:
    """``PILAR_IMPORT_WORKERS``; 0 (the default) means min(CPUs, 4)."""
    wanted = int(getattr(settings, "PILAR_IMPORT_WORKERS", 0) or 0)
    if wanted <= 0:
        wanted = min(os.cpu_count() or 1, MAX_WORKERS)
    return wanted


def usable(table: Table, estimated_rows: int) -> bool:
    """Will ``ParallelCheck`` run for this file?"""
    if worker_count() < 2 or estimated_rows < MIN_ROWS:
        return False
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    if multiprocessing.current_process().daemon:
        return False  # a daemonic process may not have children
    return isinstance(table.rows, readers._CsvRows | readers._XlsxStreamRows)


# ("ok", text, problems, rows, error_rows, evidence, doubts) | ("fallback",) | ("file", msg)
Result = tuple


class ParallelCheck:
    """Checks a table's rows in worker processes; ``blocks()`` yields the staging COPY
    text in file order while ``problems`` and the counts fill up as in the one-process
    path (problems as (row_number, column, message, is_error))."""

    def __init__(
        self,
        table: Table,
        checker: RowChecker,
        batch_id: str,
        *,
        workers: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.table = table
        self.checker = checker
        self.batch_id = batch_id
        self.workers = workers or worker_count()
        self.progress = progress
        self.problems: list[Problem] = []
        self.rows = 0
        self.error_rows = 0
        self.evidence: dict[str, Evidence] = {}
        self.doubts: list[Doubt] = []
        rows = table.rows
        if isinstance(rows, readers._CsvRows):
            self._tasks: Callable[[], Iterator[Any]] = lambda: _csv_tasks(rows)
            self._job: Callable[[Any], Result] = self._csv_job
        elif isinstance(rows, readers._XlsxStreamRows):
            self._tasks = lambda: _xlsx_tasks(rows)
            self._job = self._xlsx_job
        else:
            raise Fallback("not a table read in chunks")

    # --- main process -----------------------------------------------------------------

    def blocks(self) -> Iterator[str]:
        """COPY text for staging, chunk by chunk, in file order. Raises ``Fallback``
        (nothing of the file can be trusted: discard what was written) or
        ``FileProblem``."""
        pool = _Pool(self.workers, self._job)
        finished = False
        try:
            for result in pool.map(self._tasks()):
                kind = result[0]
                if kind == "ok":
                    _, text, problems, rows, error_rows, evidence, doubts = result
                    self.problems.extend(problems)
                    self.rows += rows
                    self.error_rows += error_rows
                    for column, found in evidence.items():
                        self.evidence.setdefault(column, Evidence()).add(found)
                    self.doubts.extend(doubts)
                    if self.progress:
                        self.progress(self.rows)
                    if text:
                        yield text
                elif kind == "file":
                    raise FileProblem(result[1])
                elif kind == "fallback":
                    raise Fallback(result[1])
                else:
                    raise RuntimeError(f"import worker failed:\n{result[1]}")
            finished = True
        finally:
            # Stopped early (a problem, a fallback, an error): workers may still be busy
            # with a chunk nobody will read, so they are stopped rather than awaited.
            pool.close(wait=finished)

    # --- worker processes -------------------------------------------------------------

    def _check(self, numbered: Iterator[tuple[int, list]]) -> Result:
        checked = CheckedRows(self.checker, self.batch_id)
        text = "".join(checked.lines(numbered))
        return (
            "ok",
            text,
            checked.problems,
            checked.rows,
            checked.error_rows,
            checked.evidence,
            checked.doubts,
        )

    def _csv_job(self, task: tuple[int, int, str]) -> Result:
        first, expected, text = task
        rows = self.table.rows
        assert isinstance(rows, readers._CsvRows)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=rows.delimiter, strict=True)
        try:
            records = list(reader)
        except csv.Error as exc:
            return ("fallback", f"csv: {exc}")
        if len(records) != expected:
            return ("fallback", f"csv: {len(records)} records where {expected} were counted")
        header_index = rows.header_index

        def numbered() -> Iterator[tuple[int, list]]:
            for index, raw in enumerate(records, start=first):
                if index <= header_index:
                    continue
                # As readers._Rows cleans them (csv gives only text cells).
                cells = [None if not cell or cell.isspace() else cell for cell in raw]
                if cells.count(None) != len(cells):
                    yield index + 1, cells

        return self._check(numbered())

    def _xlsx_job(self, task: tuple[bytes, tuple[bytes, bytes]]) -> Result:
        chunk, wrap = task
        rows = self.table.rows
        assert isinstance(rows, readers._XlsxStreamRows)
        try:
            parsed, _ = rows.sheet.parse(chunk, None, wrap)
        except NeedsOrder:
            return ("fallback", "xlsx: a row without a row number")
        return self._check(rows.clean(parsed))


def _csv_tasks(rows: readers._CsvRows) -> Iterator[tuple[int, int, str]]:
    """(index of the first record, records, text) for chunks of whole records."""
    lines: list[str] = []
    quotes = 0
    records = 0
    first = 0
    try:
        with open(rows.path, encoding=rows.encoding, newline="") as handle:
            for line in handle:
                lines.append(line)
                if '"' in line:
                    quotes += line.count('"')
                if quotes & 1:
                    continue  # inside a quoted cell: the record goes on
                records += 1
                if records >= CSV_CHUNK_RECORDS:
                    yield first, records, "".join(lines)
                    first += records
                    records = 0
                    lines = []
    except UnicodeDecodeError as exc:
        raise FileProblem(MESSAGE_NOT_READABLE) from exc
    except OSError as exc:
        raise FileProblem(MESSAGE_CANNOT_OPEN) from exc
    if lines:
        yield first, records, "".join(lines)


def _xlsx_tasks(rows: readers._XlsxStreamRows) -> Iterator[tuple[bytes, tuple[bytes, bytes]]]:
    sheet = rows.sheet
    for chunk in sheet.chunks(XLSX_CHUNK_BYTES):
        yield chunk, sheet.wrap


class _Pool:
    """Forked workers, each with one task in flight, dealt in turn: results come back in
    the order the tasks were given."""

    def __init__(self, size: int, job: Callable[[Any], Result]) -> None:
        context = multiprocessing.get_context("fork")
        self.workers: list[tuple[Any, Any]] = []
        # Objects created before the fork are shared copy-on-write; keep the collector
        # from touching (and so copying) them in every worker.
        gc.freeze()
        try:
            for _ in range(size):
                parent, child = context.Pipe()
                process = context.Process(target=_serve, args=(child, job), daemon=True)
                process.start()
                child.close()
                self.workers.append((process, parent))
        except BaseException:
            self.close()
            raise
        finally:
            gc.unfreeze()

    def map(self, tasks: Iterator[Any]) -> Iterator[Result]:
        busy: deque[tuple[Any, Any]] = deque()
        upcoming = next(tasks, None)
        for worker in self.workers:
            if upcoming is None:
                break
            worker[1].send(upcoming)
            busy.append(worker)
            upcoming = next(tasks, None)
        while busy:
            worker = busy.popleft()
            try:
                result = worker[1].recv()
            except (EOFError, OSError) as exc:
                raise Fallback(f"a worker ended unexpectedly ({exc!r})") from exc
            if upcoming is not None:
                worker[1].send(upcoming)
                busy.append(worker)
                upcoming = next(tasks, None)  # read ahead while the workers check
            yield result

    def close(self, wait: bool = True) -> None:
        for _process, conn in self.workers:
            try:
                conn.send(None)
            except (OSError, ValueError):
                pass
        for process, conn in self.workers:
            process.join(timeout=10 if wait else 0.2)
            if process.is_alive():
                process.kill()
                process.join(timeout=10)
            conn.close()
        self.workers = []


def _serve(conn, job: Callable[[Any], Result]) -> None:
    """A worker's loop: one task in, one result out, until told to stop."""
    # Not the parent's handlers (a task worker's graceful-shutdown flag, say): a signal
    # to a worker ends it, and the main process falls back or fails.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            result: Result = job(task)
        except FileProblem as exc:
            result = ("file", exc.message)
        except BaseException:
            result = ("error", traceback.format_exc())
        conn.send(result)
