"""`pilar dedup run [--json] [--kecamatan KODE]` and `pilar dedup export-pairs FILE.csv`.

`run` scores the registry with the linkage engine and stores the candidate pairs as
the review queue (progress on stderr; with --json one JSON summary on stdout).
`export-pairs` writes the open candidates for analysis, one pair a line, with the
columns person_a_id, person_b_id, person_a_source_id, person_b_source_id,
match_probability (plain comma-separated UTF-8, as data tools expect).
"""

from __future__ import annotations

import csv
import json
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from pilar.dedup.actions import run_dedup
from pilar.dedup.models import CandidatePair, PairStatus
from pilar.regions.deployment import districts, normalize_code

EXPORT_COLUMNS = [
    "person_a_id",
    "person_b_id",
    "person_a_source_id",
    "person_b_source_id",
    "match_probability",
]


class Command(BaseCommand):
    help = (
        "Cari individu ganda: run (nilai registri dan simpan calon duplikat), "
        "export-pairs FILE.csv (tulis calon duplikat yang belum diperiksa)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        run = sub.add_parser("run", help="Nilai registri dan simpan pasangan calon duplikat.")
        run.add_argument("--json", action="store_true", help="Cetak ringkasan JSON ke stdout.")
        run.add_argument(
            "--kecamatan",
            default="",
            help="Kode kecamatan (mis. 36.71.01): nilai hanya individu di kecamatan ini.",
        )
        export = sub.add_parser(
            "export-pairs", help="Tulis calon duplikat yang belum diperiksa ke berkas CSV."
        )
        export.add_argument("file", help="Berkas CSV tujuan ('-' untuk stdout).")

    def handle(self, *args, **options):
        if options["subcommand"] == "run":
            return self._run(options)
        return self._export(options)

    def _run(self, options) -> None:

        prefix = None
        if options["kecamatan"]:
            prefix = normalize_code(options["kecamatan"])
            if len(prefix) != 8 or not districts().filter(code=prefix).exists():
                raise CommandError(
                    f"Kecamatan '{options['kecamatan']}' tidak dikenal di wilayah ini."
                )
        verbosity = options["verbosity"]

        def progress(text: str) -> None:
            if verbosity > 0:
                sys.stderr.write(f"{text}\n")
                sys.stderr.flush()

        started = time.monotonic()
        try:
            run = run_dedup(None, prefix, progress=progress)
        except Exception as exc:
            raise CommandError(f"Pencarian duplikat gagal: {exc}") from exc
        seconds = round(time.monotonic() - started, 2)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "run": run.pk,
                        "kecamatan": prefix,
                        "persons_scored": run.persons_scored,
                        "pairs_found": run.pairs_found,
                        "pairs_new": run.pairs_new,
                        "pairs_removed": run.pairs_removed,
                        "seconds": seconds,
                    }
                )
            )
        elif verbosity > 0:
            self.stdout.write(
                f"Selesai dalam {seconds} detik: {run.persons_scored} individu dinilai, "
                f"{run.pairs_found} pasangan calon duplikat ({run.pairs_new} baru, "
                f"{run.pairs_removed} usulan lama dihapus)."
            )

    def _export(self, options) -> None:

        rows = (
            CandidatePair.objects.filter(
                status=PairStatus.OPEN, person_a__is_active=True, person_b__is_active=True
            )
            .order_by("-probability", "person_a_id", "person_b_id")
            .values_list(
                "person_a_id",
                "person_b_id",
                "person_a__source_id",
                "person_b__source_id",
                "probability",
            )
        )
        path = options["file"]
        out = sys.stdout if path == "-" else open(path, "w", newline="", encoding="utf-8")  # noqa: SIM115
        try:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(EXPORT_COLUMNS)
            n = 0
            for a, b, src_a, src_b, p in rows.iterator(chunk_size=5000):
                writer.writerow([a, b, src_a, src_b, f"{p:.6f}"])
                n += 1
        finally:
            if out is not sys.stdout:
                out.close()
        if path != "-" and options["verbosity"] > 0:
            self.stderr.write(f"{n} pasangan ditulis ke {path}.")
