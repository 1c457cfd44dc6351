"""`pilar import FILE [--dry-run] [--json]`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from pilar.imports.models import ImportBatch, StagedRow
from pilar.registry.models import Person

FILES = Path(__file__).parent / "files"


def run(*args) -> dict:
    out = io.StringIO()
    call_command("import", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_json_summary_dry_run_then_import_then_idempotent(dinsos):
    path = str(FILES / "messy.csv")
    dry = run(path, "--user", "dinsos", "--dry-run", "--json")
    assert dry["dry_run"] and not dry["imported"]
    assert (dry["rows"], dry["valid_rows"], dry["error_rows"]) == (10, 5, 5)
    assert dry["persons_created"] == 5 and dry["households_created"] == 3
    assert [e["row"] for e in dry["errors"]] == [7, 9, 10, 11, 12]
    assert Person.objects.count() == 0
    assert not StagedRow.objects.exists()  # a dry run keeps no staged rows

    done = run(path, "--user", "dinsos", "--json")
    assert done["imported"] and done["persons_created"] == 5
    assert Person.objects.count() == 5

    again = run(path, "--user", "dinsos", "--json")
    assert again["persons_created"] == 0 and again["households_created"] == 0
    assert again["persons_updated"] == 0
    assert Person.objects.count() == 5
    assert ImportBatch.objects.count() == 3


@pytest.mark.django_db
def test_strict_imports_nothing_when_a_row_is_refused(dinsos):
    with pytest.raises(SystemExit):
        run(str(FILES / "messy.csv"), "--user", "dinsos", "--json", "--strict")
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_hundred_megabyte_file_is_refused_with_a_clear_message(dinsos, tmp_path):
    big = tmp_path / "besar.csv"
    line = b"3671011708750001;Budi Santoso;L;17-08-1975;Jl. Melati No. 5;3671011001\n"
    with open(big, "wb") as handle:
        handle.write(b"nik;nama;jk;tanggal_lahir;alamat;kode_kelurahan\n")
        block = line * 10_000
        while handle.tell() < 100 * 1024 * 1024:
            handle.write(block)
    with pytest.raises(CommandError, match="terlalu besar"):
        call_command("import", str(big), "--user", "dinsos")
    assert not ImportBatch.objects.exists() and Person.objects.count() == 0


@pytest.mark.django_db
def test_user_must_be_allowed(psm_a):
    with pytest.raises(CommandError, match="admin atau Dinas Sosial"):
        call_command("import", str(FILES / "messy.csv"), "--user", "psm-a")
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("import", str(FILES / "messy.csv"), "--user", "siapa")
