"""The background-task worker (`pilar db_worker`, started by `pilar serve`) that
outlives a database outage.

django-tasks-db's worker lets any OperationalError other than "database is locked"
escape its loop, so the process exits the moment PostgreSQL stops or restarts, and
`pilar serve` does not restart it: imports and dedup runs would stay queued until
someone noticed. This worker catches a lost connection, logs one line, drops the
broken connection, waits with exponential backoff while probing the database, and
resumes the normal loop once a connection opens again.

A task that was running when the connection broke cannot be marked failed (that
needs the database too); its row stays "running" and the operator re-enqueues it.
"""

from __future__ import annotations

import logging
import time

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands.db_worker import Worker

from pilar.core.failures import one_line

logger = logging.getLogger(__name__)

INITIAL_BACKOFF = 1.0
MAX_BACKOFF = 60.0


class ResilientWorker(Worker):
    initial_backoff = INITIAL_BACKOFF
    max_backoff = MAX_BACKOFF

    def run(self) -> None:
        while self.running:
            try:
                super().run()
                return
            except (OperationalError, InterfaceError) as exc:
                logger.warning(
                    "Pekerja tugas: basis data tidak dapat dihubungi (%s); menunggu.",
                    one_line(exc),
                )
            self._wait_for_database()

    def _wait_for_database(self) -> None:
        delay = self.initial_backoff
        while self.running:
            self._drop_connections()
            self._sleep(delay)
            if self._database_ready():
                logger.warning("Pekerja tugas: basis data tersambung kembali; melanjutkan.")
                return
            delay = min(delay * 2, self.max_backoff)

    @staticmethod
    def _drop_connections() -> None:
        # A broken connection must not be reused; closing it may itself fail.
        for conn in connections.all(initialized_only=True):
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - the connection is gone either way
                conn.connection = None

    @staticmethod
    def _database_ready() -> bool:
        try:
            connections["default"].ensure_connection()
        except (OperationalError, InterfaceError):
            return False
        return True

    @staticmethod
    def _sleep(seconds: float) -> None:
        time.sleep(seconds)
