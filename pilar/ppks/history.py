"""PPKS records in a history timeline, as `Source`s for pilar.audit.history (without
restricted health types unless the reader may see them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pilar.audit.history import Source, event_model, events
from pilar.ppks.access import hidden_type_ids
from pilar.ppks.models import PpksRecord, PpksType
from pilar.registry.models import Person

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User


def _ppks_title(event, before, lookups) -> str:
    type_name = lookups.name(PpksType, event.ppks_type_id)
    who = f" ({lookups.name(Person, event.person_id)})" if event.person_id else ""
    if event.pgh_label == "insert":
        return f"PPKS {type_name}{who} dicatat"
    if event.pgh_label == "delete":
        return f"PPKS {type_name}{who} dihapus"
    if event.status == "selesai" and (before is None or before.status != "selesai"):
        return f"PPKS {type_name}{who} diselesaikan"
    if event.validated_at and (before is None or not before.validated_at):
        return f"PPKS {type_name}{who} divalidasi Dinas Sosial"
    return f"PPKS {type_name}{who} diubah"


def household_source(household, user: User | None = None) -> Source:
    # A PPKS record may have moved in or out with a person: take every event of
    # every record that ever belonged to this household, so diffs have their "before".
    ppks_ids = (
        event_model(PpksRecord)
        .objects.filter(household_id=household.pk)
        .exclude(ppks_type_id__in=hidden_type_ids(user))
        .values("pgh_obj_id")
    )
    return Source(PpksRecord, events(PpksRecord, pgh_obj_id__in=ppks_ids), _ppks_title)


def person_source(person, user: User | None = None) -> Source:
    hidden = set(hidden_type_ids(user))
    return Source(
        PpksRecord,
        [e for e in events(PpksRecord, person_id=person.pk) if e.ppks_type_id not in hidden],
        _ppks_title,
    )
