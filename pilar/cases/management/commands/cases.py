"""`pilar cases notify-overdue [--json]`: tell each assigned worker, in the app's
notification bell, about their cases whose follow-up visit is overdue (once per
overdue period; see pilar/cases/notify.py). Meant for a daily cron job
(docs/operations.md); running it again the same day notifies nobody twice."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from pilar.cases.notify import notify_overdue


class Command(BaseCommand):
    help = (
        "Penanganan kasus: notify-overdue (beri tahu petugas tentang kunjungan tindak "
        "lanjut yang terlambat; sekali per jatuh tempo, aman dijalankan berulang)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        overdue = sub.add_parser(
            "notify-overdue",
            help="Kirim notifikasi kunjungan tindak lanjut terlambat ke petugas yang ditugaskan.",
        )
        overdue.add_argument("--json", action="store_true", help="Cetak ringkasan JSON ke stdout.")

    def handle(self, *args, **options):

        ids = notify_overdue()
        if options["json"]:
            self.stdout.write(json.dumps({"notified": len(ids), "cases": ids}))
        elif options["verbosity"] > 0:
            self.stdout.write(f"{len(ids)} notifikasi kunjungan terlambat dikirim.")
