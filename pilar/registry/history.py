"""Registry rows in a history timeline: households, persons and memberships as
`Source`s for pilar.audit.history (pilar.web.timeline composes the dossiers)."""

from __future__ import annotations

from pilar.audit.history import Source, events
from pilar.registry.choices import Relation
from pilar.registry.models import Household, Membership, Person


def _household_title(event, before, lookups) -> str:
    return {
        "insert": "Keluarga didaftarkan",
        "update": "Data keluarga diubah",
        "delete": "Keluarga dihapus",
    }.get(event.pgh_label, event.pgh_label)


def _person_title(event, before, lookups) -> str:
    name = event.name
    if event.pgh_label == "insert":
        return f"Individu {name} didaftarkan"
    if event.pgh_label == "delete":
        return f"Individu {name} dihapus"
    if before is not None and before.life_status != event.life_status:
        return f"Status kehidupan {name} diubah"
    return f"Data individu {name} diubah"


def _membership_title(event, before, lookups) -> str:
    person = lookups.name(Person, event.person_id)
    household = lookups.name(Household, event.household_id)
    relation = dict(Relation.choices).get(event.relation, event.relation)
    if event.pgh_label == "insert":
        return f"{person} masuk {household} sebagai {relation}"
    if event.pgh_label == "delete":
        return f"Keanggotaan {person} di {household} dihapus"
    if event.end_date and (before is None or not before.end_date):
        return f"{person} keluar dari {household}"
    return f"Keanggotaan {person} di {household} diubah"


def household_sources(household) -> list[Source]:
    return [
        Source(Household, events(Household, pgh_obj_id=household.pk), _household_title),
        Source(Membership, events(Membership, household_id=household.pk), _membership_title),
    ]


def person_sources(person) -> list[Source]:
    return [
        Source(Person, events(Person, pgh_obj_id=person.pk), _person_title),
        Source(Membership, events(Membership, person_id=person.pk), _membership_title),
    ]
