"""Dates: ages, today in the office's time zone, the one parser of typed dates
(`parse_date`), and the pydantic types of API date input."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.utils import timezone
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from pilar.core.errors import ErrorCollector


def age_on(birth_date: datetime.date, on: datetime.date) -> int:
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def today() -> datetime.date:

    return timezone.localdate()


# Typed dates (pages, forms, actions) ---------------------------------------------------

DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y")


def parse_date(
    errors: ErrorCollector,
    field: str,
    value: Any,
    label: str,
    *,
    required: bool = False,
    past: bool = False,
    not_before: datetime.date | None = None,
    default: datetime.date | None = None,
) -> datetime.date | None:
    """A date as typed: a date, or text as 2026-12-07, 07-12-2026 or 07/12/2026.

    Empty gives `default` (or "wajib diisi" when `required`); `past` refuses a day
    after today; `not_before` an earlier day. Problems go on `errors` in Indonesian."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required and default is None:
            errors.add(field, f"{label} wajib diisi.")
        return default
    if isinstance(value, datetime.datetime):
        date = value.date()
    elif isinstance(value, datetime.date):
        date = value
    else:
        parsed = _typed_date(str(value).strip())
        if parsed is None:
            errors.add(
                field,
                f"{label} '{str(value).strip()}' bukan tanggal yang valid (contoh: 17-08-1975).",
            )
            return None
        date = parsed
    if past and date > today():
        errors.add(field, f"{label} tidak boleh di masa depan.")
    elif not_before is not None and date < not_before:
        errors.add(field, f"{label} tidak boleh sebelum {not_before:%d-%m-%Y}.")
    return date


def _typed_date(text: str) -> datetime.date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def date_or_invalid(field: str, value: Any, label: str = "Tanggal") -> datetime.date | None:
    """`parse_date` for a single form field outside an action: InvalidInput at once."""
    errors = ErrorCollector()
    date = parse_date(errors, field, value, label)
    errors.raise_if_any()
    return date


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
