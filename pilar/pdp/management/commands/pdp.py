"""`pilar pdp retention [--apply] [--date YYYY-MM-DD]`: the retention rule of the
personal data law (pilar/pdp/retention.py). A dry run unless --apply; always logged."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from pilar.pdp import retention


class Command(BaseCommand):
    help = "Pelindungan data pribadi: jalankan aturan retensi (uji coba kecuali --apply)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="task", required=True)
        ret = sub.add_parser("retention", help="minimalkan/arsipkan data individu meninggal/pindah")
        ret.add_argument(
            "--apply", action="store_true", help="benar-benar ubah data (bawaan: uji coba)"
        )
        ret.add_argument("--date", default="", help="tanggal acuan YYYY-MM-DD (bawaan: hari ini)")
        ret.add_argument("--minimise-years", type=int, default=None)
        ret.add_argument("--archive-years", type=int, default=None)

    def handle(self, *args, task, **options):
        ref = None
        if options["date"]:
            try:
                ref = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date harus berbentuk YYYY-MM-DD.") from None
        try:
            log = retention.run(
                apply=options["apply"],
                reference_date=ref,
                minimise_years=options["minimise_years"],
                archive_years=options["archive_years"],
                progress=lambda text: self.stderr.write(text),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        mode = "DIJALANKAN" if not log.dry_run else "UJI COBA (tanpa perubahan; pakai --apply)"
        self.stdout.write(
            f"Retensi #{log.pk} {mode}: acuan {log.reference_date:%d-%m-%Y}, minimalkan setelah "
            f"{log.minimise_years} tahun: {len(log.minimised)} individu; arsipkan setelah "
            f"{log.archive_years} tahun: {len(log.archived)} individu."
        )
        if not log.dry_run:
            self.stdout.write(f"Riwayat lama dihapus: {log.history_removed} baris.")
            if log.archive_file:
                self.stdout.write(
                    f"Berkas arsip: {log.archive_file} (SHA-256 {log.archive_sha256})"
                )
