"""Background tasks of the dedup app (django-tasks; the database backend in
production, run by `pilar db_worker`; immediate in tests)."""

from __future__ import annotations

from django_tasks import task

from pilar.dedup.actions import run_dedup
from pilar.dedup.models import DedupRun


@task()
def run_dedup_task(run_id: int) -> dict:
    """Score the registry for a run created by `actions.start_run` (the queue page's
    button); progress is written on the run row, which the page polls."""
    run = DedupRun.objects.select_related("started_by").get(pk=run_id)
    run = run_dedup(run.started_by, run.village_prefix or None, run=run)
    return {
        "run": run.pk,
        "persons_scored": run.persons_scored,
        "pairs_found": run.pairs_found,
        "pairs_new": run.pairs_new,
    }
