"""What one request of each kind of the load test costs in CPU: the web process's and
PostgreSQL's CPU seconds per request, measured one request at a time against
`pilar serve` (so the figures hold whatever else runs on the machine), plus the wall
time of each. Divides 2 cores by the cost to say how many of each a 2-core machine
can serve per second at most: where the load test's limit is.

    .venv/bin/python benchmarks/load/cost.py --home /tmp/pilar-load [--n 10]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, append_results, table  # noqa: E402
from payloads import HOUSE, PHOTO  # noqa: E402
from run import _cpu_seconds, _postgres_pids, wait_for  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", required=True)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--n", type=int, default=10)
    args = parser.parse_args()
    home = Path(args.home).resolve()
    users = json.loads((home / "load-users.json").read_text())

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PILAR_PGDATA")}
    env["PILAR_HOME"] = str(home)
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/pilar"), "serve", "--port", str(args.port), "--threads", "4"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{args.port}"
    results: dict[str, list[tuple[float, float, float]]] = {}
    try:
        wait_for(base + "/akun/masuk/")
        pg = _postgres_pids(home)

        def measure(kind: str, call) -> requests.Response:
            pg_now = _postgres_pids(home) or pg
            s0, p0, t0 = _cpu_seconds([server.pid]), _cpu_seconds(pg_now), time.perf_counter()
            response = call()
            wall = time.perf_counter() - t0
            s1, p1 = _cpu_seconds([server.pid]), _cpu_seconds(pg_now)
            assert response.status_code in (200, 201), (kind, response.status_code)
            results.setdefault(kind, []).append((wall, s1 - s0, p1 - p0))
            return response

        for i in range(args.n):
            psm = users["psm"][i * 37 % len(users["psm"])]
            h = {"Authorization": f"Bearer {psm['token']}"}
            package = measure(
                "PSM: paket aplikasi lapangan",
                lambda h=h: requests.get(
                    base + "/api/v1/field/package", headers={**h, "Accept-Encoding": "gzip"}
                ),
            )
            household = package.json()["households"][0]["id"]
            # Another PSM of the same kelurahan: the households come from the cache
            # (pilar.fieldapp.package) unless the data changed in between.
            peer = next(
                (p for p in users["psm"] if p["village"] == psm["village"] and p is not psm), None
            )
            if peer is not None:
                ph = {"Authorization": f"Bearer {peer['token']}"}
                measure(
                    "PSM: paket aplikasi lapangan (dari cache)",
                    lambda ph=ph: requests.get(
                        base + "/api/v1/field/package", headers={**ph, "Accept-Encoding": "gzip"}
                    ),
                )
            photo_id = str(uuid.uuid4())
            report = {
                "client_id": str(uuid.uuid4()),
                "kind": "survei_rumah",
                "household_id": household,
                "payload": HOUSE,
                "base": {},
                "visit_date": time.strftime("%Y-%m-%d"),
                "photos": [{"client_id": photo_id, "kind": "depan"}],
                "submit": True,
            }
            measure(
                "PSM: kirim laporan + foto",
                lambda h=h, report=report, photo_id=photo_id: requests.post(
                    base + "/api/v1/reports",
                    headers=h,
                    data={"report": json.dumps(report)},
                    files={f"photo_{photo_id}": ("foto.jpg", PHOTO, "image/jpeg")},
                ),
            )
            measure(
                "PSM: sinkron daftar laporan",
                lambda h=h: requests.get(base + "/api/v1/reports?mine=true&limit=200", headers=h),
            )
            tksk = users["tksk"][i % len(users["tksk"])]
            th = {"Authorization": f"Bearer {tksk['token']}"}
            measure(
                "TKSK: kotak masuk (API)",
                lambda th=th: requests.get(base + "/api/v1/reports/inbox?limit=25", headers=th),
            )
        # An office user's start page (city-wide counts over the whole registry).
        office = requests.Session()
        page = office.get(base + "/akun/masuk/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        office.post(
            base + "/akun/masuk/",
            data={
                "username": users["office"][0]["username"],
                "password": users["password"],
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": base + "/akun/masuk/"},
        )
        for _ in range(max(args.n // 2, 2)):
            measure("Kantor: beranda", lambda: office.get(base + "/"))
    finally:
        server.terminate()
        server.wait(timeout=60)

    rows = []
    for kind, samples in sorted(results.items()):
        walls = [s[0] * 1000 for s in samples]
        web = statistics.mean(s[1] for s in samples)
        db = statistics.mean(s[2] for s in samples)
        per_second = 2 / (web + db) if web + db > 0 else float("inf")
        rows.append(
            (
                kind,
                len(samples),
                f"{statistics.median(walls):.0f}",
                f"{web * 1000:.0f}",
                f"{db * 1000:.0f}",
                f"{per_second:.1f}",
            )
        )
    header = (
        "request kind",
        "n",
        "wall p50 ms (one at a time)",
        "web CPU ms",
        "PostgreSQL CPU ms",
        "max/s on 2 cores",
    )
    text = table(rows, header)
    load = Path("/proc/loadavg").read_text().split()[0]
    facts = (
        f"CPU cost per request, one request at a time against `pilar serve` on the seeded "
        f"registry under {home} (load average at the end: {load}; CPU seconds are the "
        "processes' own, so other work on the machine changes wall times, not these)."
    )
    print(facts)
    print(text)
    title = "Load: CPU cost per request kind (benchmarks/load/cost.py)"
    append_results(title, facts + "\n\n" + text)


if __name__ == "__main__":
    main()
