from __future__ import annotations

import datetime
from typing import Annotated

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError


def age_on(birth_date: datetime.date, on: datetime.date) -> int:
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


# API date input ------------------------------------------------------------------------
#
# pydantic turns a number into a date (0 is 1970-01-01) and takes any year from 1 to
# 9999; neither is a date a person meant. API input dates are ISO strings
# (YYYY-MM-DD) within what the date can mean: `RecordDate`, `BirthDate`, `PlannedDate`.

MSG_DATE_FORMAT = "Tanggal tidak valid: gunakan format TTTT-BB-HH (misalnya 1975-08-17)."
EARLIEST_BIRTH = datetime.date(1900, 1, 1)
# The office's own records (assessments, visits, deliveries...) are not older than this.
EARLIEST_RECORD = datetime.date(2000, 1, 1)
# How far ahead a plan may reach.
PLAN_YEARS_AHEAD = 10


def _iso_date(value):
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str) and len(value.strip()) == 10:
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise PydanticCustomError("pilar_date", MSG_DATE_FORMAT)


def date_rule(earliest: datetime.date, *, future_years: int = 0) -> BeforeValidator:
    """A pydantic validator: an ISO date string (or date), not before `earliest` and
    not after today (+ `future_years`)."""

    def validate(value):
        date = _iso_date(value)
        if date < earliest:
            raise PydanticCustomError(
                "pilar_date", f"Tanggal tidak boleh sebelum {earliest.isoformat()}."
            )
        latest = today()
        if future_years:
            latest = latest.replace(year=latest.year + future_years, day=min(latest.day, 28))
        if date > latest:
            message = (
                "Tanggal tidak boleh di masa depan."
                if not future_years
                else f"Tanggal tidak boleh setelah {latest.isoformat()}."
            )
            raise PydanticCustomError("pilar_date", message)
        return date

    return BeforeValidator(validate)


# What happened already: an assessment, a visit, a delivery, a photo taken...
RecordDate = Annotated[datetime.date, date_rule(EARLIEST_RECORD)]
# A birth date, or a death or move recorded against a person.
BirthDate = Annotated[datetime.date, date_rule(EARLIEST_BIRTH)]
# A planned date (a program's period, a plan step): may be ahead, within reason.
PlannedDate = Annotated[datetime.date, date_rule(EARLIEST_RECORD, future_years=PLAN_YEARS_AHEAD)]
