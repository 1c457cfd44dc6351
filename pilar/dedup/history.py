"""Duplicate merges in a person's history timeline (pilar.audit.history builds it;
pilar.web.timeline adds this source, since audit sits below dedup)."""

from __future__ import annotations

from django.db.models import Q

from pilar.audit.history import Source, events
from pilar.dedup.models import Merge
from pilar.registry.models import Person


def merge_title(event, before, lookups) -> str:
    """Duplicate merges (pilar.dedup.Merge) in the timelines of both persons."""
    merged = f"{lookups.name(Person, event.merged_id)} (#{event.merged_id})"
    survivor = f"{lookups.name(Person, event.survivor_id)} (#{event.survivor_id})"
    if event.pgh_label == "insert":
        return f"Data ganda {merged} digabungkan ke {survivor}"
    if event.undone_at and (before is None or not before.undone_at):
        return f"Penggabungan {merged} ke {survivor} dibatalkan"
    return f"Penggabungan {merged} ke {survivor} diubah"


def merge_source(person) -> Source:
    """The merges where `person` survived or was merged away, both directions."""
    merges = Merge.objects.filter(Q(survivor_id=person.pk) | Q(merged_id=person.pk))
    return Source(Merge, events(Merge, pgh_obj_id__in=merges.values("pk")), merge_title)
