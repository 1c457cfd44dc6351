"""Writes of the import app: upload a file, check it, confirm, apply or cancel its import.

These actions own the batch's state machine; nothing else changes a batch's status:

- ``create_batch``: a new batch, waiting;
- ``check_batch``: waiting -> checking -> checked (the preview ready) or refused (the file);
- ``confirm_import``: checked -> importing, the apply queued;
- ``apply_batch``: importing -> done (a checked batch is confirmed first: the CLI);
- ``cancel_batch``: waiting or checked -> cancelled;
- checking or importing -> failed, when the work breaks (a bug, the database).

Each transition takes the batch's row lock and checks the state it starts from. The
work itself is done by ``pipeline`` (``check.check_file``, ``apply.apply_rows``), which
hands back what it found. Pages queue it as background tasks (``tasks``); the CLI and
tests call ``check_batch`` and ``apply_batch`` in their own process.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from pilar.accounts.choices import IMPORT_ROLES
from pilar.accounts.models import User
from pilar.core.errors import InvalidInput
from pilar.imports.models import BatchStatus, ImportBatch, StagedRow
from pilar.imports.pipeline import apply, check
from pilar.imports.pipeline.progress import Progress, ProgressWriter
from pilar.imports.readers import DEFAULT_MAX_BYTES, FileProblem

MSG_IMPORT_ROLES = "Hanya admin atau Dinas Sosial yang boleh mengimpor."


def may_import(user: User | AnonymousUser) -> bool:
    """Admins and Dinas Sosial import."""
    return isinstance(user, User) and user.is_authenticated and user.role in IMPORT_ROLES


def _check_may_import(user: User) -> None:
    if not may_import(user):
        raise PermissionDenied(MSG_IMPORT_ROLES)


def max_upload_bytes() -> int:
    return int(getattr(settings, "PILAR_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def create_batch(
    *,
    acting_user: User,
    file_name: str | None,
    source: Any,
    dry_run: bool = False,
    max_bytes: int | None = None,
) -> ImportBatch:
    """Store an uploaded file (a path or a file object with ``chunks()``/``read()``) and
    create its batch, waiting to be checked. Too-large files are refused before they
    are stored."""
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
    chunks: Iterable[bytes]
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
    """Queue the check of a new batch (runs at once in tests)."""
    # tasks calls the actions of this module: imported here, where it is used, for the cycle.
    from pilar.imports.tasks import check_import

    transaction.on_commit(lambda: check_import.enqueue(batch.pk))


def check_batch(
    batch: ImportBatch, *, progress: Progress | None = None, max_bytes: int | None = None
) -> ImportBatch:
    """Check a waiting batch's file in this process: checking, then checked (with its
    preview in ``summary``) or refused (with the reason in ``file_problem``); failed
    when the check breaks. A batch past its check is returned as it is (a task
    delivered twice does nothing)."""
    with transaction.atomic():
        locked = _locked(batch)
        if locked.status not in (BatchStatus.WAITING, BatchStatus.CHECKING):
            return locked
        locked.status = BatchStatus.CHECKING
        locked.file_problem = ""
        locked.rows_done = 0
        locked.save()
    batch = locked
    writer = ProgressWriter(batch, progress)
    try:
        summary = check.check_file(batch, writer, max_bytes or max_upload_bytes())
    except FileProblem as exc:
        batch.status = BatchStatus.REFUSED
        batch.file_problem = exc.message
        batch.stage = ""
        batch.finished_at = timezone.now()
        batch.save()
        return batch
    except Exception:
        _fail(batch)
        raise
    finally:
        writer.close()
    batch.summary = summary
    if batch.dry_run:
        # A dry run can never be applied: its staged rows are not kept.
        StagedRow.objects.filter(batch=batch).delete()
    batch.status = BatchStatus.CHECKED
    batch.checked_at = timezone.now()
    batch.stage = ""
    batch.save()
    return batch


@transaction.atomic
def confirm_import(batch: ImportBatch, *, acting_user: User) -> ImportBatch:
    """The user chose to import the valid rows of a checked batch: importing, with the
    apply queued as a background task once this commits."""
    _check_may_import(acting_user)
    batch = _locked(batch)
    _confirm(batch)
    batch.stage = "Menunggu giliran impor"
    batch.rows_done = 0
    batch.save(update_fields=["status", "stage", "rows_done"])
    # tasks calls the actions of this module: imported here, where it is used, for the cycle.
    from pilar.imports.tasks import apply_import

    user_id = acting_user.pk
    transaction.on_commit(lambda: apply_import.enqueue(batch.pk, user_id))
    return batch


def apply_batch(
    batch: ImportBatch, *, acting_user: User, progress: Progress | None = None
) -> ImportBatch:
    """Import a batch's valid rows in this process, in one transaction: done, or failed
    when the apply breaks (nothing written). The task runs it for a batch confirmed on
    the page (whose confirmation checked the user); the CLI and tests run it on a
    checked batch, which it confirms first with ``confirm_import``'s guards. A batch in
    any other state is returned as it is (a task delivered twice does nothing)."""
    with transaction.atomic():
        locked = _locked(batch)
        if locked.status == BatchStatus.CHECKED:
            _check_may_import(acting_user)
            _confirm(locked)
        elif locked.status != BatchStatus.IMPORTING:
            return locked
        locked.rows_done = 0
        locked.rows_total = apply.STEPS
        locked.save(update_fields=["status", "rows_done", "rows_total"])
    # Committed before the apply's transaction: other sessions see the batch importing,
    # and its progress (written from another connection) is not blocked by its lock.
    batch = locked
    writer = ProgressWriter(batch, progress)
    try:
        with transaction.atomic():
            counts = apply.apply_rows(batch, acting_user, writer)
            batch.summary = {**batch.summary, **counts.__dict__, "applied": True}
            batch.status = BatchStatus.DONE
            batch.imported_by = acting_user
            batch.imported_at = batch.finished_at = timezone.now()
            batch.stage = ""
            batch.rows_done = batch.rows_total
            batch.save()
            StagedRow.objects.filter(batch=batch).delete()
    except Exception:
        _fail(batch)
        raise
    finally:
        writer.close()
    return batch


@transaction.atomic
def cancel_batch(batch: ImportBatch, *, acting_user: User) -> ImportBatch:
    """Import nothing: drop the staged rows (the problems stay for reference)."""
    _check_may_import(acting_user)
    batch = _locked(batch)
    if batch.status not in (BatchStatus.CHECKED, BatchStatus.WAITING):
        raise InvalidInput({"batch": [_status_message(batch)]})
    StagedRow.objects.filter(batch=batch).delete()
    batch.status = BatchStatus.CANCELLED
    batch.stage = ""
    batch.finished_at = timezone.now()
    batch.save()
    return batch


def _locked(batch: ImportBatch) -> ImportBatch:
    """The batch as stored, its row locked until the transaction ends."""
    return ImportBatch.objects.select_for_update().get(pk=batch.pk)


def _confirm(batch: ImportBatch) -> None:
    """checked -> importing, for a batch with valid rows that is not a dry run."""
    if batch.dry_run:
        raise InvalidInput({"batch": ["Pemeriksaan saja (uji coba) tidak dapat diimpor."]})
    if batch.status != BatchStatus.CHECKED:
        raise InvalidInput({"batch": [_status_message(batch)]})
    if not batch.summary.get("valid_rows"):
        raise InvalidInput({"batch": ["Tidak ada baris valid untuk diimpor."]})
    batch.status = BatchStatus.IMPORTING


def _fail(batch: ImportBatch) -> None:
    """checking or importing -> failed: the work broke (a bug, the database); an
    apply's writes are rolled back with its transaction."""
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.FAILED, stage="")
    batch.status = BatchStatus.FAILED
    batch.stage = ""


def _status_message(batch: ImportBatch) -> str:
    return f"Batch ini {batch.get_status_display().lower()}."
