"""Run the load test (locustfile.py) against `pilar serve` on a seeded database and
append the figures to benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/seed_bench.py --home /tmp/pilar-load   # or pilar seed
    .venv/bin/python benchmarks/load/prepare.py --home /tmp/pilar-load
    .venv/bin/python benchmarks/load/run.py --home /tmp/pilar-load --spawn-rate 1 --minutes 15

Starts `pilar serve` (waitress, `--threads`) on --port with the embedded PostgreSQL
under --home, runs Locust headless (823 PSM + 13 TKSK + the office), samples the
machine's load average and the server's and PostgreSQL's CPU every 5 s (the machine
may be shared), then prints per request kind: count, requests/s, p50/p95/p99, max,
failures; and the targets (no error, report submit and inbox p95 < 300 ms, package
p95 < 3 s).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import ROOT, append_results, machine, table  # noqa: E402

TARGETS = {
    "PSM: kirim laporan + foto": 300,
    "TKSK: kotak masuk (API)": 300,
    "TKSK: halaman kotak masuk": 300,
    "PSM: paket aplikasi lapangan": 3000,
}


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def _postgres_pids(home: Path) -> list[int]:
    """PostgreSQL processes whose command line names this data directory, and their
    children (backends)."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "postgres" in cmd and str(home) in cmd:
            pids.append(int(proc.name))
    children = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid in pids:
            children.append(int(proc.name))
    return pids + children


class Sampler(threading.Thread):
    def __init__(self, server_pid: int, home: Path):
        super().__init__(daemon=True)
        self.server_pid, self.home = server_pid, home
        self.loads: list[float] = []
        self.stop = threading.Event()
        self.server_cpu = 0.0
        self.pg_cpu = 0.0

    def run(self):
        start = time.monotonic()
        s0 = _cpu_seconds([self.server_pid])
        # Backends open during the run (persistent connections); the CPU of each is
        # counted from when it was first seen (0 for those started during the run).
        pg0 = {pid: _cpu_seconds([pid]) for pid in _postgres_pids(self.home)}
        pg_last: dict[int, float] = {}
        while not self.stop.wait(5):
            self.loads.append(float(Path("/proc/loadavg").read_text().split()[0]))
            for pid in _postgres_pids(self.home):
                pg_last[pid] = _cpu_seconds([pid])
        elapsed = time.monotonic() - start
        self.server_cpu = (_cpu_seconds([self.server_pid]) - s0) / elapsed
        self.pg_cpu = sum(cpu - pg0.get(pid, 0.0) for pid, cpu in pg_last.items()) / elapsed


def wait_for(url: str, seconds: int = 180) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5)
            return
        except Exception:
            time.sleep(1)
    raise SystemExit(f"server did not answer at {url}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", required=True)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--threads", type=int, default=8, help="waitress threads")
    parser.add_argument("--spawn-rate", type=float, default=1.0, help="users started per second")
    parser.add_argument("--minutes", type=float, default=15)
    parser.add_argument("--visit", default="20,60", help="seconds between a PSM's reports")
    parser.add_argument("--label", default="")
    parser.add_argument("--users", type=int, default=0, help="fewer users (a trial run)")
    parser.add_argument(
        "--locust-processes", type=int, default=1, help="Locust worker processes (--processes)"
    )
    args = parser.parse_args()
    home = Path(args.home).resolve()
    users = json.loads((home / "load-users.json").read_text())
    total = len(users["psm"]) + len(users["tksk"]) + len(users["office"])
    if args.users:
        total = min(total, args.users)

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PILAR_PGDATA")}
    env["PILAR_HOME"] = str(home)
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/pilar"),
            "serve",
            "--port",
            str(args.port),
            "--threads",
            str(args.threads),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(home / "serve.log", "w"),
    )
    out_prefix = home / "locust"
    try:
        wait_for(f"http://127.0.0.1:{args.port}/akun/masuk/")
        sampler = Sampler(server.pid, home)
        sampler.start()
        started = time.time()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        processes = ["--processes", str(args.locust_processes)] if args.locust_processes > 1 else []
        subprocess.run(
            [
                str(ROOT / ".venv/bin/locust"),
                "-f",
                str(Path(__file__).with_name("locustfile.py")),
                "--headless",
                "--host",
                f"http://127.0.0.1:{args.port}",
                "--users",
                str(total),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                f"{int(args.minutes * 60)}s",
                "--csv",
                str(out_prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
                *processes,
            ],
            env={
                **env,
                "LOAD_USERS": str(home / "load-users.json"),
                "LOAD_VISIT_SECONDS": args.visit,
                "LOAD_PROCESSES": str(args.locust_processes),
            },
            check=False,
        )
        seconds = time.time() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # Locust's own CPU (it and its workers are this script's waited-for children;
        # the server is still running, so it is not in this figure).
        locust_cores = (
            (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        ) / max(seconds, 1)
        sampler.stop.set()
        sampler.join()
    finally:
        server.terminate()
        server.wait(timeout=60)

    rows = []
    failures_total = 0
    with open(f"{out_prefix}_stats.csv") as f:
        for row in csv.DictReader(f):
            name = row["Name"]
            if name == "Aggregated":
                continue
            count, fails = int(row["Request Count"]), int(row["Failure Count"])
            failures_total += fails
            p95 = float(row["95%"])
            target = TARGETS.get(name)
            verdict = ""
            if target is not None:
                verdict = f"< {target}: " + ("ok" if p95 < target else "OVER")
            rows.append(
                [
                    name,
                    f"{count:,}",
                    f"{count / seconds:.2f}",
                    row["50%"],
                    row["95%"],
                    row["99%"],
                    f"{float(row['Max Response Time']):.0f}",
                    f"{fails:,}",
                    verdict,
                ]
            )
    rows.sort(key=lambda r: r[0])
    header = [
        "request kind",
        "n",
        "req/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "max ms",
        "errors",
        "p95 target",
    ]
    loads = sampler.loads or [0.0]
    facts = (
        f"Database: the seeded registry under {home} (see the seeding run), `pilar serve` "
        f"(waitress, one process, {args.threads} threads) on 127.0.0.1:{args.port}; Locust 2.47 "
        f"on the same machine: {total} users ({len(users['psm'])} PSM, {len(users['tksk'])} TKSK, "
        f"{len(users['office'])} office), started at {args.spawn_rate}/s, PSM visits "
        f"{args.visit} s apart, {seconds / 60:.1f} min. Machine load average during the run: "
        f"mean {sum(loads) / len(loads):.1f}, max {max(loads):.1f} (2 CPUs, shared with other "
        f"work); CPU used by the server process {sampler.server_cpu:.2f} cores, by PostgreSQL "
        f"{sampler.pg_cpu:.2f} cores, by Locust ({args.locust_processes} process(es)) "
        f"{locust_cores:.2f} cores. Errors in total: {failures_total}."
    )
    text = table([tuple(r) for r in rows], tuple(header))
    print(f"Machine: {machine()}\n\n{facts}")
    print(text)
    title = "Load: a morning in the field (benchmarks/load)" + (
        f" {args.label}" if args.label else ""
    )
    append_results(title, facts + "\n\n" + text)
    failures_csv = Path(f"{out_prefix}_failures.csv")
    if failures_csv.exists():
        print(failures_csv.read_text()[:3000])


if __name__ == "__main__":
    main()
