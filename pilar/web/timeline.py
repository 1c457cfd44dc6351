"""A person's dossier timeline: the registry history (pilar.audit.history) plus the
duplicate merges that concern them (pilar.dedup), which the audit layer cannot import."""

from __future__ import annotations

from pilar.audit.history import Entry, person_timeline
from pilar.dedup.history import merge_source


def dossier_person_timeline(person, user=None) -> list[Entry]:
    return person_timeline(person, user, extra=[merge_source(person)])
