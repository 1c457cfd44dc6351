"""Numbers from people: amounts as typed in Indonesia (`parse_amount`), and the integer
bounds of PostgreSQL's columns, for input that ends up in a query.

A number beyond a column's type makes PostgreSQL fail the whole statement
("bigint out of range"): a 500 where the client sent bad input. The API's parser
refuses any integer beyond bigint (422), `PageParams.offset` stops at OFFSET_MAX, a
path id beyond bigint matches nothing (404, like a missing record), and a value a
smaller column cannot hold is answered 422 by the API's DataError handler
(architecture.md, pattern 10); schemas bound such fields with Field(ge=, le=).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from pilar.core.errors import ErrorCollector

BIGINT_MAX = 2**63 - 1  # bigint / bigserial columns (ids: BigAutoField)
# OFFSET is a bigint and LIMIT is added to it; 200 is the largest page.
OFFSET_MAX = BIGINT_MAX - 200


def find_out_of_range(data, path: str = "") -> str | None:
    """The path of the first integer in decoded JSON that no PostgreSQL integer column
    can hold (beyond bigint), or None. Ids are bigint: nothing larger names a record."""
    if isinstance(data, bool):
        return None
    if isinstance(data, int):
        return (path or "__all__") if not -BIGINT_MAX - 1 <= data <= BIGINT_MAX else None
    if isinstance(data, dict):
        for key, item in data.items():
            found = find_out_of_range(item, f"{path}.{key}" if path else str(key))
            if found:
                return found
    elif isinstance(data, list):
        for index, item in enumerate(data):
            found = find_out_of_range(item, f"{path}[{index}]")
            if found:
                return found
    return None


# Amounts ------------------------------------------------------------------------------
#
# Indonesian writing: a dot groups thousands, a comma starts the decimals
# ("Rp1.500.000,50"). A value that reads differently in English writing ("1,500" is
# 1,5 here but 1500 there; "1,500,000"; "1,500.50") is refused with the reason, never
# guessed: a wrong guess moves money by a factor of a thousand.

# What a DecimalField(max_digits=14, decimal_places=2) holds: money columns.
AMOUNT_MAX = Decimal("1e12")


def column_max(max_digits: int, decimal_places: int) -> Decimal:
    """The first value a DecimalField(max_digits, decimal_places) cannot hold."""
    return Decimal(10) ** (max_digits - decimal_places)


_ID_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")  # 1.500.000 / 1.500.000,50
_COMMA_DECIMAL = re.compile(r"^\d+,\d+$")  # 2,5 / 1500000,50
_DOT_DECIMAL = re.compile(r"^\d+\.\d+$")  # 2.5 (not a thousands grouping: see below)
_ENGLISH_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")  # 1,500 / 1,500,000.50
MSG_AMBIGUOUS = (
    "{label} '{text}' dapat dibaca dua cara. Tulis titik untuk ribuan dan koma untuk "
    "desimal, misalnya 1.500.000 atau 2,5."
)


def _amount_text(text: str) -> str | None:
    """The amount as a Python decimal literal, or None when it is not a number; raises
    ValueError for a value that reads differently in English writing."""
    text = text.replace("\u00a0", " ").strip()
    if text[:2].lower() == "rp":
        text = text[2:].lstrip(". ")
    text = text.replace(" ", "")
    if text.isdigit():
        return text
    if _ID_GROUPED.match(text):
        return text.replace(".", "").replace(",", ".")
    if _ENGLISH_GROUPED.match(text):
        raise ValueError(text)
    if _COMMA_DECIMAL.match(text):
        return text.replace(",", ".")
    if _DOT_DECIMAL.match(text):
        # "2.5", "1.50": not a valid thousands grouping, so only a decimal reading is
        # possible ("1.500" matched the grouping above).
        return text
    return None


def parse_amount(
    errors: ErrorCollector,
    field: str,
    value: Any,
    label: str,
    *,
    maximum: Decimal = AMOUNT_MAX,
    decimals: int = 2,
) -> Decimal | None:
    """A non-negative amount: 1500000, 1.500.000, Rp 1.500.000, Rp1.500.000,50, 2,5 or
    2.5 (text), or a JSON number. None when empty; an Indonesian message on `errors`
    when it is not a number, ambiguous, negative, too large or has more decimals than
    the column keeps (a third decimal would be rounded away silently)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        errors.add(field, f"{label} harus berupa angka.")
        return None
    if isinstance(value, (int, Decimal)):
        literal: str | None = str(value)
    elif isinstance(value, float):
        literal = repr(value)
    else:
        text = str(value).strip()
        if text.startswith("-"):
            errors.add(field, f"{label} tidak boleh negatif.")
            return None
        try:
            literal = _amount_text(text)
        except ValueError:
            errors.add(field, MSG_AMBIGUOUS.format(label=label, text=text))
            return None
    try:
        amount = Decimal(literal) if literal is not None else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        errors.add(field, f"{label} harus berupa angka.")
        return None
    if amount < 0:
        errors.add(field, f"{label} tidak boleh negatif.")
        return None
    if amount >= maximum:
        errors.add(field, f"{label} terlalu besar.")
        return None
    step = Decimal(1).scaleb(-decimals)
    if amount != amount.quantize(step):
        words = {1: "satu", 2: "dua"}.get(decimals, str(decimals))
        errors.add(
            field,
            f"{label} paling banyak {words} angka di belakang koma."
            if decimals
            else f"{label} harus bilangan bulat.",
        )
        return None
    return amount


# Writing numbers ------------------------------------------------------------------------
# The one Indonesian number format for text Pilar writes itself (pages' filters, command
# output, messages, PDFs): "1.234.567", "12,5", "Rp1.500.000". Django's own formatting
# (templates, admin) gives the same because the site is always Indonesian (settings).


def format_number(value, places: int = 0) -> str:
    """1234567 -> "1.234.567"; format_number(12.5, 1) -> "12,5". `places` decimals
    (rounded half up); None and "" -> "-"."""
    if value is None or value == "":
        return "-"
    number = Decimal(str(value))
    quantum = Decimal(1).scaleb(-places) if places else Decimal(1)
    rounded = number.quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{abs(rounded):,.{places}f}"
    text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return ("-" if rounded < 0 else "") + text


def format_rupiah(value) -> str:
    """Whole rupiah: 15000000 -> "Rp15.000.000"; None and "" -> "-"."""
    if value is None or value == "":
        return "-"
    number = Decimal(str(value))
    return ("-" if number < 0 else "") + "Rp" + format_number(abs(number))


def format_measure(value, max_places: int = 2) -> str:
    """A measurement with as many decimals as it has, up to `max_places`: 21.00 ->
    "21", 12.50 -> "12,5", 7.25 -> "7,25" (areas, distances); None -> "-"."""
    if value is None or value == "":
        return "-"
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-max_places), rounding=ROUND_HALF_UP)
    places = max(0, -number.normalize().as_tuple().exponent)  # type: ignore[operator]
    return format_number(number, min(places, max_places))
