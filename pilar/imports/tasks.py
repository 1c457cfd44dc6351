"""Background tasks of the import app (django-tasks; run by `pilar db_worker`)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_tasks import task

from pilar.imports.models import BatchStatus, ImportBatch
from pilar.imports.pipeline import apply_batch, check_batch


@task()
def check_import(batch_id: int) -> str:
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.status not in (BatchStatus.WAITING, BatchStatus.CHECKING):
        return batch.status
    try:
        return check_batch(batch).status
    except Exception:
        ImportBatch.objects.filter(pk=batch_id).update(status=BatchStatus.FAILED, stage="")
        raise


@task()
def apply_import(batch_id: int, user_id: int) -> str:
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.status != BatchStatus.IMPORTING:
        return batch.status
    # confirm_import moved the batch on; the pipeline expects a checked batch.
    batch.status = BatchStatus.CHECKED
    user = get_user_model().objects.get(pk=user_id)
    return apply_batch(batch, acting_user=user).status
