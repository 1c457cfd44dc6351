"""`pilar seed --households N [--seed S]`: add synthetic households (see demo/generator.py)."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from pilar.demo.seeding import seed_households, stderr_progress


class Command(BaseCommand):
    help = "Tambahkan keluarga sintetis (mirip Kota Tangerang) ke registri, dimuat dengan COPY."

    def add_arguments(self, parser):
        parser.add_argument(
            "--households", type=int, default=1000, help="jumlah keluarga (bawaan 1000)"
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=None,
            help="seed acak (bawaan: jumlah keluarga yang sudah ada + 1); seed yang sama "
            "pada basis data yang sama menghasilkan data yang sama",
        )
        parser.add_argument(
            "--chunk-size", type=int, default=10_000, help="keluarga per transaksi COPY"
        )

    def handle(self, *args, households, seed, chunk_size, verbosity, **options):
        if households < 0:
            raise CommandError("--households tidak boleh negatif.")
        progress = stderr_progress if verbosity > 0 else None
        report = seed_households(households, seed, chunk_size=chunk_size, progress=progress)
        if progress and sys.stderr.isatty() and households:
            sys.stderr.write("\n")
        if verbosity > 0:
            self.stdout.write(f"Data sintetis ditambahkan: {report.summary()}.")
            if report.history_triggers:
                self.stdout.write(f"Catatan: {report.history_triggers}.")
        return None
