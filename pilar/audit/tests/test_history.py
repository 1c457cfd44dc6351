import pghistory
import pytest
from django.urls import reverse

from pilar.audit.trail import retention_removal
from pilar.conftest import VILLAGE_A, VILLAGE_A2, make_household
from pilar.ppks.actions import create_ppks_record, end_ppks_record
from pilar.registry.actions import move_person, update_household, update_person
from pilar.registry.models import Household
from pilar.web.timeline import household_timeline, person_timeline

pytestmark = pytest.mark.django_db


def only(entries, kind):
    return [e for e in entries if e.kind == kind]


def first(entries, title):
    """Newest entry with this title. Within one test everything runs in one
    transaction, where PostgreSQL's NOW() is constant, so events of different
    tables share a timestamp; pick entries by title rather than by position."""
    return next(e for e in entries if e.title.startswith(title))


def test_address_change_field_by_field(dinsos, admin_user):
    with pghistory.context(user=dinsos.pk):
        household = make_household(dinsos, VILLAGE_A, address="Jl. Lama 1")
    with pghistory.context(user=admin_user.pk, url="/keluarga/1/ubah/"):
        update_household(household, acting_user=admin_user, data={"address": "Jl. Baru 2"})
    timeline = household_timeline(household)
    own = [e for e in timeline if "eluarga d" in e.title]
    # Newest first (same-table events keep their order even at equal timestamps).
    assert [e.title for e in own] == ["Data keluarga diubah", "Keluarga didaftarkan"]
    newest = own[0]
    assert newest.kind == "update"
    assert newest.username == "admin"
    assert newest.url == "/keluarga/1/ubah/"
    assert [(c.field, c.label, c.old, c.new) for c in newest.changes] == [
        ("address", "alamat", "Jl. Lama 1", "Jl. Baru 2")
    ]
    assert str(newest.when.tzinfo) == "Asia/Jakarta"
    inserts = only(timeline, "insert")
    assert {e.title for e in inserts} >= {"Keluarga didaftarkan"}
    assert all(e.username == "dinsos" for e in inserts)
    # The head's membership appears in the household's timeline.
    assert any("masuk" in e.title and "Kepala Keluarga" in e.title for e in inserts)


def test_choices_villages_and_kk_are_readable(dinsos):
    household = make_household(dinsos, VILLAGE_A)
    old_kk = household.no_kk
    update_household(
        household,
        acting_user=dinsos,
        data={
            "house_ownership": "kontrak_sewa",
            "village": VILLAGE_A2,
            "no_kk": "3671019999990001",
        },
    )
    changes = {c.field: c for c in first(household_timeline(household), "Data keluarga").changes}
    assert changes["house_ownership"].old == "(kosong)"
    assert changes["house_ownership"].new == "Kontrak/sewa"
    assert changes["village"].old.startswith("Kel. ") and changes["village"].new.startswith("Kel. ")
    assert changes["no_kk"].old == old_kk[:4] + "********" + old_kk[-4:]
    assert changes["no_kk"].new == "3671********0001"
    assert "updated_at" not in changes
    # No user in context: "sistem".
    assert first(household_timeline(household), "Data keluarga").username == "sistem"


def test_person_timeline_life_status_move_and_ppks(dinsos, household_a, household_b):
    person = household_a.members.get()
    with pghistory.context(user=dinsos.pk):
        record = create_ppks_record(acting_user=dinsos, data={"ppks_type": 11, "person": person})
        end_ppks_record(record, acting_user=dinsos, reason="Sudah punya tempat tinggal")
        move_person(
            person,
            acting_user=dinsos,
            to_household=household_b,
            relation="famili_lain",
            reason="Ikut",
        )
        update_person(
            person,
            acting_user=dinsos,
            data={"life_status": "meninggal", "life_status_date": "2025-01-01"},
        )
    timeline = person_timeline(person)
    titles = [e.title for e in timeline]
    changes = {c.field: (c.old, c.new) for c in first(timeline, "Status kehidupan").changes}
    assert changes["life_status"] == ("Hidup", "Meninggal")
    assert changes["life_status_date"] == ("(kosong)", "01-01-2025")
    assert "PPKS Gelandangan (Budi Santoso) dicatat" in titles
    assert "PPKS Gelandangan (Budi Santoso) diselesaikan" in titles
    assert any(t.startswith("Budi Santoso keluar dari KK") for t in titles)
    moved = next(e for e in timeline if e.title.startswith("Data individu") and e.changes)
    fields = {c.field for c in moved.changes}
    assert {"household", "relation"} <= fields
    assert all(e.username == "dinsos" for e in timeline if e.kind == "update")
    # The old household's timeline shows the member leaving.
    assert any("keluar" in e.title for e in household_timeline(household_a))


def test_timeline_query_count(dinsos, household_a, django_assert_max_num_queries):
    for i in range(10):
        update_household(household_a, acting_user=dinsos, data={"address": f"Jl. Nomor {i}"})
    # Constant whatever the number of events (two of them: the memberships and PPKS
    # records imports created, pilar/imports/history.py).
    with django_assert_max_num_queries(9):
        entries = household_timeline(household_a)
    assert len(only(entries, "update")) == 10
    assert first(entries, "Data keluarga").changes[0].new == "Jl. Nomor 9"


def test_household_page_shows_timeline(client, dinsos, household_a):
    with pghistory.context(user=dinsos.pk):
        update_household(household_a, acting_user=dinsos, data={"address": "Jl. Teratai 8"})
    client.force_login(dinsos)
    html = client.get(reverse("web:household_detail", args=[household_a.pk])).content.decode()
    assert "Riwayat perubahan" in html
    assert "Jl. Melati No. 5" in html and "Jl. Teratai 8" in html
    assert household_a.no_kk not in html


def test_edit_through_page_records_user(client, admin_user, household_a):
    client.force_login(admin_user)
    client.post(
        reverse("registry:household_edit", args=[household_a.pk]),
        {
            "no_kk": household_a.masked_no_kk,
            "address": "Jl. Dahlia 4",
            "rt": "001",
            "rw": "002",
            "village": VILLAGE_A,
        },
    )
    entry = first(household_timeline(household_a), "Data keluarga")
    assert entry.username == "admin"
    assert entry.url == reverse("registry:household_edit", args=[household_a.pk])
    assert [(c.old, c.new) for c in entry.changes] == [("Jl. Melati No. 5", "Jl. Dahlia 4")]


def test_update_of_row_without_earlier_history_still_shows_old_value(dinsos):
    """Rows loaded in bulk without triggers (seeding) have no insert event; the
    before_update snapshot still gives the timeline its "from" value."""

    household = make_household(dinsos, VILLAGE_A, address="Jl. Lama 1")
    # The trail refuses deletes; the retention path stands in for "never recorded".
    with retention_removal("uji: baris tanpa riwayat"):
        Household.pgh_event_model.objects.filter(pgh_obj_id=household.pk).delete()
    with pghistory.context(user=dinsos.pk):
        update_household(household, acting_user=dinsos, data={"address": "Jl. Baru 2"})
    entries = household_timeline(household)
    updates = [e for e in entries if e.kind == "update"]
    assert len(updates) == 1
    change = {c.field: c for c in updates[0].changes}["address"]
    assert (change.old, change.new) == ("Jl. Lama 1", "Jl. Baru 2")
    assert updates[0].username == dinsos.username
    assert all(e.kind != "before_update" for e in entries)
