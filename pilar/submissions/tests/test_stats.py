"""Turnaround figures on hand-built data: medians, backlog, oldest wait, period,
scope, drill-down, the page and its XLSX export."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from pilar.conftest import VILLAGE_A, VILLAGE_A2, VILLAGE_B, make_household
from pilar.submissions.choices import Status
from pilar.submissions.models import Submission
from pilar.submissions.stats import Period, turnaround
from pilar.submissions.tests.factories import submit_change

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def data(dinsos):
    """Kecamatan 36.71.01: kelurahan A (verified after 2 and 4 days, one validated after
    6 days), A2 (verified after 10 days, one waiting 20 days, one submitted 200 days ago
    and still waiting); kecamatan 36.71.02: B (waiting validation for 3 days)."""
    now = timezone.now()
    households = {v: make_household(dinsos, v) for v in (VILLAGE_A, VILLAGE_A2, VILLAGE_B)}
    made = []

    def submission(village, status, submitted_days_ago, verified_after=None, decided_after=None):
        r = submit_change(dinsos, households[village], {"household": {"rt": "3"}})
        submitted = now - submitted_days_ago * DAY
        Submission.objects.filter(pk=r.pk).update(
            status=status,
            submitted_at=submitted,
            verified_at=submitted + verified_after * DAY if verified_after is not None else None,
            decided_at=submitted + decided_after * DAY if decided_after is not None else None,
        )
        made.append(r)
        return r

    submission(VILLAGE_A, Status.VERIFIED, 30, verified_after=2)
    submission(VILLAGE_A, Status.VALIDATED, 30, verified_after=4, decided_after=6)
    submission(VILLAGE_A2, Status.VALIDATED, 40, verified_after=10, decided_after=12)
    submission(VILLAGE_A2, Status.SUBMITTED, 20)
    submission(VILLAGE_A2, Status.SUBMITTED, 200)  # outside the default period, still waiting
    submission(VILLAGE_B, Status.VERIFIED, 3, verified_after=1)
    draft = submission(VILLAGE_B, Status.DRAFT, 1)  # drafts are not counted
    Submission.objects.filter(pk=draft.pk).update(submitted_at=None)
    return made


def by_code(rows):
    return {r["code"]: r for r in rows}


def test_per_kecamatan(dinsos, data):
    rows, total = turnaround(dinsos, Period.default())
    got = by_code(rows)
    assert set(got) == {"36.71.01", "36.71.02"}
    a = got["36.71.01"]
    assert a["submitted"] == 4  # the 200-day-old one is outside the period
    assert a["median_verify"] == 4.0  # median of 2, 4, 10
    assert a["median_validate"] == 9.0  # median of 6, 12
    assert a["waiting_verification"] == 2 and a["waiting_validation"] == 1
    assert a["oldest_waiting_days"] == 200
    b = got["36.71.02"]
    assert b["submitted"] == 1 and b["median_verify"] == 1.0 and b["median_validate"] is None
    assert b["waiting_validation"] == 1 and b["oldest_waiting_days"] == 3
    assert total["submitted"] == 5 and total["median_verify"] == 3.0  # 1, 2, 4, 10
    assert total["waiting_verification"] == 2 and total["waiting_validation"] == 2


def test_per_kelurahan_and_period(dinsos, data):
    rows, _ = turnaround(dinsos, Period.default(), "36.71.01")
    got = by_code(rows)
    assert set(got) == {VILLAGE_A, VILLAGE_A2}
    assert got[VILLAGE_A]["median_verify"] == 3.0 and got[VILLAGE_A]["waiting_verification"] == 0
    assert got[VILLAGE_A2]["median_verify"] == 10.0
    assert got[VILLAGE_A2]["waiting_verification"] == 2
    today = timezone.localdate()
    rows, total = turnaround(dinsos, Period(today - 35 * DAY, today))
    assert total["submitted"] == 4 and by_code(rows)["36.71.01"]["median_verify"] == 3.0


def test_tksk_sees_own_kecamatan_only(tksk_a, client, data):
    rows, total = turnaround(tksk_a, Period.default())
    assert [r["code"] for r in rows] == ["36.71.01"] and total["submitted"] == 4
    client.force_login(tksk_a)
    response = client.get(reverse("submissions:turnaround"), {"kecamatan": "36.71.02"})
    assert response.status_code == 404


def test_page_and_drill_down(client, dinsos, data):
    client.force_login(dinsos)
    body = client.get(reverse("submissions:turnaround")).content.decode()
    assert 'data-code="36.71.01"' in body and 'data-code="36.71.02"' in body
    assert "200 hari" in body
    body = client.get(reverse("submissions:turnaround"), {"kecamatan": "36.71.01"}).content.decode()
    assert f'data-code="{VILLAGE_A2}"' in body and 'data-code="36.71.02"' not in body


def test_xlsx_export(client, dinsos, data):
    client.force_login(dinsos)
    response = client.get(reverse("submissions:turnaround_export", args=["xlsx"]))
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    rows = book.get_sheet_by_index(0).to_python()
    header = rows[0]
    assert header[1] == "Kecamatan" and header[6] == "Median hari ajukan→verifikasi"
    assert [r[1] for r in rows[1:3]] == ["Jatiuwung", "Tangerang"]  # by name
    first = rows[2]
    assert first[0] == "36.71.01" and float(first[6]) == 4.0 and int(first[2]) == 4
    assert rows[-1][1] == "Jumlah" and int(rows[-1][2]) == 5


def test_refused_without_person_data(client, mitra):
    client.force_login(mitra)
    assert client.get(reverse("submissions:turnaround")).status_code == 403
