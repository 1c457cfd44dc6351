"""`pilar db status|stop`: the embedded PostgreSQL used when DATABASE_URL is unset.

pilar/cli.py runs this in attach-only mode, so asking for the status never
starts a server.
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
    help = "Status atau hentikan PostgreSQL tertanam (status | stop)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["status", "stop"])

    def handle(self, *args, action, **options):
        if os.environ.get("DATABASE_URL"):
            db = settings.DATABASES["default"]
            self.stdout.write(
                f"Basis data eksternal (DATABASE_URL): {db.get('HOST') or 'socket'}"
                f":{db.get('PORT') or 5432}/{db.get('NAME')}; tidak dikelola oleh Pilar."
            )
            return
        pgdata = embedded_pgdata()
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
