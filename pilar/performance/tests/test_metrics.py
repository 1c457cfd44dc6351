"""Performance per worker per month: reports submitted, returned, validated; fields
corrected; TKSK turnaround; visits against due; cases followed; who sees whom; and the
effect of a training."""

from __future__ import annotations

import datetime

import pytest

from pilar.conftest import VILLAGE_A
from pilar.core.dates import today
from pilar.freshness.refresh import record_verification, refresh
from pilar.performance.metrics import monthly, training_effect
from pilar.performance.tests.conftest import reported_and_corrected as _reported_and_corrected
from pilar.psks.tests.factories import make_event
from pilar.psks.training import invite, issue_certificates, tick_attendance
from pilar.submissions.tests.factories import submit_change


def by_name(rows):
    return {r.worker.name: r for r in rows}


def test_the_months_figures(dinsos, psm_a, tksk_a, linked, household_a):
    refresh()
    _reported_and_corrected(dinsos, psm_a, tksk_a, household_a)
    rows = by_name(monthly(dinsos, today()))
    psm = rows["Siti Aminah"]
    assert (psm.submitted, psm.returned, psm.validated, psm.fields_corrected) == (1, 1, 1, 2)
    assert psm.corrections_per_report == 2
    assert psm.visited == 1 and psm.due >= 1
    tksk = rows["Agus Salim"]
    assert tksk.verified == 1 and tksk.turnaround_hours is not None
    assert rows["Dewi Lestari"].submitted == 0
    # Last month: nothing.
    last = by_name(monthly(dinsos, today().replace(day=1) - datetime.timedelta(days=1)))
    assert last["Siti Aminah"].submitted == 0


def test_due_counts_pending_visits(dinsos, psm_a, linked, household_a):
    refresh()
    record_verification([household_a.pk], today() - datetime.timedelta(days=900))
    psm = by_name(monthly(dinsos, today()))["Siti Aminah"]
    assert (psm.visited, psm.due) == (0, 1)


@pytest.mark.parametrize(
    "persona, names",
    [
        ("dinsos", {"Siti Aminah", "Dewi Lestari", "Agus Salim"}),
        ("tksk_a", {"Siti Aminah", "Agus Salim"}),
        ("psm_a", {"Siti Aminah"}),
    ],
)
def test_who_sees_whom(client, request, linked, persona, names):
    user = request.getfixturevalue(persona)
    assert set(by_name(monthly(user, today()))) == names
    client.force_login(user)
    response = client.get("/kinerja/")
    assert response.status_code == 200
    assert {r.worker.name for r in response.context["rows"]} == names
    export = client.get("/kinerja/ekspor.csv")
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert all(name in text for name in names)


def test_training_effect(client, dinsos, psm_a, psm_b, tksk_a, linked, household_a, household_b):
    start = today() - datetime.timedelta(days=40)
    event = make_event(dinsos, starts_on=start, days=1)
    invite(event, acting_user=dinsos, types=["2"], village=VILLAGE_A)
    ids = list(event.participants.values_list("pk", flat=True))
    tick_attendance(event, acting_user=dinsos, day=start, present=ids, shown=ids)
    issue_certificates(event, acting_user=dinsos, pattern="E/{n}")
    _reported_and_corrected(dinsos, psm_a, tksk_a, household_a)
    submit_change(psm_b, household_b, {"household": {"rt": "3"}})
    rows = {(r.group, r.period): r for r in training_effect(event, months=3)}
    after = rows[("Peserta (bersertifikat)", "sesudah")]
    assert (after.workers, after.submitted, after.fields_corrected) == (1, 1, 2)
    assert rows[("Peserta (bersertifikat)", "sebelum")].submitted == 0
    untrained = rows[("Belum terlatih", "sesudah")]
    # psm_b and the TKSK have no basic training; only psm_b reported.
    assert (untrained.workers, untrained.submitted, untrained.fields_corrected) == (2, 1, 0)
    client.force_login(dinsos)
    assert client.get(f"/kinerja/pelatihan/{event.pk}/").status_code == 200
    client.force_login(tksk_a)
    assert client.get(f"/kinerja/pelatihan/{event.pk}/").status_code == 403
