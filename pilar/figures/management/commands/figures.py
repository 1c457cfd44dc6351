"""`pilar figures rebuild|refresh|snapshot|status`: the summary tables behind the
dashboard and recaps (docs/development/figures.md).

- `rebuild`: recompute every kept figure from the registry (after a restore, a bulk
  load with triggers off, or nightly so ages and overdue counts move with the date);
- `refresh`: recount only the kelurahan marked stale by the write paths;
- `snapshot [--month YYYY-MM]`: freeze the current month's figures (cron daily at
  23:55: the last copy of a month is its end-of-month figures);
  `snapshot --backfill [--month YYYY-MM]`: recompute past months without a snapshot
  from the records' own dates (one month, or all from the first data);
- `status`: the reference date, the stale marks and the snapshots;
- `boundaries --file F.geojson`: load another region's map outlines (features keyed
  by Kemendagri code in `properties.code`).
"""

from __future__ import annotations

import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from pilar.core.errors import InvalidInput
from pilar.figures import boundaries, refresh, snapshots
from pilar.figures.cli import SUBCOMMANDS
from pilar.figures.models import Dirty, Snapshot


def _month(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.datetime.strptime(value, "%Y-%m").date()
    except ValueError as exc:
        raise CommandError("--month harus ditulis TTTT-BB, mis. 2026-11.") from exc


class Command(BaseCommand):
    help = "Angka ringkasan untuk dasbor dan rekap: rebuild, refresh, snapshot, status."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("rebuild", help="hitung ulang semua angka dari registri")
        sub.add_parser("refresh", help="hitung ulang kelurahan yang ditandai usang")
        snap = sub.add_parser("snapshot", help="bekukan angka bulan berjalan (atau susulan)")
        snap.add_argument("--month", help="bulan TTTT-BB (bawaan: bulan berjalan)")
        snap.add_argument(
            "--backfill",
            action="store_true",
            help="hitung susulan bulan lalu yang belum berpotret dari tanggal catatan",
        )
        sub.add_parser("status", help="tanggal acuan, tanda usang, potret bulanan")
        geo = sub.add_parser(
            "boundaries", help="muat batas wilayah (GeoJSON, properti code = kode Kemendagri)"
        )
        geo.add_argument("--file", required=True, help="berkas .geojson (FeatureCollection)")
        # Subcommands of higher apps (pilar.figures.cli), e.g. the recaps' `monthly`.
        for extra in SUBCOMMANDS.values():
            extra.configure(sub.add_parser(extra.name, help=extra.help))

    def handle(self, *args, action, **options):
        try:
            if action in SUBCOMMANDS:
                SUBCOMMANDS[action].run(self, **options)
            else:
                getattr(self, f"do_{action}")(**options)
        except InvalidInput as exc:
            raise CommandError(
                " ".join(m for msgs in exc.errors.values() for m in msgs) or exc.message
            ) from exc

    def do_rebuild(self, **options):
        started = time.monotonic()
        state = refresh.rebuild()
        self.stdout.write(
            f"Angka dihitung ulang per {state.as_of:%d-%m-%Y} dalam "
            f"{time.monotonic() - started:.1f} detik."
        )

    def do_refresh(self, **options):
        n = refresh.refresh_dirty(wait=True)
        if n < 0:
            self.stdout.write("Belum ada angka: semua dihitung ulang.")
        else:
            self.stdout.write(f"{n} pasangan kelurahan × topik dihitung ulang.")

    def do_snapshot(self, *, month=None, backfill=False, **options):
        chosen = _month(month)
        if backfill:
            made = [snapshots.backfill(chosen)] if chosen else snapshots.backfill_missing()
            if not made:
                self.stdout.write("Tidak ada bulan yang perlu dihitung susulan.")
            for snap in made:
                self.stdout.write(f"Potret susulan {snap.month:%Y-%m} dibuat.")
            return
        snap = snapshots.freeze(chosen)
        self.stdout.write(f"Potret {snap.month:%Y-%m} dibekukan (angka per {snap.as_of:%d-%m-%Y}).")

    def do_boundaries(self, *, file, **options):
        result = boundaries.load_file(file)
        self.stdout.write(f"{result.loaded} batas wilayah dimuat dari {file}.")
        for problem in result.refused[:20]:
            self.stdout.write(f"  dilewati: {problem}")
        if len(result.refused) > 20:
            self.stdout.write(f"  ... dan {len(result.refused) - 20} lainnya")

    def do_status(self, **options):
        state = refresh.state()
        if state is None:
            self.stdout.write("Belum ada angka (jalankan `pilar figures rebuild`).")
        else:
            self.stdout.write(
                f"Angka per {state.as_of:%d-%m-%Y}; dihitung ulang "
                f"{state.rebuilt_at:%d-%m-%Y %H:%M} "
                f"({state.rebuild_seconds:.1f} detik); tanda usang: {Dirty.objects.count()}."
            )
        for snap in Snapshot.objects.order_by("month"):
            self.stdout.write(f"  {snap.month:%Y-%m}  {snap.get_method_display()}")
