"""Integer bounds of PostgreSQL's columns, for input that ends up in a query.

A number beyond a column's type makes PostgreSQL fail the whole statement
("bigint out of range"): a 500 where the client sent bad input. API schemas use these
types, so such a number is refused before any query (architecture.md, pattern 10):
an id out of range is answered like a missing record (404, see pilar/api.py), any
other number is a 422.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

INT_MAX = 2**31 - 1  # integer / serial columns
BIGINT_MAX = 2**63 - 1  # bigint / bigserial columns (ids: BigAutoField)
# OFFSET is a bigint and LIMIT is added to it; 200 is the largest page.
OFFSET_MAX = BIGINT_MAX - 200

# An object's id (a BigAutoField): from the path or the body.
Id = Annotated[int, Field(ge=1, le=BIGINT_MAX)]
# A count or an amount stored in an `integer` column.
Int32 = Annotated[int, Field(ge=-INT_MAX - 1, le=INT_MAX)]
# ...and in a `bigint` column (rupiah amounts).
Int64 = Annotated[int, Field(ge=-BIGINT_MAX - 1, le=BIGINT_MAX)]


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
