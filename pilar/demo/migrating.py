"""`migrate` with a progress line (`pilar demo`): on a fresh database it applies a
couple of hundred migrations over a minute or two, which Django's quiet mode leaves
silent and its normal mode prints in English, one line each."""

from __future__ import annotations

import sys
import time

from django.core.management import call_command
from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


class _ProgressMigrate(MigrateCommand):
    """Django's migrate, reporting "n/total" in Indonesian instead of its own lines."""

    def __init__(self, total: int, stream, **kwargs):
        super().__init__(**kwargs)
        self.total = total
        self.done = 0
        self.stream = stream
        self.started = time.monotonic()

    def migration_progress_callback(self, action, migration=None, fake=False):
        if action != "apply_success":
            return
        self.done += 1
        elapsed = time.monotonic() - self.started
        line = f"  migrasi {self.done}/{self.total} ({migration.app_label}) · {elapsed:.0f} dtk"
        end = "\n" if self.done == self.total else ""
        # One line rewritten in place on a terminal; plain lines every 20 elsewhere.
        if self.stream.isatty():
            self.stream.write("\r" + line.ljust(70) + end)
        elif self.done % 20 == 0 or self.done == self.total:
            self.stream.write(line + "\n")
        self.stream.flush()


def pending_migrations() -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def migrate_with_progress(out, stream=None) -> int:
    """Apply the pending migrations, telling `out` how many and `stream` (stderr) how
    far. Returns how many were applied."""
    stream = stream or sys.stderr
    total = pending_migrations()
    if not total:
        out.write("Basis data sudah mutakhir (tanpa migrasi baru).")
        return 0
    out.write(f"Menyiapkan basis data: {total} migrasi (1–3 menit pada pemasangan pertama)...")
    out.flush()
    call_command(_ProgressMigrate(total, stream), interactive=False, verbosity=0)
    return total
