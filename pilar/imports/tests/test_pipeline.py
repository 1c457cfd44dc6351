"""End to end: a messy file checked, previewed, imported; imported again (idempotent);
updated by NIK with the batch in the history; refused files write nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from pilar.core.errors import InvalidInput
from pilar.imports import actions
from pilar.imports.actions import apply_batch, check_batch
from pilar.imports.models import BatchStatus, ImportBatch, ImportProblem, StagedRow
from pilar.ppks.models import PpksRecord
from pilar.registry.models import Household, Membership, Person
from pilar.web.timeline import household_timeline

FILES = Path(__file__).parent / "files"


def run_import(user, path, *, apply=True) -> ImportBatch:
    batch = actions.create_batch(acting_user=user, file_name=Path(path).name, source=str(path))
    batch = check_batch(batch)
    if apply and batch.status == BatchStatus.CHECKED:
        batch = apply_batch(batch, acting_user=user)
    return batch


def errors_by_row(batch) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for p in ImportProblem.objects.filter(batch=batch, is_error=True):
        found.setdefault(p.row_number, []).append(f"{p.column}: {p.message}")
    return found


@pytest.mark.django_db
def test_messy_file_preview_counts_and_nothing_written(dinsos):
    batch = run_import(dinsos, FILES / "messy.csv", apply=False)
    assert batch.status == BatchStatus.CHECKED
    s = batch.summary
    assert (s["rows"], s["valid_rows"], s["error_rows"]) == (10, 5, 5)
    assert s["households_created"] == 3
    assert s["persons_created"] == 5
    assert s["persons_updated"] == 0
    assert s["ppks_created"] == 2
    errors = errors_by_row(batch)
    assert set(errors) == {7, 9, 10, 11, 12}
    assert "Kepala Keluarga di baris 4" in errors[7][0]
    assert "kehilangan digit" in errors[9][0]
    assert "NIK sama dengan baris 4" in errors[10][0]
    assert errors[11][0].startswith("tanggal_lahir")
    assert "3671999999" in errors[12][0] or "36.71.99.9999" in errors[12][0]
    # Checking writes nothing to the registry.
    assert Person.objects.count() == 0 and Household.objects.count() == 0
    assert StagedRow.objects.filter(batch=batch).count() == 5


@pytest.mark.django_db
def test_messy_file_imports_valid_rows_with_history_and_is_idempotent(dinsos):
    batch = run_import(dinsos, FILES / "messy.csv")
    assert batch.status == BatchStatus.DONE
    assert batch.summary["persons_created"] == 5
    assert batch.summary["households_created"] == 3
    assert not StagedRow.objects.filter(batch=batch).exists()

    head = Person.objects.get(nik="3671011708750001")
    assert head.name == "Sutrisno" and head.relation == "kepala" and head.source_id == "A-1"
    assert str(head.birth_date) == "1975-08-17"
    kk1 = head.household
    assert kk1.no_kk == "3671010101090001" and kk1.desil == 1
    assert kk1.village_id == "36.71.01.1001" and kk1.rt == "001"
    assert sorted(kk1.members.values_list("name", flat=True)) == ["Rudi", "Siti Aminah", "Sutrisno"]
    rudi = Person.objects.get(name="Rudi")
    assert rudi.nik is None and rudi.nik_missing_reason == "tidak_diketahui"
    assert Membership.objects.filter(person=rudi, end_date__isnull=True).count() == 1
    aminah = Person.objects.get(nik="3671015506600004")
    assert aminah.sex == "P" and aminah.household.village_id == "36.71.01.1002"
    romlah = Person.objects.get(name="Bu Romlah")
    assert romlah.relation == "kepala" and romlah.household.no_kk is None
    assert romlah.household.no_kk_missing_reason == "tidak_diketahui"
    fm = PpksRecord.objects.get(ppks_type__number=24)
    assert fm.person_id is None and fm.household_id == kk1.pk and fm.validated_by == dinsos
    assert PpksRecord.objects.get(ppks_type__number=8).person_id == aminah.pk

    # Every row created carries its batch and its row of the file (decision 27), and
    # no "insert" event of its own.
    assert (head.import_batch, head.import_row) == (batch.pk, 4)
    assert (kk1.import_batch, kk1.import_row) == (batch.pk, 4)  # its head's row
    assert (rudi.import_batch, rudi.import_row) == (batch.pk, 6)
    membership = Membership.objects.get(person=rudi)
    assert (membership.import_batch, membership.import_row) == (batch.pk, 6)
    assert (fm.import_batch, fm.import_row) == (batch.pk, 4)
    for model in (Household, Person, Membership, PpksRecord):
        assert not model.pgh_event_model.objects.exists()

    counts = (Person.objects.count(), Household.objects.count(), PpksRecord.objects.count())
    again = run_import(dinsos, FILES / "messy.csv")
    assert again.status == BatchStatus.DONE
    s = again.summary
    assert (s["persons_created"], s["households_created"], s["ppks_created"]) == (0, 0, 0)
    assert (s["persons_updated"], s["households_updated"]) == (0, 0)
    assert s["persons_unchanged"] == 5
    assert (Person.objects.count(), Household.objects.count(), PpksRecord.objects.count()) == counts


@pytest.mark.django_db
def test_row_with_known_nik_updates_the_person(dinsos, tmp_path):
    run_import(dinsos, FILES / "messy.csv")
    update = tmp_path / "perbaikan.csv"
    update.write_text(
        "nik,nama,jenis_kelamin,tanggal_lahir,pendidikan,pekerjaan,kode_kelurahan,no_kk,"
        "hubungan_keluarga\n"
        "3671014102800002,Siti Aminah,P,01-02-1980,SLTP,,3671011001,3671010101090001,Istri\n",
        encoding="utf-8",
    )
    batch = run_import(dinsos, update)
    assert batch.summary["persons_updated"] == 1
    assert batch.summary["persons_created"] == 0
    siti = Person.objects.get(nik="3671014102800002")
    assert siti.education == "smp"
    # An empty cell never erases a registered value.
    assert siti.occupation == "Mengurus rumah tangga"
    events = Person.pgh_event_model.objects.filter(pgh_obj_id=siti.pk, pgh_label="update")
    assert [e.pgh_context.metadata["import_batch"] for e in events] == [batch.pk]


@pytest.mark.django_db
def test_person_moves_to_the_kk_given_in_the_file(dinsos, tmp_path):
    run_import(dinsos, FILES / "messy.csv")
    move = tmp_path / "pindah.csv"
    move.write_text(
        "nik;nama;jk;tanggal_lahir;no_kk;hubungan_keluarga;alamat;kode_kelurahan\n"
        "3671014102800002;Siti Aminah;P;01-02-1980;3671010303090003;Kepala Keluarga;"
        "Jl. Baru 1;36.71.01.1003\n",
        encoding="utf-8",
    )
    batch = run_import(dinsos, move)
    assert batch.summary["persons_moved"] == 1
    assert batch.summary["households_created"] == 1
    siti = Person.objects.get(nik="3671014102800002")
    assert siti.household.no_kk == "3671010303090003" and siti.relation == "kepala"
    memberships = list(Membership.objects.filter(person=siti).order_by("id"))
    assert len(memberships) == 2
    assert memberships[0].end_date is not None and memberships[1].end_date is None


@pytest.mark.django_db
def test_new_person_like_a_registered_one_is_flagged(dinsos, tmp_path):
    run_import(dinsos, FILES / "messy.csv")
    f = tmp_path / "mirip.csv"
    f.write_text(
        "nama,jk,tanggal_lahir,alamat,kode_kelurahan\nSUTRISNO,L,17-08-1975,Jl. Lain,3671011003\n",
        encoding="utf-8",
    )
    batch = run_import(dinsos, f, apply=False)
    assert batch.summary["lookalikes"] == 1
    warning = ImportProblem.objects.get(batch=batch, is_error=False)
    assert "Mirip individu yang sudah terdaftar: Sutrisno" in warning.message


@pytest.mark.django_db
def test_existing_head_is_not_silently_replaced(dinsos, tmp_path):
    run_import(dinsos, FILES / "messy.csv")
    f = tmp_path / "kepala.csv"
    f.write_text(
        "nama,jk,no_kk,hubungan_keluarga,alamat,kode_kelurahan\n"
        "Orang Baru,L,3671010101090001,Kepala Keluarga,Jl. Melati 5,3671011001\n",
        encoding="utf-8",
    )
    batch = run_import(dinsos, f, apply=False)
    assert batch.summary["valid_rows"] == 0
    assert "sudah punya Kepala Keluarga lain di registri (Sutrisno)" in str(errors_by_row(batch))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Berkas kosong."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "bukan CSV atau XLSX"),
        (b"a;b;c\n1;2;3\n", "Baris judul kolom tidak ditemukan"),
        (b"PK\x03\x04garbage-that-is-not-a-zip", "XLSX rusak"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "terkunci kata sandi"),
        (b"nama;alamat;jenis_kelamin\nBudi;Jl. A;L\n", "'nama_kelurahan' wajib ada"),
        (b"nama;kode_kelurahan;alamat\n", "tidak berisi baris data"),
    ],
)
@pytest.mark.django_db
def test_bad_files_are_refused_and_write_nothing(dinsos, tmp_path, content, message):
    f = tmp_path / "berkas.csv"
    f.write_bytes(content)
    batch = run_import(dinsos, f)
    assert batch.status == BatchStatus.REFUSED
    assert message in batch.file_problem
    assert Person.objects.count() == 0
    assert not StagedRow.objects.exists()


@pytest.mark.django_db
def test_file_over_the_limit_is_refused_before_storing(dinsos, tmp_path, settings):
    settings.PILAR_IMPORT_MAX_BYTES = 1024 * 1024
    big = tmp_path / "besar.csv"
    with open(big, "wb") as handle:
        handle.write(b"nama;kode_kelurahan\n")
        handle.write(b"Budi;3671011001\n" * 70_000)
    with pytest.raises(InvalidInput) as exc:
        actions.create_batch(acting_user=dinsos, file_name="besar.csv", source=str(big))
    assert "terlalu besar" in str(exc.value.errors)
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_only_dinas_sosial_may_import(psm_a, tksk_a, pimpinan):
    for user in (psm_a, tksk_a, pimpinan):
        with pytest.raises(PermissionDenied):
            actions.create_batch(
                acting_user=user, file_name="x.csv", source=str(FILES / "messy.csv")
            )


@pytest.mark.django_db
def test_timeline_links_the_import_batch(dinsos):
    batch = run_import(dinsos, FILES / "messy.csv")
    head = Person.objects.get(nik="3671011708750001")
    entries = household_timeline(head.household, user=dinsos)
    assert entries and all(e.import_batch == batch.pk for e in entries)
    assert entries[0].url == f"/impor/{batch.pk}/"
    assert {e.username for e in entries} == {"dinsos"}


@pytest.mark.django_db
def test_batch_records_file_name_size_and_sha256(dinsos):
    data = (FILES / "messy.csv").read_bytes()
    batch = actions.create_batch(
        acting_user=dinsos, file_name="/tmp/x/messy.csv", source=str(FILES / "messy.csv")
    )
    assert batch.file_name == "messy.csv" and batch.file_size == len(data)
    assert batch.file_sha256 == hashlib.sha256(data).hexdigest()
    assert Path(batch.stored_path).read_bytes() == data
