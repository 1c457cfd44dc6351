"""NIK / No. KK stored as numbers (issue 14, part 2): a trailing 0 is trusted per file
and per column. A workbook written by a program that stores exact numbers keeps its
NIKs ending in 0; one that went through Excel's 15 significant digits has them refused
with the reason; scientific notation is refused either way; the preview says which
rule applied to each column; the worker path decides as the one-process path does."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import xlsxwriter

from pilar.imports import actions, numbers, parallel
from pilar.imports.actions import apply_batch, check_batch
from pilar.imports.models import BatchStatus, ImportProblem, StagedRow
from pilar.imports.numbers import Evidence
from pilar.registry.models import Person

HEADERS = [
    "nik",
    "nama",
    "jenis_kelamin",
    "tanggal_lahir",
    "no_kk",
    "hubungan_keluarga",
    "alamat",
    "kode_kelurahan",
]


def people(count: int) -> list[dict]:
    """``count`` persons, one household each, with valid NIKs whose serials run 1, 2,
    ... so that every tenth NIK ends in 0; their KK numbers likewise."""
    rows = []
    for n in range(1, count + 1):
        day = 1 + n % 28
        rows.append(
            {
                "nik": int(f"367101{day:02d}0875{n:04d}"),
                "nama": f"Warga Nomor {n}",
                "jenis_kelamin": "L",
                "tanggal_lahir": datetime.date(1975, 8, day),
                "no_kk": int(f"367101010109{n:04d}"),
                "hubungan_keluarga": "Kepala Keluarga",
                "alamat": f"Jl. Angka {n}",
                "kode_kelurahan": "3671011001",
            }
        )
    return rows


def excel_cut(number: int) -> int:
    """What Excel keeps of a 16-digit number: 15 significant digits."""
    return int(float(f"{number:.15g}"))


def write_xlsx(path: Path, rows: list[dict], *, cut: bool = False) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    date = workbook.add_format({"num_format": "dd-mm-yyyy"})
    sheet = workbook.add_worksheet("Data")
    sheet.write_row(0, 0, HEADERS)
    for r, row in enumerate(rows, start=1):
        for c, name in enumerate(HEADERS):
            value = row[name]
            if isinstance(value, datetime.date):
                sheet.write_datetime(r, c, value, date)
            elif isinstance(value, int):
                sheet.write_number(r, c, excel_cut(value) if cut else value)
            elif isinstance(value, float):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, value)
    workbook.close()
    return path


def check(user, path: Path):
    batch = actions.create_batch(acting_user=user, file_name=path.name, source=str(path))
    return check_batch(batch)


def column_rules(batch) -> dict[str, dict]:
    return {c["column"]: c for c in batch.summary["number_columns"]}


# --- the rule ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numbers_", "not_zero", "rule"),
    [
        (958, 883, numbers.EXACT),  # the file: 75 of 958 end in 0 by chance
        (40, 36, numbers.EXACT),
        (6, 5, numbers.EXACT),
        (40, 0, numbers.CUT),  # every number ends in 0: Excel's 15 digits
        (4, 4, numbers.CUT),  # too few numbers to prove anything
        (10, 4, numbers.CUT),
        (100, 60, numbers.CUT),  # 40 % end in 0: part of the column was cut
        (0, 0, numbers.CUT),
    ],
)
def test_rule_per_column(numbers_, not_zero, rule):
    assert numbers.decide(Evidence(numbers_, not_zero)) == rule


def test_chance_allows_about_one_in_ten_zeros():
    assert 10 < numbers.zeros_allowed(100) <= 20
    assert 100 < numbers.zeros_allowed(1000) < 130


# --- end to end -------------------------------------------------------------------


@pytest.mark.django_db
def test_exact_numbers_keep_their_trailing_zero(dinsos, tmp_path):
    rows = people(40)
    path = write_xlsx(tmp_path / "ekspor-sistem.xlsx", rows)
    batch = check(dinsos, path)
    assert batch.status == BatchStatus.CHECKED
    assert (batch.summary["valid_rows"], batch.summary["error_rows"]) == (40, 0)
    rules = column_rules(batch)
    assert rules["nik"]["rule"] == numbers.EXACT
    assert (rules["nik"]["numbers"], rules["nik"]["not_zero"]) == (40, 36)
    assert rules["nik"]["accepted"] == 4
    assert rules["no_kk"]["rule"] == numbers.EXACT
    assert "36 dari 40 angka 16 digit tidak berakhiran 0" in rules["nik"]["message"]
    assert "diterima sebagai digit asli (4 baris)" in rules["nik"]["message"]
    batch = apply_batch(batch, acting_user=dinsos)
    assert batch.status == BatchStatus.DONE
    # The NIK ending in 0 is stored as the file wrote it, not refused, not changed.
    tenth = Person.objects.get(name="Warga Nomor 10")
    assert tenth.nik == str(rows[9]["nik"]) and tenth.nik.endswith("0010")
    assert tenth.household.no_kk == "3671010101090010"


@pytest.mark.django_db
def test_numbers_cut_by_excel_are_refused_with_the_reason(dinsos, tmp_path):
    path = write_xlsx(tmp_path / "lewat-excel.xlsx", people(40), cut=True)
    batch = check(dinsos, path)
    assert batch.status == BatchStatus.CHECKED
    assert (batch.summary["valid_rows"], batch.summary["error_rows"]) == (0, 40)
    rules = column_rules(batch)
    assert rules["nik"]["rule"] == numbers.CUT
    assert rules["nik"]["not_zero"] == 0
    assert "semua 40 angka 16 digit berakhiran 0" in rules["nik"]["message"]
    messages = {
        p.row_number: p.message
        for p in ImportProblem.objects.filter(batch=batch, column="nik", is_error=True)
    }
    # Serial 0012 came back as 0010: the last digit may be lost.
    assert "digit terakhirnya mungkin hilang (3671011308750010)" in messages[13]
    # Serial 0001 came back as 0000: lost digits whatever the column shows.
    assert "kehilangan digit" in messages[2]
    assert not StagedRow.objects.filter(batch=batch).exists()


@pytest.mark.django_db
def test_a_column_with_too_many_zeros_is_not_trusted(dinsos, tmp_path):
    rows = people(60)
    # Half of the rows pasted from a copy that went through Excel: their KK numbers
    # now end in 0 far more often than chance.
    for row in rows[:30]:
        row["no_kk"] = excel_cut(row["no_kk"])
    path = write_xlsx(tmp_path / "campur.xlsx", rows)
    batch = check(dinsos, path)
    rules = column_rules(batch)
    assert rules["nik"]["rule"] == numbers.EXACT
    assert rules["no_kk"]["rule"] == numbers.CUT
    assert "jauh lebih banyak daripada kebetulan" in rules["no_kk"]["message"]
    refused = set(
        ImportProblem.objects.filter(batch=batch, column="no_kk", is_error=True).values_list(
            "row_number", flat=True
        )
    )
    # Every KK number of the cut half ends in 0 (refused); of the exact half only the
    # tenth ones (40, 50, 60: file rows 41, 51, 61).
    assert {41, 51, 61} <= refused
    assert all(r <= 31 or r in {41, 51, 61} for r in refused)


@pytest.mark.django_db
def test_scientific_notation_is_refused_even_in_an_exact_column(dinsos, tmp_path):
    rows = people(30)
    rows[4]["nik"] = float("3.67101E+15")  # a number cell with 6 significant digits
    rows[5]["nik"] = "3.67101E+15"  # the same pasted as text
    path = write_xlsx(tmp_path / "ilmiah.xlsx", rows)
    batch = check(dinsos, path)
    assert column_rules(batch)["nik"]["rule"] == numbers.EXACT
    for row_number in (6, 7):
        problem = ImportProblem.objects.get(batch=batch, row_number=row_number, column="nik")
        assert "kehilangan digit" in problem.message


@pytest.mark.django_db
def test_text_cells_are_never_doubted_and_no_rule_is_shown(dinsos, tmp_path):
    path = tmp_path / "teks.csv"
    path.write_text(
        "nik,nama,jenis_kelamin,tanggal_lahir,no_kk,hubungan_keluarga,alamat,kode_kelurahan\n"
        "3671011708750010,Teks Nol,L,17-08-1975,3671010101090010,Kepala Keluarga,Jl. A,"
        "3671011001\n",
        encoding="utf-8",
    )
    batch = check(dinsos, path)
    assert batch.summary["valid_rows"] == 1
    assert batch.summary["number_columns"] == []


@pytest.mark.django_db
def test_workers_decide_as_one_process_does(dinsos, tmp_path, settings, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_ROWS", 0)
    monkeypatch.setattr(parallel, "XLSX_CHUNK_BYTES", 2 * 1024)
    rows = people(300)
    for row in rows[:10]:
        row["nik"] = excel_cut(row["nik"])  # a few cut NIKs, well within chance
    path = write_xlsx(tmp_path / "besar.xlsx", rows)
    results = []
    for workers in (1, 3):
        settings.PILAR_IMPORT_WORKERS = workers
        batch = check(dinsos, path)
        problems = sorted(
            ImportProblem.objects.filter(batch=batch).values_list("row_number", "message")
        )
        results.append((batch.summary["number_columns"], problems, batch.summary["valid_rows"]))
    assert results[0] == results[1]
    rules = {c["column"]: c for c in results[0][0]}
    assert rules["nik"]["rule"] == numbers.EXACT
    assert rules["nik"]["numbers"] == 300
