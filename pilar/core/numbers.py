"""Integer bounds of PostgreSQL's columns, for input that ends up in a query.

A number beyond a column's type makes PostgreSQL fail the whole statement
("bigint out of range"): a 500 where the client sent bad input. The API's parser
refuses any integer beyond bigint (422), `PageParams.offset` stops at OFFSET_MAX, a
path id beyond bigint matches nothing (404, like a missing record), and a value a
smaller column cannot hold is answered 422 by the API's DataError handler
(architecture.md, pattern 10); schemas bound such fields with Field(ge=, le=).
"""

from __future__ import annotations

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
