"""The task worker survives a database outage: it logs one line, waits with backoff
while probing, and resumes its loop (pilar/core/worker.py)."""

from __future__ import annotations

import logging
from unittest import mock

import pytest
from django.core.management import get_commands
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django_tasks_db.management.commands.db_worker import Worker

from pilar.core.worker import ResilientWorker


def make_worker(**overrides) -> ResilientWorker:
    options = dict(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    options.update(overrides)
    return ResilientWorker(**options)


def test_pilar_db_worker_is_the_resilient_one():
    assert get_commands()["db_worker"] == "pilar.core"


def test_survives_an_outage_and_resumes(caplog):
    """The loop fails twice (server gone), the probe fails once more, then the
    database is back and the loop runs to its end."""
    worker = make_worker()
    loop_calls = []

    def loop(self):
        loop_calls.append(1)
        if len(loop_calls) <= 2:
            raise OperationalError("server closed the connection unexpectedly\nmore detail")

    probes = iter([False, True, True])
    sleeps: list[float] = []
    with (
        mock.patch.object(Worker, "run", loop),
        mock.patch.object(ResilientWorker, "_database_ready", side_effect=lambda: next(probes)),
        mock.patch.object(ResilientWorker, "_sleep", side_effect=sleeps.append),
        mock.patch.object(ResilientWorker, "_drop_connections") as drop,
        caplog.at_level(logging.WARNING, logger="pilar.core.worker"),
    ):
        worker.run()

    assert len(loop_calls) == 3  # resumed after each outage, ended normally
    # First outage: probe fails after 1 s, succeeds after 2 s; second: back after 1 s.
    assert sleeps == [1.0, 2.0, 1.0]
    assert drop.call_count == 3
    messages = [r.getMessage() for r in caplog.records]
    assert (
        messages.count(
            "Pekerja tugas: basis data tidak dapat dihubungi "
            "(server closed the connection unexpectedly); menunggu."
        )
        == 2
    )
    assert messages.count("Pekerja tugas: basis data tersambung kembali; melanjutkan.") == 2
    assert all(r.exc_info is None for r in caplog.records)  # one line, no traceback


def test_backoff_is_capped():
    worker = make_worker()
    worker.max_backoff = 8.0
    probes = iter([False] * 6 + [True])
    sleeps: list[float] = []
    with (
        mock.patch.object(ResilientWorker, "_database_ready", side_effect=lambda: next(probes)),
        mock.patch.object(ResilientWorker, "_sleep", side_effect=sleeps.append),
        mock.patch.object(ResilientWorker, "_drop_connections"),
    ):
        worker._wait_for_database()
    assert sleeps == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0, 8.0]


def test_stops_waiting_when_asked_to_shut_down():
    worker = make_worker()

    def sleep(seconds):
        worker.running = False  # SIGTERM arrived during the wait

    with (
        mock.patch.object(Worker, "run", side_effect=OperationalError("gone")),
        mock.patch.object(ResilientWorker, "_database_ready", return_value=False),
        mock.patch.object(ResilientWorker, "_sleep", side_effect=sleep),
        mock.patch.object(ResilientWorker, "_drop_connections"),
    ):
        worker.run()  # returns instead of looping forever
    assert worker.running is False


def test_other_errors_are_not_swallowed():
    worker = make_worker()
    with mock.patch.object(Worker, "run", side_effect=RuntimeError("bug")):
        with pytest.raises(RuntimeError):
            worker.run()


@pytest.mark.django_db(transaction=True)
def test_real_loop_resumes_after_queries_fail():
    """The library's own loop (batch mode: ends when the queue is empty), with the
    first queries failing as they do when PostgreSQL is stopped."""
    real_execute = CursorWrapper.execute
    failures = {"left": 2}

    def execute(self, sql, params=None):
        if failures["left"]:
            failures["left"] -= 1
            raise OperationalError("could not connect to server: Connection refused")
        return real_execute(self, sql, params)

    worker = make_worker()
    with (
        mock.patch.object(CursorWrapper, "execute", execute),
        mock.patch.object(ResilientWorker, "_sleep") as sleep,
    ):
        worker.run()
    assert failures["left"] == 0
    assert sleep.call_count >= 1
