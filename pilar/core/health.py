"""`/healthz`: one JSON answer for a load balancer or a monitor: the database, the task
worker and the disk. 200 when all hold, 503 otherwise; no login, no personal data.

- database: a query answers within the connection's timeout;
- worker: its heartbeat on this machine is fresh (pilar/core/heartbeat.py) and the
  oldest task ready to run has not waited longer than PILAR_HEALTH_QUEUE_SECONDS; a
  worker on another machine is judged by the queue alone; under `pilar serve` the
  supervisor's restart count is shown too;
- disk: the file systems of PILAR_HOME (media, backups) and of the embedded database
  keep at least PILAR_HEALTH_MIN_FREE_MB free.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from pilar.core import heartbeat

HEARTBEAT_STALE = 60


def check_database() -> dict:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return {"status": "fail", "message": "Basis data tidak dapat dihubungi."}
    return {"status": "ok", "ms": round((time.monotonic() - started) * 1000, 1)}


def check_worker(database_ok: bool) -> dict:
    result: dict = {"status": "ok"}
    age = heartbeat.latest_heartbeat_age()
    result["heartbeat_age_s"] = None if age is None else round(age, 1)
    supervision = heartbeat.SUPERVISION
    if supervision is not None:
        result["supervised"] = True
        result["restarts"] = supervision.restarts
        result["last_exit_code"] = supervision.last_exit_code
    problems = []
    if age is not None and age > HEARTBEAT_STALE:
        problems.append(f"detak pekerja terakhir {int(age)} detik lalu")
    if supervision is not None and age is None:
        problems.append("pekerja belum berdetak")
    if database_ok:
        now = timezone.now()
        ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY, run_after__lte=now)
        oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        waited = (now - oldest).total_seconds() if oldest else 0.0
        result["queue_ready"] = ready.count()
        result["oldest_ready_s"] = round(waited, 1)
        if waited > settings.PILAR_HEALTH_QUEUE_SECONDS:
            problems.append(f"tugas tertua menunggu {int(waited)} detik")
    if problems:
        result["status"] = "fail"
        result["message"] = "; ".join(problems)
    return result


def _disk_paths() -> dict[str, Path]:
    paths = {"home": Path(settings.PILAR_HOME), "media": Path(settings.MEDIA_ROOT)}
    if not os.environ.get("DATABASE_URL"):
        paths["database"] = Path(
            os.environ.get("PILAR_PGDATA") or Path(settings.PILAR_HOME) / "pgdata"
        )
    return paths


def check_disk() -> dict:
    minimum = settings.PILAR_HEALTH_MIN_FREE_MB * 1024 * 1024
    result: dict = {"status": "ok", "volumes": {}}
    low = []
    for name, path in _disk_paths().items():
        probe = path
        while not probe.exists() and probe != probe.parent:
            probe = probe.parent
        usage = shutil.disk_usage(probe)
        result["volumes"][name] = {
            "free_mb": usage.free // (1024 * 1024),
            "free_pct": round(100 * usage.free / usage.total, 1) if usage.total else 0.0,
        }
        if usage.free < minimum:
            low.append(name)
    if low:
        result["status"] = "fail"
        result["message"] = f"ruang disk hampir habis: {', '.join(low)}"
    return result


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database = check_database()
    checks = {
        "database": database,
        "worker": check_worker(database["status"] == "ok"),
        "disk": check_disk(),
    }
    ok = all(c["status"] == "ok" for c in checks.values())
    return JsonResponse(
        {"status": "ok" if ok else "fail", "checks": checks}, status=200 if ok else 503
    )
