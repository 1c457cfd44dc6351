from __future__ import annotations

import datetime


def age_on(birth_date: datetime.date, on: datetime.date) -> int:
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()
