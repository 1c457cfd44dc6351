"""The preview counts a household PPKS record for every new household, as the import
then creates them (new households have no id before the import)."""

from __future__ import annotations

import pytest

from pilar.imports.tests.test_pipeline import run_import
from pilar.ppks.models import PpksRecord


@pytest.mark.django_db
def test_preview_counts_household_ppks_of_each_new_household(dinsos, tmp_path):
    f = tmp_path / "miskin.csv"
    f.write_text(
        "no_kk;nama;jk;hubungan_keluarga;alamat;kode_kelurahan;jenis_ppks\n"
        "3671010101090001;Sutrisno;L;Kepala Keluarga;Jl. Melati 5;3671011001;24\n"
        "3671010101090001;Siti;P;Istri;Jl. Melati 5;3671011001;24\n"
        "3671010202090002;Joko;L;Kepala Keluarga;Jl. Mawar 3;3671011001;24\n"
        ";Mak Iyah;P;;Kolong jembatan;3671011001;24\n",
        encoding="utf-8",
    )
    preview = run_import(dinsos, f, apply=False)
    assert preview.summary["ppks_created"] == 3
    batch = run_import(dinsos, f)
    assert batch.summary["ppks_created"] == 3 == PpksRecord.objects.count()
