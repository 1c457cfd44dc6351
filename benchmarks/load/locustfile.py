"""A morning in the field, against `pilar serve` (benchmarks/load/run.py starts it):

- 823 PSM, each once: fetch the field app's package of their kelurahan (gzip, as the
  app does on a first sync), then three field reports (a housing survey of a household
  from the package, with one photo, multipart as the app's outbox sends them), each
  after some minutes of "visit" compressed to seconds, then a sync (their report
  list, as the app refreshes it);
- 13 TKSK, one per kecamatan, working their inbox all along: the inbox page, the
  inbox API, a report's detail, verify it;
- Dinas Sosial operators and leaders on the start page (with the PDP clock), the
  household list and the report list.

Accounts and tokens come from benchmarks/load/prepare.py (`LOAD_USERS`, a JSON
file). Request names (the "kind" in the results) group URLs with ids.

    .venv/bin/locust -f benchmarks/load/locustfile.py --host http://127.0.0.1:8765
"""

from __future__ import annotations

import datetime
import itertools
import json
import os
import random
import re
import uuid

import gevent
from locust import HttpUser, between, task
from payloads import HOUSE, PHOTO

USERS = json.loads(open(os.environ["LOAD_USERS"]).read())
# Compress a field visit (tens of minutes) into seconds: LOAD_VISIT_SECONDS "min,max".
VISIT = tuple(float(x) for x in os.environ.get("LOAD_VISIT_SECONDS", "20,60").split(","))
# With Locust in several processes (run.py --locust-processes N, LOAD_PROCESSES), each
# process takes every Nth account from its worker index, so no account is used twice.
_cycles: dict[str, itertools.cycle] = {}


def _next(kind: str, user) -> dict:
    if kind not in _cycles:
        n = int(os.environ.get("LOAD_PROCESSES", "1"))
        index = getattr(user.environment.runner, "worker_index", 0) if n > 1 else 0
        _cycles[kind] = itertools.cycle(USERS[kind][index::n] or USERS[kind])
    return next(_cycles[kind])


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# The household ids of a package, read with one regular expression over the bytes
# instead of parsing its ~8.7 MB of JSON: 846 users share one Locust event loop, and a
# full parse (~0.15 s of CPU) blocks every other user's request meanwhile, so the load
# generator, not the server, set the package times in runs 1-3. A household object
# starts with its id and No. KK (json_build_object's order in fieldapp/api.py).
_HOUSEHOLD_ID = re.compile(rb'\{"id" : (\d+), "no_kk" :')


def _household_ids(body: bytes) -> list[int]:
    found = [int(x) for x in _HOUSEHOLD_ID.findall(body)]
    if found:
        return found
    return [h["id"] for h in json.loads(body)["households"]]  # another JSON layout


class FieldWorker(HttpUser):
    """A PSM on their phone: package, three reports with a photo, sync. Once."""

    weight = 1  # every user that is not a fixed TKSK or office user
    wait_time = between(*VISIT)

    def on_start(self):
        me = _next("psm", self)
        self.headers = {"Authorization": f"Bearer {me['token']}"}
        self.household_ids: list[int] = []
        self.sent = 0
        self.done = False

    def finish(self):
        """The morning is over: from the next task on, stay idle. (`StopUser` would let
        Locust start a new user in its place, who would fetch another package and send
        three more reports: run 7 did that, about three mornings per PSM.)"""
        self.done = True

    @task
    def morning(self):
        if self.done:
            gevent.sleep(24 * 3600)
            return
        if not self.household_ids:
            with self.client.get(
                "/api/v1/field/package",
                headers={**self.headers, "Accept-Encoding": "gzip"},
                name="PSM: paket aplikasi lapangan",
                catch_response=True,
            ) as r:
                if r.status_code != 200:
                    r.failure(f"HTTP {r.status_code}")
                else:
                    self.household_ids = _household_ids(r.content) or [0]
            if not self.household_ids:
                self.finish()
            return  # the first visit starts after a wait
        if self.sent < 3:
            self.send_report()
            self.sent += 1
            return
        self.client.get(
            "/api/v1/reports?mine=true&limit=200",
            headers=self.headers,
            name="PSM: sinkron daftar laporan",
        )
        self.finish()

    def send_report(self):
        photo_id = str(uuid.uuid4())
        report = {
            "client_id": str(uuid.uuid4()),
            "kind": "survei_rumah",
            "household_id": random.choice(self.household_ids),
            "payload": HOUSE,
            "base": {},
            "visit_date": datetime.date.today().isoformat(),
            "latitude": "-6.1783",
            "longitude": "106.6319",
            "gps_accuracy_m": 12,
            "notes": "Atap bocor di dapur.",
            "photos": [{"client_id": photo_id, "kind": "depan"}],
            "submit": True,
        }
        with self.client.post(
            "/api/v1/reports",
            headers=self.headers,
            data={"report": json.dumps(report)},
            files={f"photo_{photo_id}": ("foto.jpg", PHOTO, "image/jpeg")},
            name="PSM: kirim laporan + foto",
            catch_response=True,
        ) as r:
            if r.status_code != 201:
                r.failure(f"HTTP {r.status_code}: {r.text[:200]}")


class Tksk(HttpUser):
    """A TKSK working the kecamatan's inbox: page, API, a report, verify it."""

    fixed_count = 13  # started first
    wait_time = between(20, 40)

    def on_start(self):
        me = _next("tksk", self)
        self.headers = {"Authorization": f"Bearer {me['token']}"}
        _login(self, me["username"])

    @task
    def inbox(self):
        self.client.get("/laporan/kotak-masuk/", name="TKSK: halaman kotak masuk")
        r = self.client.get(
            "/api/v1/reports/inbox?limit=25", headers=self.headers, name="TKSK: kotak masuk (API)"
        )
        items = r.json().get("items", []) if r.status_code == 200 else []
        waiting = [i for i in items if i.get("status") == "diajukan"]
        if not waiting:
            return
        report = random.choice(waiting)
        self.client.get(
            f"/api/v1/reports/{report['id']}", headers=self.headers, name="TKSK: rincian laporan"
        )
        with self.client.post(
            f"/api/v1/reports/{report['id']}/verify",
            headers=self.headers,
            json={"note": "Sesuai kunjungan.", "expected_status": "diajukan"},
            name="TKSK: verifikasi laporan",
            catch_response=True,
        ) as v:
            # Two TKSK never share a kecamatan, but the inbox may be a little stale.
            if v.status_code == 409:
                v.success()


class Office(HttpUser):
    """Dinas Sosial operators and leaders: the start page (with the clocks), lists."""

    fixed_count = 10
    wait_time = between(30, 60)

    def on_start(self):
        _login(self, _next("office", self)["username"])

    @task(3)
    def home(self):
        self.client.get("/", name="Kantor: beranda")

    @task(1)
    def households(self):
        self.client.get("/keluarga/", name="Kantor: daftar keluarga")

    @task(1)
    def reports(self):
        self.client.get("/laporan/", name="Kantor: daftar laporan")


def _login(user: HttpUser, username: str) -> None:
    page = user.client.get("/akun/masuk/", name="login: halaman")
    match = CSRF.search(page.text)
    user.client.post(
        "/akun/masuk/",
        data={
            "username": username,
            "password": USERS["password"],
            "csrfmiddlewaretoken": match.group(1) if match else "",
        },
        headers={"Referer": user.host + "/akun/masuk/"},
        name="login: kirim",
    )
