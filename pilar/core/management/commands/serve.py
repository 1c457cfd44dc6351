"""`pilar serve`: the production WSGI server (waitress) with static files (WhiteNoise),
and beside it the task worker, supervised: restarted when it dies (backing off when it
keeps dying), its state visible at /healthz; the same supervisor seals the audit trail's
finished days every hour (`pilar audit seal`)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from pilar.core import heartbeat
from pilar.embedded_db import ATTACH_ONLY_ENV

logger = logging.getLogger(__name__)

# A worker that dies within this many seconds of starting counts as crashing: the next
# start waits twice as long as the last (up to MAX_BACKOFF), so a worker that cannot
# start (bad settings, database gone) does not spin.
STABLE_AFTER = 60.0
MAX_BACKOFF = 60.0
SEAL_EVERY = 3600.0
FIRST_SEAL_AFTER = 60.0


def _terminate(signum, frame):
    raise KeyboardInterrupt


def _child_env() -> dict[str, str]:
    # With the embedded PostgreSQL a child attaches to the server this process runs
    # (it never starts or stops one itself).
    env = dict(os.environ)
    if not env.get("DATABASE_URL"):
        env[ATTACH_ONLY_ENV] = "1"
    return env


def start_worker() -> subprocess.Popen:
    """The background-task worker (imports, dedup runs) as a child process."""
    return subprocess.Popen(
        [sys.executable, "-m", "pilar.cli", "db_worker", "--interval", "1", "--verbosity", "0"],
        env=_child_env(),
    )


def start_seal() -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pilar.cli", "audit", "seal"],
        env=_child_env(),
        stdout=subprocess.DEVNULL,
    )


class Supervisor(threading.Thread):
    """Keeps one worker child running and seals the trail hourly."""

    def __init__(
        self,
        start: Callable[[], subprocess.Popen] = start_worker,
        seal: Callable[[], subprocess.Popen] | None = start_seal,
        check_every: float = 1.0,
    ) -> None:
        super().__init__(name="pilar-worker-supervisor", daemon=True)
        self._start = start
        self._seal = seal
        self._check_every = check_every
        self._stopping = threading.Event()
        self.child: subprocess.Popen | None = None
        self._sealing: subprocess.Popen | None = None
        self.state = heartbeat.Supervision()

    def _launch(self) -> None:
        self.child = self._start()
        self.state.pid = self.child.pid
        self.state.started_at = time.time()

    def run(self) -> None:
        heartbeat.SUPERVISION = self.state
        self._launch()
        backoff = 1.0
        next_seal = time.monotonic() + FIRST_SEAL_AFTER
        while not self._stopping.wait(self._check_every):
            code = self.child.poll() if self.child is not None else None
            if code is not None:
                lived = time.time() - self.state.started_at
                backoff = 1.0 if lived >= STABLE_AFTER else min(backoff * 2, MAX_BACKOFF)
                self.state.last_exit_code = code
                logger.warning(
                    "Pekerja tugas berhenti (kode %s) setelah %.0f detik; dijalankan ulang "
                    "dalam %.0f detik.",
                    code,
                    lived,
                    backoff,
                )
                if self._stopping.wait(backoff):
                    break
                self._launch()
                self.state.restarts += 1
                self.state.last_restart_at = time.time()
            if self._seal is not None and time.monotonic() >= next_seal:
                if self._sealing is None or self._sealing.poll() is not None:
                    self._sealing = self._seal()
                next_seal = time.monotonic() + SEAL_EVERY

    def stop(self, timeout: float = 20) -> None:
        self._stopping.set()
        self.join(timeout=5)
        for child in (self.child, self._sealing):
            if child is None or child.poll() is not None:
                continue
            child.terminate()
            try:
                child.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                child.kill()


# Open connections waitress keeps (its default is 100). Each phone of the field force
# keeps its connection alive between requests; past the limit waitress stops
# accepting, and a new phone's first request (its package) waited until an idle
# connection timed out: minutes in the load test (benchmarks/RESULTS.md, runs 3-5).
# With poll() instead of select() the number of sockets is not capped at 1,024.
CONNECTION_LIMIT = 1000


def run_server(
    host: str,
    port: int,
    threads: int,
    stdout=None,
    worker: bool = True,
    connection_limit: int = CONNECTION_LIMIT,
) -> None:
    """Serve pilar.wsgi.application until Ctrl-C, with a task worker beside it unless
    ``worker`` is False. Static files are served by WhiteNoise from STATIC_ROOT,
    collected first when missing."""
    # Loaded on first use: a heavy library, kept out of start-up.
    from waitress import serve

    static_root = Path(settings.STATIC_ROOT)
    if not static_root.is_dir() or not any(static_root.iterdir()):
        call_command("collectstatic", interactive=False, verbosity=0)
    if stdout is not None:
        stdout.write(f"Pilar berjalan di http://{host}:{port}/ (hentikan dengan Ctrl-C)")
        stdout.flush()
    # systemd and `kill` send SIGTERM: leave through the normal exit path so atexit
    # handlers run (the embedded PostgreSQL is stopped by one of them).
    signal.signal(signal.SIGTERM, _terminate)
    supervisor = Supervisor() if worker else None
    if supervisor is not None:
        supervisor.start()
    try:
        # Built here, after collectstatic: WhiteNoise lists STATIC_ROOT's files when the
        # application is built, so one built at import on a fresh clone served none
        # (and warned "No directory at .../static/").
        from pilar.wsgi import application

        serve(
            application,
            host=host,
            port=port,
            threads=threads,
            ident="pilar",
            connection_limit=connection_limit,
            asyncore_use_poll=True,
        )
    except KeyboardInterrupt:
        pass
    finally:
        # A second SIGTERM (systemd, an impatient operator) must not cut the worker's
        # shutdown short; stop() is bounded (terminate, then kill after 20 s).
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if supervisor is not None:
            supervisor.stop()


class Command(BaseCommand):
    help = "Jalankan server web produksi (waitress, WSGI) dengan berkas statis."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--connection-limit",
            type=int,
            default=CONNECTION_LIMIT,
            help="koneksi terbuka paling banyak (ponsel petugas menjaga koneksinya)",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="tanpa pekerja tugas latar (jalankan `pilar db_worker` terpisah)",
        )

    def handle(self, *args, host, port, threads, connection_limit, no_worker, **options):
        run_server(
            host,
            port,
            threads,
            stdout=self.stdout,
            worker=not no_worker,
            connection_limit=max(1, connection_limit),
        )
        self.stdout.write("Server dihentikan.")
