"""`pilar import FILE [--dry-run] [--json]`: the import page's check and import, from a
terminal (progress bar on stderr when it is a terminal; a JSON summary on stdout)."""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from pilar.core.errors import InvalidInput
from pilar.core.numbers import format_number
from pilar.imports import actions
from pilar.imports.models import BatchStatus, ImportBatch, ImportProblem

MAX_LISTED_PROBLEMS = 100_000


class Command(BaseCommand):
    help = (
        "Impor berkas CSV/XLSX (satu baris per individu) ke registri: periksa seluruh berkas, "
        "lalu impor baris yang valid. --dry-run hanya memeriksa."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="berkas .csv atau .xlsx")
        parser.add_argument("--user", required=True, help="nama pengguna (admin/dinsos) pengimpor")
        parser.add_argument("--dry-run", action="store_true", help="periksa saja, tulis apa pun")
        parser.add_argument(
            "--strict",
            action="store_true",
            help="jangan impor apa pun bila ada satu saja baris yang ditolak",
        )
        parser.add_argument("--json", action="store_true", help="ringkasan JSON di stdout")
        parser.add_argument(
            "--max-mb",
            type=int,
            default=None,
            help="batas ukuran berkas dalam MB (bawaan: PILAR_IMPORT_MAX_MB)",
        )

    def handle(self, *args, **options):
        path = options["file"]
        if not os.path.isfile(path):
            raise CommandError(f"Berkas tidak ditemukan: {path}")
        try:
            user = get_user_model().objects.get(username=options["user"], is_active=True)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"Pengguna '{options['user']}' tidak ditemukan.") from exc
        max_bytes = options["max_mb"] * 1024 * 1024 if options["max_mb"] else None
        started = time.monotonic()
        try:
            batch = actions.create_batch(
                acting_user=user,
                file_name=os.path.basename(path),
                source=path,
                dry_run=options["dry_run"],
                max_bytes=max_bytes,
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        except InvalidInput as exc:
            return self._finish_refused(
                options, path, " ".join(m for ms in exc.errors.values() for m in ms)
            )
        show_bar = sys.stderr.isatty() and not options["json"]
        bar = _Bar(enabled=show_bar, stream=sys.stderr)
        batch = actions.check_batch(batch, progress=bar.update, max_bytes=max_bytes)
        bar.close()
        if batch.status == BatchStatus.REFUSED:
            return self._finish_refused(options, path, batch.file_problem, batch)
        summary = dict(batch.summary)
        applied = False
        if not options["dry_run"]:
            if options["strict"] and summary.get("error_rows"):
                # --strict: one refused row, and nothing is imported.
                actions.cancel_batch(batch, acting_user=user)
            else:
                bar = _Bar(enabled=show_bar, stream=sys.stderr)
                try:
                    batch = actions.apply_batch(batch, acting_user=user, progress=bar.update)
                except InvalidInput:
                    pass  # no valid row: nothing to import (the summary says so)
                else:
                    summary = dict(batch.summary)
                    applied = True
                finally:
                    bar.close()
        result = self._result(batch, summary, applied, time.monotonic() - started)
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            self._print(result)
        if result["error_rows"] and options["strict"]:
            raise SystemExit(2)

    def _result(self, batch: ImportBatch, summary: dict, applied: bool, seconds: float) -> dict:
        def problems(is_error: bool) -> list[dict]:
            qs = (
                ImportProblem.objects.filter(batch=batch, is_error=is_error)
                .order_by("row_number", "id")
                .values_list("row_number", "column", "message")[:MAX_LISTED_PROBLEMS]
            )
            return [{"row": r, "column": c, "message": m} for r, c, m in qs]

        keys = (
            "households_created",
            "households_updated",
            "persons_created",
            "persons_updated",
            "persons_moved",
            "ppks_created",
        )
        return {
            "batch_id": batch.pk,
            "file": batch.file_name,
            "sha256": batch.file_sha256,
            "dry_run": batch.dry_run,
            "imported": applied,
            "rows": summary.get("rows", 0),
            "valid_rows": summary.get("valid_rows", 0),
            "error_rows": summary.get("error_rows", 0),
            "warning_rows": summary.get("warning_rows", 0),
            # Without `imported`, these are what the import would do (dry run, --strict).
            **{k: summary.get(k, 0) for k in keys},
            "seconds": round(seconds, 2),
            "errors": problems(True),
            "warnings": problems(False),
        }

    def _finish_refused(self, options, path, message, batch=None):
        result = {
            "batch_id": batch.pk if batch else None,
            "file": os.path.basename(path),
            "imported": False,
            "refused": message,
            "rows": 0,
            "errors": [{"row": None, "column": None, "message": message}],
        }
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            raise SystemExit(1)
        raise CommandError(f"Berkas ditolak: {message}")

    def _print(self, r: dict) -> None:
        w = self.stdout.write
        mode = (
            "Uji coba (tidak ada yang ditulis)"
            if r["dry_run"]
            else ("Diimpor" if r["imported"] else "Tidak diimpor")
        )
        w(f"{mode}: {r['file']} (batch #{r['batch_id']}, {format_number(r['seconds'], 1)} detik)")
        n = {key: format_number(value) for key, value in r.items() if isinstance(value, int)}
        w(f"  baris: {n['rows']} · valid {n['valid_rows']} · ditolak {n['error_rows']}")
        w(f"  keluarga: {n['households_created']} baru, {n['households_updated']} diperbarui")
        w(
            f"  individu: {n['persons_created']} baru, {n['persons_updated']} diperbarui "
            f"({n['persons_moved']} pindah KK)"
        )
        w(f"  data PPKS: {format_number(r['ppks_created'])} baru")
        for p in r["errors"][:50]:
            w(f"  baris {p['row']}: [{p['column']}] {p['message']}")
        if len(r["errors"]) > 50:
            w(f"  ... dan {format_number(len(r['errors']) - 50)} masalah lain (gunakan --json)")


class _Bar:
    """A tqdm bar driven by the batch's progress (rows while checking, steps while
    importing); silent when stderr is not a terminal."""

    def __init__(self, *, enabled: bool, stream) -> None:
        self.enabled = enabled
        self.stream = stream
        self._bar: Any = None

    def update(self, batch: ImportBatch) -> None:
        if not self.enabled:
            return
        # Only for a terminal: avoids loading tqdm (~40 ms) for every other run.
        from tqdm import tqdm

        if self._bar is None:
            self._bar = tqdm(total=batch.rows_total or None, file=self.stream, unit=" baris")
        if batch.rows_total and self._bar.total != batch.rows_total:
            self._bar.total = batch.rows_total
        self._bar.set_description(batch.stage or batch.get_status_display())
        self._bar.n = batch.rows_done
        self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
