"""Training, SK and allowance data for the PSKS tests, built through the actions."""

from __future__ import annotations

import datetime

from pilar.psks.appointments import record_appointment
from pilar.psks.training import create_event


def make_event(user, *, starts_on: datetime.date, days: int = 2, **data):
    values = {
        "title": "Bimtek Dasar PSM 2026",
        "topic": "dasar",
        "place": "Aula Dinas Sosial",
        "organiser": "Bidang Pemberdayaan Sosial",
        "budget": "Rp150.000.000",
        "starts_on": starts_on.isoformat(),
        "ends_on": (starts_on + datetime.timedelta(days=days - 1)).isoformat(),
    }
    values.update(data)
    return create_event(acting_user=user, data=values)


def make_sk(
    user,
    worker,
    *,
    number: str,
    starts_on: str = "2026-01-01",
    ends_on: str = "2026-12-31",
    issuer: str = "kadinsos",
    **data,
):
    values = {
        "number": number,
        "issuer": issuer,
        "decree_date": "2025-12-20",
        "starts_on": starts_on,
        "ends_on": ends_on,
    }
    values.update(data)
    return record_appointment(worker, acting_user=user, data=values)
