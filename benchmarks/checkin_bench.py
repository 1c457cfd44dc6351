"""Training check-ins at the door (issue 17): the city's 836 TKSK and PSM check in to
one event against a running `pilar serve`, each from their own device token, as the
field app sends them (POST /api/v1/training/checkin, JSON, a client id each).

    PILAR_HOME=/tmp/psks-demo .venv/bin/pilar demo --no-serve     # 836 worker accounts
    .venv/bin/python benchmarks/checkin_bench.py --home /tmp/psks-demo

The script adds a one-day event today with every TKSK and PSM invited (through the
actions), a token per account, starts `pilar serve` on a free port, and sends the
check-ins from --clients concurrent clients (a crowd at the door; the target is all
836 within 10 minutes, p95 < 300 ms, no error). Then every check-in is sent again
with its client id (a phone resending after a lost answer): each must answer 200
with the first record and no second row. Client-side times (HTTP round trip on
localhost).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, append_results, database_facts, setup_django, table  # noqa: E402


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare() -> tuple[list[tuple[str, str]], str, int]:
    """(token, client id) per account, the day's code, the event id."""
    from django.db import transaction
    from django.utils import timezone

    from pilar.accounts.models import ApiToken, User
    from pilar.psks.checkin import day_code
    from pilar.psks.models import TrainingEvent
    from pilar.psks.training import create_event, invite

    dinsos = User.objects.get(username="dinsos")
    today = timezone.localdate()
    with transaction.atomic():
        event = create_event(
            acting_user=dinsos,
            data={
                "title": f"Benchmark check-in {uuid.uuid4().hex[:6]}",
                "topic": "lain",
                "place": "Benchmark",
                "organiser": "benchmarks/checkin_bench.py",
                "starts_on": today,
                "ends_on": today,
            },
        )
        invite(event, acting_user=dinsos, types=["2", "11"])
        users = list(User.objects.filter(psks_worker__trainings__event=event).order_by("pk"))
        keys = [ApiToken.issue(u, name="checkin-bench")[1] for u in users]
    assert TrainingEvent.objects.filter(pk=event.pk).exists()
    return [(k, str(uuid.uuid4())) for k in keys], day_code(event, today), event.pk


def post(port: int, token: str, body: dict) -> tuple[int, float]:
    data = json.dumps(body).encode()
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(
            "POST",
            "/api/v1/training/checkin",
            body=data,
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )
        response = conn.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = 0
    finally:
        conn.close()
    return status, (time.perf_counter() - started) * 1000


def wait_for_server(port: int, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/akun/masuk/")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("pilar serve did not start")


def run(
    port: int, items, code: str, clients: int, pace: float = 0
) -> tuple[list[int], list[float], float]:
    """Send every check-in; with `pace` seconds, arrivals are spread evenly over that
    time (people reaching the door), else as fast as `clients` allow (a burst)."""
    started = time.perf_counter()
    gap = pace / len(items) if pace else 0

    def one(indexed):
        i, item = indexed
        if gap:
            delay = started + i * gap - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
        return post(port, item[0], {"code": code, "client_id": item[1]})

    with ThreadPoolExecutor(max_workers=clients if not gap else 64) as pool:
        results = list(pool.map(one, enumerate(items)))
    return [r[0] for r in results], [r[1] for r in results], time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", required=True)
    parser.add_argument("--clients", type=int, default=16, help="burst: concurrent clients")
    parser.add_argument(
        "--pace",
        type=float,
        default=0,
        help="spread the check-ins evenly over this many seconds (0: a burst of --clients)",
    )
    parser.add_argument("--threads", type=int, default=8, help="pilar serve threads")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    setup_django(args.home)
    from pilar.psks.models import Attendance

    items, code, event_id = prepare()
    port = free_port()
    env = {**os.environ, "PILAR_HOME": str(Path(args.home).resolve())}
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/pilar"),
            "serve",
            "--port",
            str(port),
            "--threads",
            str(args.threads),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_server(port)
        statuses, times, elapsed = run(port, items, code, args.clients, args.pace)
        again, again_times, again_elapsed = run(port, items, code, args.clients, args.pace)
    finally:
        server.terminate()
        server.wait(timeout=30)
    recorded = Attendance.objects.filter(participant__event_id=event_id).count()
    errors = sum(1 for s in statuses if s != 201)
    replay_errors = sum(1 for s in again if s != 200)
    rows = [
        (
            "first check-in (201)",
            len(times),
            f"{elapsed:.1f}",
            f"{statistics.median(times):.0f}",
            f"{pct(times, 95):.0f}",
            f"{max(times):.0f}",
            errors,
            "ok" if errors == 0 and pct(times, 95) < 300 and elapsed < 600 else "FAIL",
        ),
        (
            "resend, same client id (200)",
            len(again_times),
            f"{again_elapsed:.1f}",
            f"{statistics.median(again_times):.0f}",
            f"{pct(again_times, 95):.0f}",
            f"{max(again_times):.0f}",
            replay_errors,
            "ok" if replay_errors == 0 and pct(again_times, 95) < 300 else "FAIL",
        ),
    ]
    header = ("run", "n", "total s", "p50 ms", "p95 ms", "max ms", "errors", "target")
    body = (
        f"{database_facts()}. {len(items)} accounts (TKSK and PSM) invited to one event; "
        f"`pilar serve` with {args.threads} threads, "
        + (
            f"arrivals spread evenly over {args.pace:.0f} s"
            if args.pace
            else f"a burst from {args.clients} concurrent clients"
        )
        + f" on localhost; attendance rows recorded: {recorded} (expected {len(items)}); "
        f"load average at the end {os.getloadavg()[0]:.1f}.\n\n" + table(rows, header)
    )
    print(body)
    if not args.no_record:
        append_results("Training check-in (benchmarks/checkin_bench.py)", body)
    if recorded != len(items):
        raise SystemExit(f"recorded {recorded} check-ins, expected {len(items)}")


if __name__ == "__main__":
    main()
