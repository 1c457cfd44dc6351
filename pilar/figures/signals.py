"""Recount the figures the background tasks made stale, in the worker, after each task."""

from __future__ import annotations

import logging

from django.db import DatabaseError

from pilar.figures import refresh

log = logging.getLogger(__name__)


def refresh_after_task(sender=None, **kwargs) -> None:
    """One query when nothing is stale; never lets a figures problem fail the worker
    (the next dashboard view or `pilar figures refresh` recounts instead)."""
    try:
        refresh.refresh_dirty(wait=True)
    except DatabaseError:
        log.exception("figures: refresh after a task failed")
