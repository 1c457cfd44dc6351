"""Background tasks of the import app (django-tasks; run by `pilar db_worker`): the
check and the apply of a batch, as the actions run them (the actions keep the batch's
state, and make a task delivered twice do nothing)."""

from __future__ import annotations

from django_tasks import task

from pilar.accounts.models import User
from pilar.imports import actions
from pilar.imports.models import ImportBatch


@task()
def check_import(batch_id: int) -> str:
    return actions.check_batch(ImportBatch.objects.get(pk=batch_id)).status


@task()
def apply_import(batch_id: int, user_id: int) -> str:
    batch = ImportBatch.objects.get(pk=batch_id)
    return actions.apply_batch(batch, acting_user=User.objects.get(pk=user_id)).status
