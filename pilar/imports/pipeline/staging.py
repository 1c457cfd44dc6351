"""The staging tables: what a check COPYs into them, and how.

``imports_stagedrow`` (unlogged) holds a batch's valid rows, parsed and normalised, in
the columns ``STAGED_COLUMNS`` (the order of ``RowChecker.check_line``'s COPY lines);
``imports_importproblem`` holds the problems found, row by row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db.backends.utils import CursorWrapper

from pilar.imports.models import ImportBatch, ImportProblem, StagedRow
from pilar.imports.rows import Problem, copy_text

STAGED = StagedRow._meta.db_table
PROBLEM = ImportProblem._meta.db_table
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
STAGED_ANALYZE = (
    "(batch_id, row_number, group_key, source_id, no_kk, nik, name, birth_date, relation, "
    "village_id, address, person_id, household_id)"
)
PROBLEM_COLUMNS = ("batch_id", "row_number", '"column"', "message", "is_error")


def clear(batch: ImportBatch) -> None:
    """Remove what an earlier check of the batch staged (rows and problems)."""
    StagedRow.objects.filter(batch=batch).delete()
    ImportProblem.objects.filter(batch=batch).delete()


def copy_lines(
    cursor: CursorWrapper, table: str, columns: tuple[str, ...], lines: Iterable[str]
) -> None:
    """COPY text lines into ``table``, a few thousand lines per write."""
    with cursor.copy(_copy_sql(table, columns)) as copy:
        buf: list[str] = []
        for line in lines:
            buf.append(line)
            if len(buf) >= 5000:
                copy.write("".join(buf))
                buf = []
        if buf:
            copy.write("".join(buf))


def copy_blocks(
    cursor: CursorWrapper, table: str, columns: tuple[str, ...], blocks: Iterable[str]
) -> None:
    """COPY text already joined into blocks (a worker's chunk each)."""
    with cursor.copy(_copy_sql(table, columns)) as copy:
        for block in blocks:
            copy.write(block)


def problem_lines(batch_id: str, problems: Iterable[Problem]) -> Iterator[str]:
    """The COPY lines of ``PROBLEM_COLUMNS`` for a batch's problems."""
    for number, column, message, is_error in problems:
        flag = "t" if is_error else "f"
        yield f"{batch_id}\t{number}\t{copy_text(column)}\t{copy_text(message)}\t{flag}\n"


def _copy_sql(table: str, columns: tuple[str, ...]) -> str:
    return f"COPY {table} ({', '.join(columns)}) FROM STDIN"
