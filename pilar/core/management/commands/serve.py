"""`pilar serve`: the production WSGI server (waitress) with static files (WhiteNoise)."""

from __future__ import annotations

import signal
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


def _terminate(signum, frame):
    raise KeyboardInterrupt


def run_server(host: str, port: int, threads: int, stdout=None) -> None:
    """Serve pilar.wsgi.application until Ctrl-C. Static files are served by WhiteNoise
    from STATIC_ROOT, collected first when missing."""
    from waitress import serve

    from pilar.wsgi import application

    static_root = Path(settings.STATIC_ROOT)
    if not static_root.is_dir() or not any(static_root.iterdir()):
        call_command("collectstatic", interactive=False, verbosity=0)
    if stdout is not None:
        stdout.write(f"Pilar berjalan di http://{host}:{port}/ (hentikan dengan Ctrl-C)")
        stdout.flush()
    # systemd and `kill` send SIGTERM: leave through the normal exit path so atexit
    # handlers run (the embedded PostgreSQL is stopped by one of them).
    signal.signal(signal.SIGTERM, _terminate)
    try:
        serve(application, host=host, port=port, threads=threads, ident="pilar")
    except KeyboardInterrupt:
        pass


class Command(BaseCommand):
    help = "Jalankan server web produksi (waitress, WSGI) dengan berkas statis."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, host, port, threads, **options):
        run_server(host, port, threads, stdout=self.stdout)
        self.stdout.write("Server dihentikan.")
