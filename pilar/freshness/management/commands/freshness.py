"""`pilar freshness`: recompute every household's next visit, then notify the TKSK of
kecamatan whose overdue share passed the threshold. Run nightly (cron / systemd timer)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from pilar.freshness.overdue import check_alerts
from pilar.freshness.refresh import refresh_all


class Command(BaseCommand):
    help = "Hitung ulang jadwal kunjungan semua keluarga dan kirim peringatan ke TKSK."

    def add_arguments(self, parser):
        parser.add_argument("--no-alerts", action="store_true", help="tanpa peringatan TKSK")

    def handle(self, *args, no_alerts, **options):
        started = time.monotonic()
        n = refresh_all()
        self.stdout.write(
            f"{n:,} keluarga dihitung ulang dalam {time.monotonic() - started:.1f} detik.".replace(
                ",", "."
            )
        )
        if not no_alerts:
            notified = check_alerts()
            self.stdout.write(f"Peringatan dikirim ke TKSK {len(notified)} kecamatan.")
