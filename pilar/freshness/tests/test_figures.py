"""Overdue visits and the PSKS field force join the dashboard (issues 13 and 17): the
area figures count overdue visits per kelurahan, a freshness change marks the
kelurahan stale, the dashboard shows the figure with its link and the role's to-do."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from pilar.conftest import VILLAGE_A, VILLAGE_B
from pilar.core.dates import today
from pilar.figures import read, refresh
from pilar.figures.models import AreaFigure
from pilar.figures.tests.helpers import rows
from pilar.freshness.refresh import record_verification
from pilar.freshness.refresh import refresh as refresh_freshness
from pilar.psks.tests.conftest import make_worker
from pilar.psks.tests.factories import make_sk


def kept(village: str) -> AreaFigure:
    return AreaFigure.objects.get(snapshot=None, village_id=village)


@pytest.fixture
def overdue(dinsos, household_a, household_b):
    refresh_freshness()
    record_verification([household_a.pk], today() - datetime.timedelta(days=900))
    refresh.rebuild()
    return household_a


def test_overdue_visits_per_kelurahan(overdue):
    assert kept(VILLAGE_A).visits_overdue == 1
    assert kept(VILLAGE_B).visits_overdue == 0
    assert "visits_overdue" in read.AREA_MEASURES


def test_a_freshness_change_marks_the_kelurahan_and_the_refresh_matches_a_rebuild(
    dinsos, overdue, household_b
):
    record_verification([household_b.pk], today() - datetime.timedelta(days=950))
    refresh.refresh_dirty(wait=True)
    assert kept(VILLAGE_B).visits_overdue == 1
    kept_rows = rows()
    refresh.rebuild()
    assert rows() == kept_rows


def test_dashboard_shows_overdue_visits_and_psks(client, dinsos, overdue):
    worker_a = make_worker(dinsos, name="Siti Aminah")
    make_worker(dinsos, name="Dewi Lestari", district="36.71.02", village=VILLAGE_B)
    make_sk(
        dinsos,
        worker_a,
        number="SK/1",
        starts_on=(today() - datetime.timedelta(days=5)).isoformat(),
        ends_on=(today() + datetime.timedelta(days=400)).isoformat(),
    )
    client.force_login(dinsos)
    response = client.get(reverse("figures:dashboard"))
    html = response.content.decode()
    assert "Kunjungan keluarga terlambat" in html
    assert "terlatih bimtek dasar 0 dari 2, ber-SK aktif 1" in html
    assert reverse("freshness:overview") in html
    todo = html[html.index('id="todo"') :]
    assert re.search(r"TKSK/PSM aktif tanpa SK berlaku</span><span[^>]*>1<", todo)
    assert re.search(r"TKSK/PSM belum bimtek dasar</span><span[^>]*>2<", todo)


def test_psm_todo_lists_due_visits_in_their_kelurahan(client, psm_a, psm_b, overdue):
    client.force_login(psm_a)
    html = client.get("/").content.decode()
    todo = html[html.index('id="todo"') :]
    assert "Kunjungan keluarga jatuh tempo di wilayah Anda" in todo
    assert reverse("freshness:village", args=[VILLAGE_A]) in todo
