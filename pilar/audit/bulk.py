"""Row history for set-based bulk writes (imports), written set-based too.

pghistory's row triggers call ``_pgh_attach_context()`` once per row; inside one
transaction that writes hundreds of thousands of rows, its per-call subtransaction
and the lock on the one context row make every row slower than the last (an
import of 100,000 persons spent minutes in the membership inserts alone). Bulk
paths therefore switch the history triggers of the tables they write off
(``pgtrigger.ignore``, which works without superuser rights) and insert the same
event rows themselves with INSERT ... SELECT: same tables, same columns, same labels
("insert", "before_update" = the OLD row, "update" = the NEW row), one context row
with the same metadata a request would give (user, url, plus e.g. import_batch).
Timelines cannot tell the two apart.

``pgtrigger.ignore`` still calls each trigger function once per row only to be told to
return (~15 µs a row, a subtransaction each); a load big enough to lock its tables
(``pilar.imports.bulkload``) switches them off with ALTER TABLE for the transaction
instead (``history_trigger_pgids``).
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterator

import pgtrigger
from django.db import models

from pilar.audit.trackers import history_trackers

_LABELS = tuple(t.label for t in history_trackers())


def _event_model(model: type[models.Model]):
    return getattr(model, "pgh_event_model")  # noqa: B009 - set by @pghistory.track


def history_trigger_uris(*tracked: type[models.Model]) -> list[str]:
    """The pgtrigger URIs of the history triggers of ``tracked`` models."""
    uris = []
    for model, trigger in pgtrigger.registered():
        name = trigger.name or ""
        if model in tracked and any(name.startswith(label) for label in _LABELS):
            uris.append(trigger.get_uri(model))
    return uris


def history_trigger_pgids(model: type[models.Model]) -> list[str]:
    """The PostgreSQL names of ``model``'s history triggers (for ALTER TABLE)."""
    return [
        trigger.get_pgid(model)  # type: ignore[arg-type]
        for registered, trigger in pgtrigger.registered()
        if registered is model and any((trigger.name or "").startswith(x) for x in _LABELS)
    ]


@contextlib.contextmanager
def history_triggers_off(*tracked: type[models.Model]) -> Iterator[None]:
    """Inside: the history triggers of ``tracked`` do nothing; the caller writes the
    events with ``write_events``."""
    with pgtrigger.ignore(*history_trigger_uris(*tracked)):
        yield


def create_context(cursor, metadata: dict) -> str:
    """One pghistory context row for a bulk write; returns its id."""
    context_id = str(uuid.uuid4())
    cursor.execute(
        "INSERT INTO pghistory_context (id, metadata, created_at, updated_at) "
        "VALUES (%s, %s, now(), now())",
        [context_id, json.dumps(metadata)],
    )
    return context_id


def _tracked_columns(event) -> str:
    return ", ".join(
        f'"{f.column}"'
        for f in event._meta.concrete_fields
        if not f.name.startswith("pgh_") and f.column is not None
    )


def insert_with_events(
    cursor, model: type[models.Model], context_id: str, insert_sql: str, params=()
) -> int:
    """Run ``insert_sql`` (an INSERT INTO ``model``'s table without RETURNING) and write
    one "insert" event per new row from the rows it returns, in the same statement (no
    second read of the table); returns the number of rows inserted."""
    event = _event_model(model)
    columns = _tracked_columns(event)
    cursor.execute(
        f"""
        WITH new_rows AS ({insert_sql} RETURNING {columns})
        INSERT INTO {event._meta.db_table}
            ({columns}, pgh_created_at, pgh_label, pgh_obj_id, pgh_context_id)
        SELECT {columns}, now(), 'insert', id, %s FROM new_rows
        """,
        [*params, context_id],
    )
    return cursor.rowcount


def write_events(
    cursor,
    model: type[models.Model],
    label: str,
    context_id: str,
    ids_sql: str,
    params: list | tuple = (),
) -> int:
    """Insert one ``label`` event per row of ``model`` whose id is in ``ids_sql`` (a
    SELECT of ids), with the row's current values. Call it before an UPDATE for the
    "before_update" events and after it for the "update" ones."""
    event = _event_model(model)
    columns = _tracked_columns(event)
    cursor.execute(
        f"""
        INSERT INTO {event._meta.db_table}
            ({columns}, pgh_created_at, pgh_label, pgh_obj_id, pgh_context_id)
        SELECT {columns}, now(), %s, id, %s FROM {model._meta.db_table}
        WHERE id IN ({ids_sql})
        """,
        [label, context_id, *params],
    )
    return cursor.rowcount
