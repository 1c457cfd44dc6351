"""A running batch's progress (stage, rows done), visible to other sessions at once."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import psycopg
from django.db import connection

from pilar.imports.models import ImportBatch

log = logging.getLogger(__name__)

Progress = Callable[[ImportBatch], None]


class ProgressWriter:
    """Saves a batch's progress where other sessions can see it at once.

    The apply step runs in one transaction, so progress written on the default
    connection would stay invisible until the end: it goes through a second,
    autocommit connection (when that cannot connect, e.g. inside a test transaction
    that has not committed the batch, it quietly writes nothing). It publishes the
    status the actions set; it never changes it."""

    def __init__(self, batch: ImportBatch, callback: Progress | None = None) -> None:
        self.batch = batch
        self.callback = callback
        self._last = 0.0
        self._conn: psycopg.Connection | None = None

    def _connection(self) -> psycopg.Connection:
        if self._conn is None:
            params = connection.get_connection_params()
            params.pop("cursor_factory", None)
            params.pop("context", None)
            self._conn = psycopg.connect(**params, autocommit=True)
        return self._conn

    def update(
        self, *, stage: str | None = None, done: int | None = None, force: bool = False
    ) -> None:
        if stage is not None:
            self.batch.stage = stage
        if done is not None:
            self.batch.rows_done = done
        now = time.monotonic()
        if not force and now - self._last < 0.5:
            return
        self._last = now
        try:
            self._connection().execute(
                f"UPDATE {ImportBatch._meta.db_table} SET stage=%s, rows_done=%s, rows_total=%s, "
                "status=%s WHERE id=%s",
                [
                    self.batch.stage,
                    self.batch.rows_done,
                    self.batch.rows_total,
                    self.batch.status,
                    self.batch.pk,
                ],
            )
        except Exception:  # progress is a courtesy; never fail an import over it
            log.debug("progress update failed", exc_info=True)
        if self.callback:
            self.callback(self.batch)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
