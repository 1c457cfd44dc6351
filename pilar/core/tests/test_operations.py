"""Operations: /healthz (database, worker, disk), the worker supervised by
`pilar serve` (restarted when it dies), and `pilar db start` keeping the embedded
server running after the command and its later clients exit."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from django_tasks_db.models import DBTaskResult

from pilar.core import heartbeat
from pilar.core.management.commands.serve import Supervisor


@pytest.fixture
def run_dir(tmp_path, settings):
    settings.PILAR_HOME = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "run"


@pytest.fixture
def no_supervision():
    before = heartbeat.SUPERVISION
    heartbeat.SUPERVISION = None
    yield
    heartbeat.SUPERVISION = before


def test_healthz_ok_with_a_live_worker(client, db, run_dir, no_supervision):
    heartbeat.start_worker_heartbeat()
    try:
        response = client.get("/healthz")
    finally:
        heartbeat.stop_worker_heartbeat()
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["worker"]["heartbeat_age_s"] < 5
    assert body["checks"]["disk"]["volumes"]["home"]["free_mb"] > 0
    assert "no-store" in response["Cache-Control"]


def test_healthz_fails_on_stale_worker_and_waiting_queue(
    client, db, run_dir, no_supervision, settings
):
    run_dir.mkdir(parents=True)
    stale = run_dir / "worker-99999.json"
    stale.write_text("{}")
    old = time.time() - 300
    os.utime(stale, (old, old))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "detak pekerja terakhir" in response.json()["checks"]["worker"]["message"]
    stale.unlink()

    settings.PILAR_HEALTH_QUEUE_SECONDS = 60
    from django.utils import timezone

    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="pilar.nothing",
        backend_name="default",
        run_after=timezone.now() - timezone.timedelta(minutes=10),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(
        enqueued_at=timezone.now() - timezone.timedelta(minutes=10)
    )
    body = client.get("/healthz").json()
    assert body["status"] == "fail"
    assert body["checks"]["worker"]["queue_ready"] == 1
    assert "tugas tertua menunggu" in body["checks"]["worker"]["message"]


def test_healthz_fails_when_disk_is_low(client, db, run_dir, no_supervision, settings):
    settings.PILAR_HEALTH_MIN_FREE_MB = 10**12
    body = client.get("/healthz").json()
    assert body["checks"]["disk"]["status"] == "fail"
    assert body["status"] == "fail"


def test_healthz_fails_when_database_is_down(client, db, run_dir, no_supervision):
    from unittest import mock

    from django.db import OperationalError

    from pilar.core import health

    with mock.patch.object(health.connection, "cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"]["status"] == "fail"


def test_supervisor_restarts_a_dying_worker(run_dir, no_supervision, monkeypatch):
    from pilar.core.management.commands import serve

    monkeypatch.setattr(serve, "STABLE_AFTER", 0.0)  # every death counts as "after a while"
    started = []

    def start():
        # Lives a moment, then dies like a crashing worker.
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.3)"])
        started.append(child.pid)
        return child

    supervisor = Supervisor(start=start, seal=None, check_every=0.05)
    supervisor.start()
    try:
        deadline = time.time() + 15
        while supervisor.state.restarts < 2 and time.time() < deadline:
            time.sleep(0.1)
    finally:
        supervisor.stop()
    assert supervisor.state.restarts >= 2
    assert len(set(started)) >= 3
    assert supervisor.state.last_exit_code == 0
    assert heartbeat.SUPERVISION is supervisor.state
    assert supervisor.child is not None and supervisor.child.poll() is not None  # stopped


def test_db_start_keeps_the_server_running(tmp_path):
    env = {
        **os.environ,
        "PILAR_HOME": str(tmp_path),
        "PILAR_PGDATA": str(tmp_path / "pgdata"),
        "DJANGO_SETTINGS_MODULE": "pilar.settings",
    }
    env.pop("DATABASE_URL", None)
    env.pop("PILAR_PGDATA_THROWAWAY", None)

    def pilar(*args):
        return subprocess.run(
            [sys.executable, "-m", "pilar.cli", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )

    try:
        started = pilar("db", "start")
        assert started.returncode == 0, started.stderr
        assert "tetap berjalan" in started.stdout
        # A client process attaches and exits: the server stays up.
        assert (
            pilar(
                "shell", "-c", "from django.db import connection; connection.ensure_connection()"
            ).returncode
            == 0
        )
        status = pilar("db", "status")
        assert "PostgreSQL tertanam berjalan" in status.stdout, status.stdout + status.stderr
    finally:
        stopped = pilar("db", "stop")
    assert "dihentikan" in stopped.stdout, stopped.stdout + stopped.stderr
    assert "tidak berjalan" in pilar("db", "status").stdout
