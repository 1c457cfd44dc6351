"""How the task worker shows it is alive, and what `pilar serve` knows about the
worker it supervises; read by /healthz (pilar/core/health.py).

The worker writes ``PILAR_HOME/run/worker-<pid>.json`` every HEARTBEAT_SECONDS from a
thread (so a long import does not silence it) and removes it on a clean exit. A
worker on another machine leaves no file here; /healthz then judges it by the task
queue alone (how long the oldest ready task has waited).
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

HEARTBEAT_SECONDS = 10
# Files of workers gone for this long are removed by the next worker that starts.
FORGET_AFTER = 24 * 3600


def run_dir() -> Path:
    return Path(settings.PILAR_HOME) / "run"


def _path(pid: int) -> Path:
    return run_dir() / f"worker-{pid}.json"


def _beat(pid: int) -> None:
    path = _path(pid)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"pid": pid, "at": time.time()}))
    tmp.replace(path)


def start_worker_heartbeat() -> threading.Thread:
    """In the worker process: beat until the process exits."""
    directory = run_dir()
    directory.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for old in directory.glob("worker-*.json"):
        try:
            if now - old.stat().st_mtime > FORGET_AFTER:
                old.unlink()
        except OSError:
            pass
    pid = os.getpid()
    _beat(pid)

    def loop() -> None:
        while True:
            time.sleep(HEARTBEAT_SECONDS)
            try:
                _beat(pid)
            except OSError:
                pass  # a full disk shows in /healthz's disk check

    thread = threading.Thread(target=loop, name="pilar-worker-heartbeat", daemon=True)
    thread.start()
    return thread


def stop_worker_heartbeat() -> None:
    try:
        _path(os.getpid()).unlink()
    except OSError:
        pass


def latest_heartbeat_age() -> float | None:
    """Seconds since the freshest worker heartbeat on this machine, or None."""
    ages = []
    for path in run_dir().glob("worker-*.json"):
        try:
            ages.append(time.time() - path.stat().st_mtime)
        except OSError:
            continue
    return min(ages, default=None)


@dataclass
class Supervision:
    """What `pilar serve` knows of the worker it runs (None when it runs none)."""

    pid: int | None = None
    started_at: float = 0.0
    restarts: int = 0
    last_exit_code: int | None = None
    last_restart_at: float | None = None
    history: list[float] = field(default_factory=list)


SUPERVISION: Supervision | None = None
