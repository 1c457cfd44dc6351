"""Numbers, money and dates written the Indonesian way, whatever the machine's locale:
1.234.567; Rp1.500.000; 12,5; 7 Desember 2026; November 2026.

The pages use Django's `id` locale (intcomma); documents built outside a request
(PDF, XLSX notes, CSV, the monthly report run by cron) use these helpers, so a
recap prints the same from a page, the API or the command line.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

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


def _grouped(digits: str) -> str:
    out: list[str] = []
    while len(digits) > 3:
        out.insert(0, digits[-3:])
        digits = digits[:-3]
    out.insert(0, digits)
    return ".".join(out)


def format_decimal(value, places: int = 0) -> str:
    """1234567 -> '1.234.567'; (12.5, 1) -> '12,5'; rounded half up as people count."""
    if value is None:
        return "-"
    number = Decimal(str(value))
    quantum = Decimal(1).scaleb(-places)
    number = number.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    text = _grouped(whole)
    if places:
        text += "," + fraction.ljust(places, "0")[:places]
    return sign + text


def format_int(value) -> str:
    return format_decimal(value, 0)


def format_rupiah(value) -> str:
    """Rp1.500.000 (whole rupiah); '-' when unknown."""
    if value is None:
        return "-"
    text = format_decimal(value, 0)
    return "-Rp" + text[1:] if text.startswith("-") else "Rp" + text


def format_percent(value, places: int = 1) -> str:
    """12.5 -> '12,5%' (the value is already a percentage)."""
    if value is None:
        return "-"
    return format_decimal(value, places) + "%"


def month_label(month: datetime.date) -> str:
    """date(2026, 11, 1) -> 'November 2026'."""
    return f"{MONTH_NAMES[month.month - 1]} {month.year}"


def long_date(day: datetime.date) -> str:
    """date(2026, 12, 7) -> '7 Desember 2026'."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"
