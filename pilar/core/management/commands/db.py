"""`pilar db start|status|stop`: the embedded PostgreSQL used when DATABASE_URL is unset.

pilar/cli.py runs this in attach-only mode, so asking for the status never starts
a server; `start` starts one explicitly and leaves it running (for a service manager,
or to run several `pilar` commands against one server) until `pilar db stop`.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pilar import embedded_db


def embedded_pgdata() -> Path:
    return Path(os.environ.get("PILAR_PGDATA") or settings.PILAR_HOME / "pgdata")


class Command(BaseCommand):
    help = "Jalankan, lihat status, atau hentikan PostgreSQL tertanam (start | status | stop)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["start", "status", "stop"])

    def handle(self, *args, action, **options):
        if os.environ.get("DATABASE_URL"):
            db = settings.DATABASES["default"]
            self.stdout.write(
                f"Basis data eksternal (DATABASE_URL): {db.get('HOST') or 'socket'}"
                f":{db.get('PORT') or 5432}/{db.get('NAME')}; tidak dikelola oleh Pilar."
            )
            return
        pgdata = embedded_pgdata()
        if action == "start":
            was_running = embedded_db.is_running(pgdata)
            try:
                embedded_db.start_kept(pgdata)
            except Exception as exc:  # initdb/pg_ctl failure: show it, exit non-zero
                raise CommandError(f"Gagal menjalankan PostgreSQL tertanam: {exc}") from exc
            info = embedded_db.status(pgdata)
            state = "sudah berjalan" if was_running else "dijalankan"
            self.stdout.write(
                f"PostgreSQL tertanam {state} (pid {info['pid']}, socket {info['socket_dir']}); "
                f"tetap berjalan sampai `pilar db stop`. Data: {pgdata}"
            )
            return
        info = embedded_db.status(pgdata)
        if action == "status":
            if info["running"]:
                self.stdout.write(
                    f"PostgreSQL tertanam berjalan (pid {info['pid']}, socket "
                    f"{info['socket_dir']}, sejak {info['started']:%Y-%m-%d %H:%M:%S})."
                )
            elif info["initialized"]:
                self.stdout.write("PostgreSQL tertanam tidak berjalan.")
            else:
                self.stdout.write("PostgreSQL tertanam belum dibuat (belum ada data).")
            self.stdout.write(f"Direktori data: {pgdata}")
            return
        if not info["running"]:
            self.stdout.write(f"PostgreSQL tertanam tidak berjalan ({pgdata}).")
            return
        try:
            embedded_db.stop(pgdata)
        except Exception as exc:  # pg_ctl failure: show it, exit non-zero
            raise CommandError(f"Gagal menghentikan PostgreSQL tertanam: {exc}") from exc
        self.stdout.write(f"PostgreSQL tertanam dihentikan; data tetap di {pgdata}.")
