"""Writes of the import app: upload a file, confirm or cancel its import.

The heavy work is in ``pipeline``; these actions keep the batch's state machine
(waiting → checking → ready → importing → done, or refused / cancelled / failed) and
hand the work to a background task (``tasks``).
"""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from pilar.accounts.choices import IMPORT_ROLES
from pilar.core.errors import InvalidInput
from pilar.imports.models import BatchStatus, ImportBatch, StagedRow
from pilar.imports.pipeline import max_upload_bytes

MSG_IMPORT_ROLES = "Hanya admin atau Dinas Sosial yang boleh mengimpor."


def may_import(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.role in IMPORT_ROLES)


def _check_may_import(user) -> None:
    if not may_import(user):
        raise PermissionDenied(MSG_IMPORT_ROLES)


def upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def create_batch(
    *, acting_user, file_name: str, source, dry_run: bool = False, max_bytes: int | None = None
) -> ImportBatch:
    """Store an uploaded file (a path or a file object with ``chunks()``/``read()``) and
    create its batch; nothing is checked yet. Too-large files are refused before they are
    stored."""
    _check_may_import(acting_user)
    limit = max_bytes or max_upload_bytes()
    size = getattr(source, "size", None)
    if size is None and isinstance(source, str | os.PathLike):
        size = os.path.getsize(source)
    if size is not None and size > limit:
        raise InvalidInput(
            {
                "file": [
                    f"Berkas terlalu besar ({_megabytes(size)} MB); batas {_megabytes(limit)} "
                    "MB. Pecah menjadi beberapa berkas."
                ]
            }
        )
    name = os.path.basename(file_name or "berkas")[:200] or "berkas"
    target = upload_dir() / f"{uuid.uuid4().hex}-{name}"
    # Stored and hashed in one pass over the data.
    digest = hashlib.sha256()
    if isinstance(source, str | os.PathLike):
        reader = open(source, "rb")  # noqa: SIM115 - closed below
        chunks = iter(lambda: reader.read(1024 * 1024), b"")
    else:
        reader = None
        chunks = source.chunks() if hasattr(source, "chunks") else iter([source.read()])
    try:
        with open(target, "wb") as handle:
            for chunk in chunks:
                digest.update(chunk)
                handle.write(chunk)
    finally:
        if reader is not None:
            reader.close()
    return ImportBatch.objects.create(
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
        file_name=name,
        file_sha256=digest.hexdigest(),
        file_size=target.stat().st_size,
        stored_path=str(target),
        dry_run=dry_run,
        stage="Menunggu giliran pemeriksaan",
    )


def start_check(batch: ImportBatch) -> None:
    """Queue the check of a new batch (runs at once in tests and the CLI)."""
    from pilar.imports.tasks import check_import

    transaction.on_commit(lambda: check_import.enqueue(batch.pk))


def confirm_import(batch: ImportBatch, *, acting_user) -> ImportBatch:
    """The user chose to import the valid rows of a checked batch."""
    _check_may_import(acting_user)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.dry_run:
        raise InvalidInput({"batch": ["Pemeriksaan saja (uji coba) tidak dapat diimpor."]})
    if batch.status != BatchStatus.CHECKED:
        raise InvalidInput({"batch": [f"Batch ini {batch.get_status_display().lower()}."]})
    if not batch.summary.get("valid_rows"):
        raise InvalidInput({"batch": ["Tidak ada baris valid untuk diimpor."]})
    batch.status = BatchStatus.IMPORTING
    batch.stage = "Menunggu giliran impor"
    batch.rows_done = 0
    batch.save(update_fields=["status", "stage", "rows_done"])
    from pilar.imports.tasks import apply_import

    user_id = acting_user.pk
    transaction.on_commit(lambda: apply_import.enqueue(batch.pk, user_id))
    return batch


@transaction.atomic
def cancel_batch(batch: ImportBatch, *, acting_user) -> ImportBatch:
    """Import nothing: drop the staged rows (the problems stay for reference)."""
    _check_may_import(acting_user)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status not in (BatchStatus.CHECKED, BatchStatus.WAITING):
        raise InvalidInput({"batch": [f"Batch ini {batch.get_status_display().lower()}."]})
    StagedRow.objects.filter(batch=batch).delete()
    batch.status = BatchStatus.CANCELLED
    batch.stage = ""
    batch.finished_at = timezone.now()
    batch.save()
    return batch
