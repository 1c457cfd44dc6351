"""The history timelines of the dossiers: each app offers its own rows as sources
(registry, PPKS, duplicate merges) and pilar.audit.history builds the timeline; the
rows imports created come from pilar.imports.history.
They meet here because the audit layer sits below the apps whose rows it shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pilar.audit.history import Entry, build_timeline
from pilar.dedup.history import merge_source
from pilar.imports.history import household_created_entries, person_created_entries
from pilar.ppks import history as ppks_history
from pilar.registry import history as registry_history

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User


def household_timeline(household, user: User | None = None) -> list[Entry]:
    """Newest-first timeline of a household, its memberships and its PPKS records
    (without restricted health types unless `user` may see them)."""
    entries = build_timeline(
        [
            *registry_history.household_sources(household),
            ppks_history.household_source(household, user),
        ]
    )
    return _newest_first(entries + household_created_entries(household, user))


def person_timeline(person, user: User | None = None) -> list[Entry]:
    """Newest-first timeline of a person, their memberships, their PPKS records (as
    above) and the duplicate merges they took part in."""
    entries = build_timeline(
        [
            *registry_history.person_sources(person),
            ppks_history.person_source(person, user),
            merge_source(person),
        ]
    )
    return _newest_first(entries + person_created_entries(person, user))


def _newest_first(entries: list[Entry]) -> list[Entry]:
    """The row events and the rows imports created (which have no event of their
    own, decision 27: pilar.imports.history), newest first."""
    return sorted(entries, key=lambda e: e.sort_key, reverse=True)
