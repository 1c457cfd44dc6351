"""GIN indexes and bulk loads (decision 46).

The project's GIN indexes (names, addresses) have ``fastupdate`` off: with it on, new
rows wait in a pending list of up to ``gin_pending_list_limit`` (4 MB) that every
search reads whole, and a full list made one name search take 4.4 s instead of 30 ms
at 2 million persons. Rows then go into the index one by one, which a load of hundreds
of thousands of rows pays for: ``pending_list_during`` gives such a load, inside its
own transaction, the pending list back (entries are merged in sorted batches, several
times cheaper) and merges what is left before the transaction commits, so no row is
left outside the index proper.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

_GIN_WITHOUT_FASTUPDATE = """
SELECT i.indexrelid::regclass::text
FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_am am ON am.oid = c.relam
WHERE am.amname = 'gin'
  AND i.indrelid = ANY(%s::regclass[])
  AND coalesce(c.reloptions, '{}') @> '{fastupdate=off}'
"""


@contextmanager
def pending_list_during(cursor, tables: list[str]) -> Iterator[list[str]]:
    """Within the current transaction (which an error must roll back, undoing the
    change): the GIN indexes of ``tables`` without fastupdate collect new entries in a
    pending list; on leaving, the list is merged and fastupdate is off again. Yields
    the indexes switched."""
    if not cursor.db.in_atomic_block:
        raise RuntimeError("pending_list_during needs a transaction (transaction.atomic)")
    cursor.execute(_GIN_WITHOUT_FASTUPDATE, [tables])
    indexes = [row[0] for row in cursor.fetchall()]
    for index in indexes:
        cursor.execute(f"ALTER INDEX {index} SET (fastupdate = on)")
    yield indexes
    # Not in a `finally`: after an error the transaction is rolled back, which undoes
    # the ALTER INDEX with everything else.
    for index in indexes:
        cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        cursor.execute(f"ALTER INDEX {index} SET (fastupdate = off)")
