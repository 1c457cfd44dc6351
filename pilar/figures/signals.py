"""Recount the figures the background tasks made stale, in the worker, after each task."""

from __future__ import annotations

import logging

from django.db import DatabaseError
from django_tasks.backends.immediate import ImmediateBackend

from pilar.figures import refresh

log = logging.getLogger(__name__)


def refresh_after_task(sender=None, **kwargs) -> None:
    """One query when nothing is stale; never lets a figures problem fail the worker
    (the next dashboard view or `pilar figures refresh` recounts instead). Tasks run in
    the request itself (the immediate backend: tests, a set-up without a worker) are
    left to the next read, which refreshes anyway."""
    if isinstance(sender, type) and issubclass(sender, ImmediateBackend):
        return
    try:
        refresh.refresh_dirty(wait=True)
    except DatabaseError:
        log.exception("figures: refresh after a task failed")
