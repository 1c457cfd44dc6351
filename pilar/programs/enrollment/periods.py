"""The period of a program: the year its enrollments are counted in, and for
monthly programs the months it pays (first day of each), labelled in Indonesian."""

from __future__ import annotations

import datetime

from pilar.core.dates import today
from pilar.programs.choices import Frequency
from pilar.programs.models import Program


def program_period(program: Program) -> int:
    """The period enrollments are counted in: the budget year, else the start
    year, else the current year."""
    if program.year:
        return program.year
    if program.start_date:
        return program.start_date.year
    return today().year


# Months of a monthly program ---------------------------------------------------------

MONTH_NAMES = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def month_label(month: datetime.date) -> str:
    return f"{MONTH_NAMES[month.month - 1]} {month.year}"


def parse_month(text: str) -> datetime.date:
    """'2026-03' (a month input's value, TTTT-BB) -> date(2026, 3, 1); ValueError
    when it is not a month."""
    year, month = text.strip().split("-")[:2]
    return datetime.date(int(year), int(month), 1)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, n: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def is_monthly(program: Program) -> bool:
    return program.frequency == Frequency.MONTHLY


def period_months(program: Program) -> list[datetime.date]:
    """The months a monthly program pays in its period (first day of each): from the
    start date's month to the end date's (twelve months when there is no end date),
    else January to December of the period year."""
    if program.start_date:
        first = month_start(program.start_date)
        last = month_start(program.end_date) if program.end_date else add_months(first, 11)
    else:
        first = datetime.date(program_period(program), 1, 1)
        last = datetime.date(first.year, 12, 1)
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [add_months(first, i) for i in range(max(count, 0))]


def months_from(program: Program, start: datetime.date) -> int:
    """How many months of the program period are `start`'s month or later."""
    start = month_start(start)
    return sum(1 for m in period_months(program) if m >= start)
