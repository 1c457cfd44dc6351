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
from pilar.ppks.access import hidden_type_ids
from pilar.ppks.models import PpksRecord
from pilar.registry.choices import Relation
from pilar.registry.models import Household, Membership, Person

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User


def _household_title(row: Household) -> str:
    return "Keluarga"


def _person_title(row: Person) -> str:
    return f"Individu {row.name}"


def _membership_title(row: Membership) -> str:
    relation = dict(Relation.choices).get(row.relation, row.relation)
    return f"Keanggotaan {row.person.name} di {row.household.history_label()} sebagai {relation}"


def _ppks_title(row: PpksRecord) -> str:
    who = f" ({row.person.name})" if row.person_id and row.person else ""
    return f"PPKS {row.ppks_type.name}{who}"


def _entries(rows: list[tuple[Any, Any]]) -> list[Entry]:
    """One entry per (row, title function) created by an import."""
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
                    f"{title(row)} dibuat oleh impor #{row.import_batch} "
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
    records = (
        PpksRecord.objects.filter(household_id=household.pk, import_batch__isnull=False)
        .exclude(ppks_type_id__in=hidden_type_ids(user))
        .select_related("ppks_type", "person")
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
    records = (
        PpksRecord.objects.filter(person_id=person.pk, import_batch__isnull=False)
        .exclude(ppks_type_id__in=hidden_type_ids(user))
        .select_related("ppks_type", "person")
    )
    rows += [(r, _ppks_title) for r in records]
    return _entries(rows)
