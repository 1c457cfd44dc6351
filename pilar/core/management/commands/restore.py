"""`pilar restore FILE`: restore a `pilar backup` file into an empty database (and
an empty media folder); a non-empty one is refused unless --force."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilar.core.backup import BackupError, describe, restore


class Command(BaseCommand):
    help = "Pulihkan cadangan `pilar backup` ke basis data kosong."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--key-file", type=Path, default=None)
        parser.add_argument(
            "--database-url",
            default=None,
            help="pulihkan ke basis data lain (mis. untuk latihan pemulihan)",
        )
        parser.add_argument("--media-root", type=Path, default=None)
        parser.add_argument(
            "--force",
            action="store_true",
            help="HAPUS isi basis data dan folder media tujuan sebelum memulihkan",
        )
        parser.add_argument("--jobs", type=int, default=2, help="proses pg_restore paralel")

    def handle(self, *args, file, key_file, database_url, media_root, force, jobs, **options):
        verbosity = options["verbosity"]
        say = (lambda message: self.stderr.write(message)) if verbosity > 0 else None
        try:
            manifest = restore(
                file,
                key_file=key_file,
                database_url=database_url,
                media_root=media_root,
                force=force,
                jobs=jobs,
                progress=say,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write("Pemulihan selesai dan cocok dengan manifest.")
        self.stdout.write(describe(manifest))
        self.stdout.write("Periksa jejak audit dengan `pilar audit verify`.")
