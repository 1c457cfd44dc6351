"""Test data for cases: PPKS records built through the actions (pilar/conftest.py)."""

from __future__ import annotations

import datetime

from pilar.conftest import VILLAGE_A, make_household
from pilar.core.dates import today
from pilar.ppks.actions import create_ppks_record

PENGEMIS = 12  # person-level type without age rules
FAKIR_MISKIN = 24  # household-level
ODHA = 16  # restricted health data


def days_ago(n: int) -> datetime.date:
    return today() - datetime.timedelta(days=n)


def person_record(dinsos, village: str = VILLAGE_A, ppks_type: int = PENGEMIS, found=None):
    household = make_household(dinsos, village)
    person = household.members.first()
    return create_ppks_record(
        acting_user=dinsos,
        data={"ppks_type": ppks_type, "person": person, "date_found": found or days_ago(200)},
    )


def household_record(dinsos, village: str = VILLAGE_A, found=None):
    household = make_household(dinsos, village)
    return create_ppks_record(
        acting_user=dinsos,
        data={
            "ppks_type": FAKIR_MISKIN,
            "household": household,
            "date_found": found or days_ago(200),
        },
    )
