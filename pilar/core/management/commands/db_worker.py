"""`pilar db_worker`: django-tasks-db's worker command, running `ResilientWorker`
(pilar/core/worker.py) so the worker survives a database outage. Same options.

Found before django-tasks-db's own command because pilar.core precedes it in
INSTALLED_APPS."""

from __future__ import annotations

from django_tasks_db.management.commands import db_worker as base

from pilar.core.heartbeat import start_worker_heartbeat, stop_worker_heartbeat
from pilar.core.worker import ResilientWorker


class Command(base.Command):
    help = "Jalankan pekerja tugas latar (tahan terhadap basis data yang terputus)."

    def handle(self, *args, **options):
        # The base command builds its worker from the module-level name `Worker`;
        # swap in the resilient one for this call rather than copy its option handling.
        original = base.Worker
        base.Worker = ResilientWorker  # type: ignore[misc]
        # /healthz and `pilar serve` see the worker alive through this file.
        start_worker_heartbeat()
        try:
            super().handle(*args, **options)
        finally:
            base.Worker = original  # type: ignore[misc]
            stop_worker_heartbeat()
