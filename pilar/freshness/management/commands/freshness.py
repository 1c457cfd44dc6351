"""`pilar freshness`: recompute every household's next visit, freeze the month's pending
visits per kelurahan (the current month's, and the month just ended's when this run is
closer to its end than its last write: pilar.freshness.monthly), then notify the TKSK
of kecamatan whose overdue share passed the threshold. Run nightly (cron / systemd
timer)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from pilar.freshness import monthly
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
        ended = monthly.roll_over()
        if ended is not None:
            self.stdout.write(f"Kunjungan tertunda {ended.month:%m/%Y} dibekukan.")
        current = monthly.freeze()
        self.stdout.write(f"Kunjungan tertunda {current.month:%m/%Y} dicatat.")
        if not no_alerts:
            notified = check_alerts()
            self.stdout.write(f"Peringatan dikirim ke TKSK {len(notified)} kecamatan.")
