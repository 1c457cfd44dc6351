"""Checking a file in worker processes (pilar.imports.parallel) stages exactly what the
one-process path stages: the same staging rows, byte for byte, the same problems in the
same order with the same row numbers, the same summary; on a messy generated file as CSV
(quoted cells with line breaks, delimiters and quotes, blank and title rows) and as XLSX
(typed cells), cut into many small chunks; and a CSV the workers cannot cut safely falls
back to the one-process path with the same result."""

from __future__ import annotations

import csv
import datetime
import logging
import math
import random
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from django.db import connection

from pilar.imports import actions, parallel
from pilar.imports.actions import check_batch
from pilar.imports.columns import map_headers
from pilar.imports.models import BatchStatus, ImportProblem, StagedRow
from pilar.imports.pipeline.staging import STAGED_COLUMNS
from pilar.imports.readers import MESSAGE_CORRUPT_XLSX
from pilar.imports.tests.test_rows_fast import LAYOUTS, POOLS

ROWS = 1500


def messy_rows(seed: int = 11) -> tuple[list[str], list[list]]:
    headers = LAYOUTS[1]
    mapping = map_headers(headers)
    rng = random.Random(seed)
    rows: list[list] = []
    nik, kk, source = headers.index("nik"), headers.index("no_kk"), headers.index("id_sumber")
    for n in range(ROWS):
        messy = rng.random() * 0.12  # each cell is messy with this chance, else clean
        cells: list = [None] * len(headers)
        for name, index in mapping.columns.items():
            pool = POOLS[name]
            cells[index] = rng.choice(pool) if rng.random() < messy else pool[0]
        if rng.random() < 0.05:
            cells = cells[: rng.randrange(1, len(headers) + 1)]  # a short row
        # The pools' clean NIK and KK made unique, so that most clean rows stay valid.
        if nik < len(cells) and cells[nik] == "3671011708750001":
            cells[nik] = f"367101170875{n + 1:04d}"
        if kk < len(cells) and cells[kk] == "3671010101090001":
            cells[kk] = f"367101010109{n // 3 + 1:04d}"
        if source < len(cells) and cells[source] == "A-1":
            cells[source] = f"A-{n}"
        rows.append(cells)
        if rng.random() < 0.02:
            rows.append([None] * len(headers))  # a blank row in the middle
    # Rows that come back to earlier ones: the whole-file checks have work to do.
    rows += [list(rows[i]) for i in range(0, 60, 3)]
    return headers, rows


def as_text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d-%m-%Y")
    return str(value)


def write_csv(path: Path, headers, rows) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Data penduduk 2026", "", 'catatan; dengan "kutip"'])
        writer.writerow([])
        writer.writerow(headers)
        for cells in rows:
            writer.writerow([as_text(v) for v in cells])
    return path


def write_xlsx(path: Path, headers, rows) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    date = workbook.add_format({"num_format": "dd-mm-yyyy"})
    sheet = workbook.add_worksheet("Data")
    sheet.write_string(0, 0, "Data penduduk 2026")
    sheet.write_row(2, 0, headers)
    for r, cells in enumerate(rows, start=3):
        for c, value in enumerate(cells):
            if value is None or (isinstance(value, float) and math.isnan(value)):
                continue
            if isinstance(value, bool):
                sheet.write_boolean(r, c, value)
            elif isinstance(value, int | float):
                sheet.write_number(r, c, value)
            elif isinstance(value, datetime.date):
                sheet.write_datetime(r, c, value, date)
            else:
                sheet.write_string(r, c, value)
    workbook.close()
    return path


def staged(batch) -> tuple[list, list, dict]:
    columns = ", ".join(c for c in STAGED_COLUMNS if c != "batch_id")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns}, person_id, household_id FROM imports_stagedrow "
            "WHERE batch_id = %s ORDER BY row_number",
            [batch.pk],
        )
        rows = cursor.fetchall()
    # By row, not by id: the whole-file checks insert their problems with one
    # INSERT ... SELECT each, whose row order is the plan's (it differs between
    # PostgreSQL versions and runs); users see them by row too.
    problems = sorted(
        ImportProblem.objects.filter(batch=batch).values_list(
            "row_number", "column", "message", "is_error"
        )
    )
    summary = {k: v for k, v in batch.summary.items() if k != "seconds_check"}
    return rows, problems, summary


def check(user, path, settings, workers: int):
    settings.PILAR_IMPORT_WORKERS = workers
    batch = actions.create_batch(acting_user=user, file_name=path.name, source=str(path))
    batch = check_batch(batch)
    assert batch.status == BatchStatus.CHECKED, batch.file_problem
    return staged(batch)


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(parallel, "MIN_ROWS", 0)
    monkeypatch.setattr(parallel, "CSV_CHUNK_RECORDS", 97)
    monkeypatch.setattr(parallel, "XLSX_CHUNK_BYTES", 8 * 1024)
    runs: list[int] = []
    blocks = parallel.ParallelCheck.blocks

    def counted(self):
        for block in blocks(self):
            runs.append(1)
            yield block

    monkeypatch.setattr(parallel.ParallelCheck, "blocks", counted)
    return runs


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_workers_stage_exactly_what_one_process_stages(
    dinsos, tmp_path, settings, small_chunks, kind
):
    headers, rows = messy_rows()
    write = write_csv if kind == "csv" else write_xlsx
    path = write(tmp_path / f"campur.{kind}", headers, rows)
    one = check(dinsos, path, settings, workers=1)
    assert not small_chunks  # one process
    many = check(dinsos, path, settings, workers=3)
    assert len(small_chunks) > 10  # the workers' COPY text, chunk by chunk
    assert many[0] == one[0]
    assert many[1] == one[1]
    assert many[2] == one[2]
    # Enough of both outcomes and of every kind of problem to make the comparison count.
    valid, problems, summary = one
    assert 300 < len(valid) < ROWS
    assert summary["rows"] > ROWS
    assert sum(1 for p in problems if p[3]) > 500
    assert any(not p[3] for p in problems)
    assert any("sama dengan baris" in p[2] for p in problems)


@pytest.mark.django_db
def test_csv_with_a_stray_quote_falls_back_to_one_process(
    dinsos, tmp_path, settings, small_chunks, caplog
):
    headers, rows = messy_rows(seed=5)
    name = headers.index("alamat")
    for at in (40, 900):
        rows[at] = (rows[at] + [None] * len(headers))[: len(headers)]
        rows[at][name] = 'Jl. Pipa 5" No. 3'
    path = write_csv(tmp_path / "kutip.csv", headers, rows)
    # A quote inside an unquoted cell (a pipe of 5"): csv reads it as a character, but it
    # upsets the quote count the file is cut by.
    text = path.read_text(encoding="utf-8")
    assert text.count('"Jl. Pipa 5"" No. 3"') == 2
    path.write_text(text.replace('"Jl. Pipa 5"" No. 3"', 'Jl. Pipa 5" No. 3'), encoding="utf-8")
    one = check(dinsos, path, settings, workers=1)
    with caplog.at_level(logging.INFO, logger="pilar.imports.pipeline"):
        many = check(dinsos, path, settings, workers=2)
    assert "checked in one process (csv:" in caplog.text
    assert many == one
    # The rows with the stray quote were read as single rows (their cells in place).
    read = {row[0]: row for row in one[0]} | {p[0]: p for p in one[1]}
    assert {44, 904} <= set(read)


@pytest.mark.django_db
def test_damage_found_by_the_workers_refuses_the_file(dinsos, tmp_path, settings, small_chunks):
    headers, rows = messy_rows(seed=3)
    path = write_xlsx(tmp_path / "rusak.xlsx", headers, rows)
    # The worksheet part cut short (its last rows and end tags gone), the zip intact.
    with zipfile.ZipFile(path) as source:
        parts = {item.filename: source.read(item.filename) for item in source.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = sheet[: len(sheet) * 2 // 3]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    settings.PILAR_IMPORT_WORKERS = 2
    batch = actions.create_batch(acting_user=dinsos, file_name=path.name, source=str(path))
    batch = check_batch(batch)
    assert small_chunks  # the workers had started
    assert batch.status == BatchStatus.REFUSED
    assert batch.file_problem == MESSAGE_CORRUPT_XLSX
    assert not StagedRow.objects.filter(batch=batch).exists()


def test_worker_count_setting(settings, monkeypatch):
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 16)
    settings.PILAR_IMPORT_WORKERS = 0
    assert parallel.worker_count() == 4
    settings.PILAR_IMPORT_WORKERS = 6
    assert parallel.worker_count() == 6
    settings.PILAR_IMPORT_WORKERS = 1
    assert parallel.worker_count() == 1
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    settings.PILAR_IMPORT_WORKERS = 0
    assert parallel.worker_count() == 2
