"""`pilar backup [--to DIR] [--key-file FILE] [--keep N]`: the database, the media
files and a manifest with checksums in one file (pilar/core/backup.py);
`pilar backup --new-key FILE` writes a fresh encryption key."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pilar.core import sealed_stream
from pilar.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Cadangkan basis data dan berkas media ke satu berkas (opsional terenkripsi)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--to", type=Path, default=None, help="folder tujuan (bawaan PILAR_HOME/backups)"
        )
        parser.add_argument(
            "--key-file", type=Path, default=None, help="enkripsi dengan kunci dari berkas ini"
        )
        parser.add_argument(
            "--keep", type=int, default=0, help="simpan hanya N cadangan terbaru di folder itu"
        )
        parser.add_argument(
            "--new-key", type=Path, default=None, help="buat berkas kunci baru lalu selesai"
        )

    def handle(self, *args, to, key_file, keep, new_key, verbosity, **options):
        if new_key is not None:
            try:
                sealed_stream.new_key_file(new_key)
            except FileExistsError:
                raise CommandError(f"{new_key} sudah ada; kunci lama tidak ditimpa.") from None
            self.stdout.write(
                f"Kunci baru ditulis ke {new_key}. Simpan salinannya di tempat lain: "
                "tanpa kunci ini cadangan terenkripsi tidak dapat dipulihkan."
            )
            return
        if keep < 0:
            raise CommandError("--keep tidak boleh negatif.")
        to = to or Path(settings.PILAR_HOME) / "backups"
        say = (lambda message: self.stderr.write(message)) if verbosity > 0 else None
        try:
            path = backup(to, key_file=key_file, keep=keep, progress=say)
        except (BackupError, sealed_stream.DecryptionFailed) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(str(path))
