"""Rows an import creates are traceable to their batch and row without one history
event per row (issue 14, part 3; decision 27): the timeline says "dibuat oleh impor #N
(berkas, baris R)"; the first later change still stores the old row, so the timeline
shows what changed from what; updates by a later import keep their per-row events; the
moved person's new membership is a creation too; restricted PPKS types stay hidden."""

from __future__ import annotations

from pathlib import Path

import pytest

from pilar.imports import actions
from pilar.imports.actions import apply_batch, check_batch
from pilar.imports.models import BatchStatus
from pilar.ppks.models import PpksRecord
from pilar.registry import actions as registry_actions
from pilar.registry.models import Household, Membership, Person
from pilar.web.timeline import household_timeline, person_timeline

FILES = Path(__file__).parent / "files"
HEADER = "nik,nama,jenis_kelamin,tanggal_lahir,no_kk,hubungan_keluarga,alamat,kode_kelurahan"


def run_import(user, path):
    batch = actions.create_batch(acting_user=user, file_name=Path(path).name, source=str(path))
    batch = check_batch(batch)
    assert batch.status == BatchStatus.CHECKED, batch.file_problem
    return apply_batch(batch, acting_user=user)


def titles(entries) -> list[str]:
    return [e.title for e in entries]


@pytest.mark.django_db
def test_timeline_says_which_import_and_row_created_the_rows(dinsos):
    batch = run_import(dinsos, FILES / "messy.csv")
    aminah = Person.objects.get(nik="3671014102800002")
    entries = person_timeline(aminah, user=dinsos)
    created = [e for e in entries if "dibuat oleh impor" in e.title]
    assert sorted(titles(created)) == [
        f"Individu Siti Aminah dibuat oleh impor #{batch.pk} (messy.csv, baris 5)",
        f"Keanggotaan Siti Aminah di {aminah.household.history_label()} sebagai Istri "
        f"dibuat oleh impor #{batch.pk} (messy.csv, baris 5)",
    ]
    for entry in created:
        assert entry.kind == "insert" and entry.username == "dinsos"
        assert entry.import_batch == batch.pk and entry.url == f"/impor/{batch.pk}/"
        assert abs((entry.when - batch.imported_at).total_seconds()) < 60
    household = household_timeline(aminah.household, user=dinsos)
    assert f"Keluarga dibuat oleh impor #{batch.pk} (messy.csv, baris 4)" in titles(household)
    assert any(t.startswith("PPKS Fakir Miskin dibuat oleh impor") for t in titles(household))


@pytest.mark.django_db
def test_a_later_change_keeps_the_imported_row(dinsos):
    batch = run_import(dinsos, FILES / "messy.csv")
    rudi = Person.objects.get(name="Rudi")
    assert not Person.pgh_event_model.objects.filter(pgh_obj_id=rudi.pk).exists()
    registry_actions.update_person(rudi, acting_user=dinsos, data={"name": "Rudi Hartono"})
    # The first change stores the row as the import created it, then the new one.
    events = list(Person.pgh_event_model.objects.filter(pgh_obj_id=rudi.pk).order_by("pgh_id"))
    assert [e.pgh_label for e in events] == ["before_update", "update"]
    assert events[0].name == "Rudi" and events[0].import_batch == batch.pk
    assert events[0].import_row == 6
    entries = person_timeline(Person.objects.get(pk=rudi.pk), user=dinsos)
    change = next(e for e in entries if e.kind == "update")
    assert [(c.field, c.old, c.new) for c in change.changes] == [("name", "Rudi", "Rudi Hartono")]
    # Newest first: the change, then the import that created the row.
    order = [e.title for e in entries]
    assert order.index(change.title) < order.index(
        f"Individu Rudi dibuat oleh impor #{batch.pk} (messy.csv, baris 6)"
    )


@pytest.mark.django_db
def test_updates_by_a_later_import_keep_their_events(dinsos, tmp_path):
    first = run_import(dinsos, FILES / "messy.csv")
    update = tmp_path / "perbaikan.csv"
    update.write_text(
        f"{HEADER}\n"
        "3671014102800002,Siti Aminah Rahayu,P,01-02-1980,3671010101090001,Istri,"
        "Jl. Melati 5,3671011001\n",
        encoding="utf-8",
    )
    second = run_import(dinsos, update)
    aminah = Person.objects.get(nik="3671014102800002")
    assert aminah.import_batch == first.pk  # who created it does not change
    events = Person.pgh_event_model.objects.filter(pgh_obj_id=aminah.pk).order_by("pgh_id")
    assert [(e.pgh_label, e.name) for e in events] == [
        ("before_update", "Siti Aminah"),
        ("update", "Siti Aminah Rahayu"),
    ]
    assert {e.pgh_context.metadata["import_batch"] for e in events} == {second.pk}


@pytest.mark.django_db
def test_a_moved_persons_new_membership_is_a_creation_of_the_batch(dinsos, tmp_path):
    run_import(dinsos, FILES / "messy.csv")
    move = tmp_path / "pindah.csv"
    move.write_text(
        f"{HEADER}\n"
        "3671014102800002,Siti Aminah,P,01-02-1980,3671010303090003,Kepala Keluarga,"
        "Jl. Baru 1,3671011003\n",
        encoding="utf-8",
    )
    batch = run_import(dinsos, move)
    aminah = Person.objects.get(nik="3671014102800002")
    new = Membership.objects.get(person=aminah, end_date__isnull=True)
    assert (new.import_batch, new.import_row) == (batch.pk, 2)
    assert aminah.household.import_batch == batch.pk
    # The old membership was closed: an update, with its events.
    closed = Membership.objects.get(person=aminah, end_date__isnull=False)
    labels = Membership.pgh_event_model.objects.filter(pgh_obj_id=closed.pk).values_list(
        "pgh_label", flat=True
    )
    assert sorted(labels) == ["before_update", "update"]


@pytest.mark.django_db
def test_restricted_ppks_created_by_an_import_stay_hidden(dinsos, pimpinan, tmp_path):
    path = tmp_path / "odha.csv"
    path.write_text(
        f"{HEADER},jenis_ppks\n"
        "3671011708750001,Sutrisno,L,17-08-1975,3671010101090001,Kepala Keluarga,"
        "Jl. Melati 5,3671011001,16\n",
        encoding="utf-8",
    )
    batch = run_import(dinsos, path)
    record = PpksRecord.objects.get()
    assert record.ppks_type.is_restricted and record.import_batch == batch.pk
    household = Household.objects.get()
    seen = titles(household_timeline(household, user=dinsos))
    hidden = titles(household_timeline(household, user=pimpinan))
    assert any(t.startswith("PPKS ") for t in seen)
    assert not any(t.startswith("PPKS ") for t in hidden)
