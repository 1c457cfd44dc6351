"""Run two actions at the same moment, to prove a lock or a check holds under a race."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection

from pilar.core.errors import InvalidInput


def race(fn_a: Callable[[], Any], fn_b: Callable[[], Any]) -> list[tuple[str, Any] | None]:
    """Run both at once (a barrier releases them together); each outcome is
    ("ok", result) or ("refused", InvalidInput). Needs committed data (the tests use
    the `committed_db` fixture): each thread has its own database connection."""
    barrier = threading.Barrier(2)
    outcomes: list[tuple[str, Any] | None] = [None, None]

    def run(index: int, fn: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            outcomes[index] = ("ok", fn())
        except InvalidInput as exc:
            outcomes[index] = ("refused", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate((fn_a, fn_b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcomes
