"""`pilar serve`: the production WSGI server (waitress) with static files (WhiteNoise)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from pilar.embedded_db import ATTACH_ONLY_ENV


def _terminate(signum, frame):
    raise KeyboardInterrupt


def start_worker() -> subprocess.Popen:
    """The background-task worker (imports, dedup runs) as a child process.

    With the embedded PostgreSQL the child attaches to the server this process runs
    (it never starts or stops one itself)."""

    env = dict(os.environ)
    if not env.get("DATABASE_URL"):
        env[ATTACH_ONLY_ENV] = "1"
    return subprocess.Popen(
        [sys.executable, "-m", "pilar.cli", "db_worker", "--interval", "1", "--verbosity", "0"],
        env=env,
    )


def run_server(host: str, port: int, threads: int, stdout=None, worker: bool = True) -> None:
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
    child = start_worker() if worker else None
    try:
        # Built here, after collectstatic: WhiteNoise lists STATIC_ROOT's files when the
        # application is built, so one built at import on a fresh clone served none
        # (and warned "No directory at .../static/").
        from pilar.wsgi import application

        serve(application, host=host, port=port, threads=threads, ident="pilar")
    except KeyboardInterrupt:
        pass
    finally:
        if child is not None:
            child.terminate()
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()


class Command(BaseCommand):
    help = "Jalankan server web produksi (waitress, WSGI) dengan berkas statis."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="tanpa pekerja tugas latar (jalankan `pilar db_worker` terpisah)",
        )

    def handle(self, *args, host, port, threads, no_worker, **options):
        run_server(host, port, threads, stdout=self.stdout, worker=not no_worker)
        self.stdout.write("Server dihentikan.")
