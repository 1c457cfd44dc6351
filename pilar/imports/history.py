"""Rows an import created, as timeline entries (decision 27).

An import records the rows it creates (households, persons, memberships, PPKS records)
by its batch and the row of its stored file (``import_batch``, ``import_row`` on each
row) instead of an "insert" history event per row. These entries stand for those
events: "... dibuat oleh impor #N (berkas, baris R)", at the time of the import, by
whoever applied it, linked to the batch. The first later change of such a row stores
its old values (a "before_update" event, decision 11), so the timeline still says what
changed from what.

Queries: one per model plus one for the batches, never per row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone

from pilar.audit.history import SYSTEM_USER, Entry
from pilar.imports.models import ImportBatch
from pilar.ppks.access import may_see_health_data
from pilar.ppks.models import PpksRecord
from pilar.registry.choices import Relation
from pilar.registry.models import Household, Membership, Person

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User


def _household_title(row: Household, names: dict[int, str]) -> str:
    return "Keluarga"


def _person_title(row: Person, names: dict[int, str]) -> str:
    return f"Individu {names.get(row.pk, row.name)}"


def _membership_title(row: Membership, names: dict[int, str]) -> str:
    relation = dict(Relation.choices).get(row.relation, row.relation)
    name = names.get(row.person_id, row.person.name)
    return f"Keanggotaan {name} di {row.household.history_label()} sebagai {relation}"


def _ppks_title(row: PpksRecord, names: dict[int, str]) -> str:
    who = f" ({names.get(row.person_id, row.person.name)})" if row.person_id and row.person else ""
    return f"PPKS {row.ppks_type.name}{who}"


def _names_when_created(person_ids: set[int]) -> dict[int, str]:
    """The name each person had when created, where it changed since: the OLD row of
    their first change (decision 11); persons never changed keep their current name."""
    first_events = (
        Person.pgh_event_model.objects.filter(pgh_obj_id__in=person_ids)  # type: ignore[attr-defined]
        .order_by("pgh_obj_id", "pgh_id")
        .distinct("pgh_obj_id")
        .values_list("pgh_obj_id", "name")
    )
    return dict(first_events)


def _entries(rows: list[tuple[Any, Any]]) -> list[Entry]:
    """One entry per (row, title function) created by an import."""
    person_ids = {
        row.pk if isinstance(row, Person) else row.person_id
        for row, _ in rows
        if not isinstance(row, Household)
    }
    names = _names_when_created({pk for pk in person_ids if pk is not None})
    batch_ids = {row.import_batch for row, _ in rows}
    batches = {
        b.pk: b for b in ImportBatch.objects.filter(pk__in=batch_ids).select_related("imported_by")
    }
    entries = []
    for row, title in rows:
        batch = batches.get(row.import_batch)
        # The row's own creation time where it has one: the apply's transaction time,
        # the clock its later events are on too.
        when = getattr(row, "created_at", None)
        if batch is None:  # the batch was deleted: the row still says which it was
            file_name, username = "berkas tidak ada lagi", SYSTEM_USER
        else:
            when = when or batch.imported_at or batch.created_at
            file_name = batch.file_name
            username = batch.imported_by.username if batch.imported_by else SYSTEM_USER
        when = when or timezone.now()
        entries.append(
            Entry(
                when=timezone.localtime(when),
                kind="insert",
                title=(
                    f"{title(row, names)} dibuat oleh impor #{row.import_batch} "
                    f"({file_name}, baris {row.import_row})"
                ),
                username=username,
                url=reverse("imports:detail", args=[row.import_batch]),
                import_batch=row.import_batch,
                # Before any event of the same moment (an update by a later batch).
                sort_key=(when, -1, row.pk),
            )
        )
    return entries


def household_created_entries(household, user: User | None = None) -> list[Entry]:
    """The household, its memberships and its PPKS records, as far as an import
    created them (restricted health types left out unless ``user`` may see them)."""
    rows: list[tuple[Any, Any]] = []
    if household.import_batch is not None:
        rows.append((household, _household_title))
    memberships = Membership.objects.filter(
        household_id=household.pk, import_batch__isnull=False
    ).select_related("person", "household")
    rows += [(m, _membership_title) for m in memberships]
    records = _visible(
        PpksRecord.objects.filter(household_id=household.pk, import_batch__isnull=False), user
    )
    rows += [(r, _ppks_title) for r in records]
    return _entries(rows)


def person_created_entries(person, user: User | None = None) -> list[Entry]:
    """The person, their memberships and their PPKS records, as far as an import
    created them (as above)."""
    rows: list[tuple[Any, Any]] = []
    if person.import_batch is not None:
        rows.append((person, _person_title))
    memberships = Membership.objects.filter(
        person_id=person.pk, import_batch__isnull=False
    ).select_related("person", "household")
    rows += [(m, _membership_title) for m in memberships]
    records = _visible(
        PpksRecord.objects.filter(person_id=person.pk, import_batch__isnull=False), user
    )
    rows += [(r, _ppks_title) for r in records]
    return _entries(rows)


def _visible(records, user: User | None):
    """Without restricted health types unless ``user`` may see them (decision 10)."""
    if not may_see_health_data(user):
        records = records.exclude(ppks_type__is_restricted=True)
    return records.select_related("ppks_type", "person")
