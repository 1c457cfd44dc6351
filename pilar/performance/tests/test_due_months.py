"""Households due in a past month come from the counts frozen at its end
(pilar.freshness.monthly): a household visited after the month still counts as due
in it; a past month never frozen is an estimate, marked "perkiraan" on the page, in
the export and in the API; who sees whom is unchanged."""

from __future__ import annotations

import datetime

import pytest

from pilar.conftest import bearer
from pilar.freshness import monthly as due_months
from pilar.freshness.models import DueMonth
from pilar.freshness.refresh import record_verification, refresh
from pilar.freshness.tests.test_monthly import Clock
from pilar.performance.metrics import ESTIMATE_NOTE, monthly
from pilar.submissions.tests.factories import submit_change

pytestmark = pytest.mark.django_db

APRIL = datetime.date(2026, 4, 1)
LONG_AGO = datetime.date(2023, 1, 10)


def by_name(rows):
    return {r.worker.name: r for r in rows}


def _april_frozen_with_overdue(monkeypatch, households):
    """Households overdue since long before April; April's last nightly write at
    23:55 on its last day; the clock then on 10 June."""
    clock = Clock(monkeypatch, 2026, 4, 12, 10)
    refresh()
    record_verification([h.pk for h in households], LONG_AGO)
    clock.set(2026, 4, 30, 23, 55)
    due_months.freeze()
    return clock


def test_visited_after_a_frozen_month_still_counts_as_due(
    monkeypatch, dinsos, psm_a, linked, household_a
):
    clock = _april_frozen_with_overdue(monkeypatch, [household_a])
    clock.set(2026, 5, 15, 9)
    submit_change(psm_a, household_a, {"household": {"rt": "9"}}, visit_date=clock.at.date())
    refresh([household_a.pk])
    clock.set(2026, 6, 10, 10)
    april = by_name(monthly(dinsos, APRIL))["Siti Aminah"]
    assert (april.visited, april.due, april.due_estimate) == (0, 1, False)
    may = by_name(monthly(dinsos, datetime.date(2026, 5, 1)))["Siti Aminah"]
    assert (may.visited, may.due) == (1, 1)
    # The estimate from today's table (no freeze) loses April's pending household.
    DueMonth.objects.filter(month=APRIL).delete()
    april = by_name(monthly(dinsos, APRIL))["Siti Aminah"]
    assert (april.visited, april.due, april.due_estimate) == (0, 0, True)


def test_unfrozen_past_month_is_marked_perkiraan(
    monkeypatch, client, dinsos, psm_a, linked, household_a
):
    clock = Clock(monkeypatch, 2026, 4, 12, 10)
    refresh()
    record_verification([household_a.pk], LONG_AGO)
    clock.set(2026, 6, 10, 10)  # April never frozen
    client.force_login(dinsos)
    page = client.get("/kinerja/", {"bulan": "2026-04"})
    assert page.status_code == 200
    assert all(r.due_estimate for r in page.context["rows"])
    html = page.content.decode()
    assert "perkiraan" in html and ESTIMATE_NOTE in html
    current = client.get("/kinerja/").content.decode()
    assert "perkiraan" not in current and ESTIMATE_NOTE not in current
    export = client.get("/kinerja/ekspor.csv", {"bulan": "2026-04"})
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    header, *lines = text.splitlines()
    assert "Keterangan jatuh tempo" in header
    assert lines and all(ESTIMATE_NOTE in line for line in lines)
    export = client.get("/kinerja/ekspor.csv", {"bulan": "2026-06"})
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert ESTIMATE_NOTE not in text

    api = "/api/v1/performance"
    body = client.get(f"{api}/monthly", {"month": "2026-04"}, **bearer(dinsos)).json()
    assert body["due_estimate"] is True
    assert body["items"] and all(i["due_estimate"] for i in body["items"])
    body = client.get(f"{api}/monthly", {"month": "2026-06"}, **bearer(dinsos)).json()
    assert body["due_estimate"] is False
    assert not any(i["due_estimate"] for i in body["items"])
    worker = psm_a.psks_worker_id
    body = client.get(
        f"{api}/workers/{worker}", {"from": "2026-04", "to": "2026-06"}, **bearer(dinsos)
    ).json()
    # May was frozen by the first read, 10 days after its end: frozen, still an estimate.
    assert [(m["month"], m["due_estimate"]) for m in body["months"]] == [
        ("2026-04", True),
        ("2026-05", True),
        ("2026-06", False),
    ]


@pytest.mark.parametrize(
    "persona, dues",
    [
        ("dinsos", {"Siti Aminah": 1, "Dewi Lestari": 1, "Agus Salim": 1}),
        ("tksk_a", {"Siti Aminah": 1, "Agus Salim": 1}),
        ("psm_a", {"Siti Aminah": 1}),
    ],
)
def test_scope_unchanged(monkeypatch, request, linked, household_a, household_b, persona, dues):
    clock = _april_frozen_with_overdue(monkeypatch, [household_a, household_b])
    clock.set(2026, 6, 10, 10)
    user = request.getfixturevalue(persona)
    rows = monthly(user, APRIL)
    assert {r.worker.name: r.due for r in rows} == dues
    assert not any(r.due_estimate for r in rows)
