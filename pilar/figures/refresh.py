"""Keeping the figures current: a rebuild from scratch, and the incremental refresh of
the kelurahan the database triggers marked stale.

The triggers (migration 0002) are statement-level with transition tables: whatever
writes the registry (an action, an import's COPY and INSERT … SELECT, a merge, a
candidate list) marks the kelurahan it touched, per topic, in `figures_dirty`, inside
its own transaction. `refresh_dirty` takes those marks and recounts only those
kelurahan and topics, with the same SQL as the rebuild (`compute.py`). It runs before
the figures are read (`read.py`), after commit of a write path that wants its figures
at once, and from `pilar figures refresh`.

Only one refresh runs at a time (a transaction-level advisory lock); a reader that
finds one running reads the figures as they are rather than waiting.
"""

from __future__ import annotations

import time
from collections import defaultdict

from django.db import connection, transaction
from django.utils import timezone

from pilar.core.dates import today
from pilar.figures import compute
from pilar.figures.choices import Topic
from pilar.figures.models import FigureState

# pg_advisory_xact_lock key of the figures' writers ("PILARFIG").
LOCK_KEY = 0x50494C4152464947 & 0x7FFFFFFFFFFFFFFF


def state() -> FigureState | None:
    return FigureState.objects.first()


def _recount(cursor, topics: dict[int, list[str] | None], on) -> None:
    if Topic.PPKS in topics:
        compute.ppks(cursor, on=on, villages=topics[Topic.PPKS])
    if Topic.AREA in topics:
        compute.area(cursor, on=on, villages=topics[Topic.AREA])
    if Topic.PROGRAMS in topics:
        compute.programs(cursor, villages=topics[Topic.PROGRAMS])
    if Topic.REPORTS in topics:
        compute.reports(cursor, villages=topics[Topic.REPORTS])


def rebuild(on=None) -> FigureState:
    """Recompute every kept figure from the registry, ages and overdue counts as of
    `on` (default today), in one transaction; readers see the old figures until it
    commits."""
    on = on or today()
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        # Marks made before this point are covered by the recount below; marks of
        # transactions still open stay for the next refresh.
        cursor.execute("DELETE FROM figures_dirty")
        _recount(cursor, dict.fromkeys(Topic.values), on)
        seconds = time.monotonic() - started
        now = timezone.now()
        FigureState.objects.all().delete()
        return FigureState.objects.create(
            as_of=on, rebuilt_at=now, refreshed_at=now, rebuild_seconds=seconds
        )


def refresh_dirty(*, wait: bool = False) -> int:
    """Recount the kelurahan marked stale; returns how many (kelurahan, topic) pairs
    were recounted. Without kept figures yet, rebuilds. With `wait=False` it returns
    0 at once when another refresh holds the lock."""
    with transaction.atomic(), connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        else:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
            if not cursor.fetchone()[0]:
                return 0
        current = state()
        if current is not None:
            cursor.execute("DELETE FROM figures_dirty RETURNING village_id, topic")
            marks = cursor.fetchall()
            if not marks:
                return 0
            topics: dict[int, set[str]] = defaultdict(set)
            for village_id, topic in marks:
                topics[topic].add(village_id)
            _recount(cursor, {t: sorted(v) for t, v in topics.items()}, current.as_of)
            FigureState.objects.filter(pk=current.pk).update(refreshed_at=timezone.now())
            return sum(len(v) for v in topics.values())
    rebuild()
    return -1


def refresh_after_commit() -> None:
    """For a write path that wants its figures current as soon as it commits (the
    import's apply, a candidate list): refresh once the transaction commits."""
    transaction.on_commit(lambda: refresh_dirty(wait=True))
