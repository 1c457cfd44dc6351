"""`pilar audit seal|verify|guards`: the tamper-evident trail (pilar.audit.chain).

seal    seal every finished day not sealed yet (cron daily; `pilar serve` also runs it
        every hour) and print the chain head, to be kept outside the database;
verify  recompute every sealed day; exit status 1 and the first altered day if the
        chain no longer holds;
guards  reinstall the triggers that refuse UPDATE/DELETE on the trail (migrate does
        it too) and list tables that lack them.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from pilar.audit import chain, trail
from pilar.core.numbers import format_number


class Command(BaseCommand):
    help = "Jejak audit: seal (segel harian), verify (buktikan rantai), guards (pasang trigger)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("seal", help="Segel hari-hari yang sudah lewat dan belum disegel.")
        sub.add_parser("verify", help="Hitung ulang semua hari yang disegel dan periksa rantainya.")
        sub.add_parser("guards", help="Pasang ulang trigger penjaga jejak audit.")

    def handle(self, *args, **options):
        return getattr(self, f"_{options['subcommand']}")()

    def _seal(self) -> None:
        sealed = chain.seal()
        if sealed:
            self.stdout.write(
                f"{len(sealed)} hari disegel ({sealed[0].day:%d-%m-%Y} s.d. "
                f"{sealed[-1].day:%d-%m-%Y}). Kepala rantai: {sealed[-1].digest}"
            )
        else:
            self.stdout.write("Tidak ada hari baru untuk disegel.")

    def _verify(self) -> None:
        result = chain.verify()
        unguarded = trail.unguarded_tables()
        for table in unguarded:
            self.stdout.write(f"PERINGATAN: tabel {table} tidak dijaga trigger.")
        if result.days == 0:
            self.stdout.write("Belum ada hari yang disegel (jalankan `pilar audit seal`).")
        for day, amendment in result.amended:
            self.stdout.write(
                f"Catatan: {day:%d-%m-%Y} diubah lewat jalur retensi pada "
                f"{amendment['at'][:19]} ({amendment['reason']})."
            )
        if not result.ok:
            for problem in result.problems:
                self.stdout.write(f"{problem.day:%d-%m-%Y}: {problem.message}")
            first = result.first_bad_day
            raise CommandError(
                f"Rantai jejak audit TIDAK utuh: hari pertama yang berubah {first:%d-%m-%Y}."
            )
        if result.days:
            self.stdout.write(
                f"Rantai jejak audit utuh: {result.days} hari ({result.first_day:%d-%m-%Y} s.d. "
                f"{result.last_day:%d-%m-%Y}), {format_number(result.rows)} baris."
                + f" Kepala rantai: {result.head}"
            )
        if unguarded:
            raise CommandError(f"{len(unguarded)} tabel jejak tanpa trigger penjaga.")

    def _guards(self) -> None:
        count = trail.install_guards()
        self.stdout.write(f"Trigger penjaga terpasang pada {count} tabel.")
