"""Monthly snapshots: frozen figures never change after new writes; the month roll-over
freezes a month cron missed; past months are backfilled from the records' dates, with
what cannot be recomputed left empty and said."""

from __future__ import annotations

import datetime

import pytest

from pilar.conftest import VILLAGE_A, VILLAGE_B, make_household
from pilar.core.errors import InvalidInput
from pilar.figures import read, refresh, snapshots
from pilar.figures.models import Snapshot
from pilar.figures.tests.helpers import rows
from pilar.ppks.actions import create_ppks_record, end_ppks_record

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self, monkeypatch, day):
        self.day = day
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: self.day)


def _ppks(dinsos, village, number, found):
    hh = make_household(dinsos, village)
    return create_ppks_record(
        acting_user=dinsos,
        data={"ppks_type": number, "person": hh.members.get(), "date_found": found.isoformat()},
    )


def test_frozen_month_never_changes_after_new_writes(monkeypatch, dinsos, pimpinan):
    clock = Clock(monkeypatch, datetime.date(2026, 5, 20))
    _ppks(dinsos, VILLAGE_A, 11, datetime.date(2026, 5, 2))
    _ppks(dinsos, VILLAGE_B, 12, datetime.date(2026, 5, 3))
    may = snapshots.freeze()
    assert may.month == datetime.date(2026, 5, 1) and may.method == "beku"
    before = rows(may.pk)
    assert before["figures_ppksfigure"]

    clock.day = datetime.date(2026, 6, 2)
    _ppks(dinsos, VILLAGE_A, 13, datetime.date(2026, 6, 1))
    flt, _ = read.parse_filters(pimpinan, {"bulan": "2026-05"})
    src = read.source(flt.month)
    assert src.kind == "beku" and read.ppks(pimpinan, flt, src).total == 2
    # The current month reads the new record; May stays as it was.
    now_flt, _ = read.parse_filters(pimpinan, {})
    assert read.ppks(pimpinan, now_flt, read.source(now_flt.month)).total == 3
    assert rows(may.pk) == before
    # A past month cannot be frozen again from today's figures.
    with pytest.raises(InvalidInput):
        snapshots.freeze(datetime.date(2026, 5, 1))
    with pytest.raises(InvalidInput):
        snapshots.freeze(datetime.date(2026, 7, 1))


def test_roll_over_freezes_the_month_cron_missed(monkeypatch, dinsos):
    clock = Clock(monkeypatch, datetime.date(2026, 4, 29))
    _ppks(dinsos, VILLAGE_A, 11, datetime.date(2026, 4, 2))
    refresh.rebuild()
    clock.day = datetime.date(2026, 5, 1)
    read.ensure_current()
    april = Snapshot.objects.get(month=datetime.date(2026, 4, 1))
    assert april.method == "beku" and april.as_of == datetime.date(2026, 4, 29)
    assert refresh.state().as_of == datetime.date(2026, 5, 1)
    assert sum(r[-1] for r in rows(april.pk)["figures_ppksfigure"]) == 1


def test_backfill_from_record_dates(monkeypatch, dinsos, pimpinan):
    Clock(monkeypatch, datetime.date(2026, 6, 10))
    march = _ppks(dinsos, VILLAGE_A, 11, datetime.date(2026, 3, 5))
    _ppks(dinsos, VILLAGE_A, 12, datetime.date(2026, 4, 20))
    _ppks(dinsos, VILLAGE_A, 13, datetime.date(2026, 6, 1))
    end_ppks_record(march, acting_user=dinsos, ended_on="2026-05-02", reason="tertangani")
    made = snapshots.backfill_missing()
    months = [s.month.month for s in made]
    # Data "starts" when the households were registered (today, in this test) or the
    # first PPKS was found (March): March, April and May are backfilled.
    assert months == [3, 4, 5]
    totals = {}
    for snap in made:
        flt, _ = read.parse_filters(pimpinan, {"bulan": f"{snap.month:%Y-%m}"})
        src = read.source(flt.month)
        assert src.kind == "susulan" and "desil" in src.note
        totals[snap.month.month] = read.ppks(pimpinan, flt, src).total
        area = read.area_totals(pimpinan, flt, src)
        # Not recomputable from dates: left empty, not zero.
        assert area.desil is None and area.values["persons_no_nik"] is None
    assert totals == {3: 1, 4: 2, 5: 1}
    # Backfilled once, never again.
    assert snapshots.backfill_missing() == []
    with pytest.raises(InvalidInput):
        snapshots.backfill(datetime.date(2026, 4, 1))
    with pytest.raises(InvalidInput):
        snapshots.backfill(datetime.date(2026, 6, 1))


def test_trend_reads_snapshots_and_current(monkeypatch, dinsos, pimpinan):
    clock = Clock(monkeypatch, datetime.date(2026, 5, 20))
    _ppks(dinsos, VILLAGE_A, 11, datetime.date(2026, 5, 2))
    snapshots.freeze()
    clock.day = datetime.date(2026, 6, 5)
    _ppks(dinsos, VILLAGE_A, 12, datetime.date(2026, 6, 1))
    flt, _ = read.parse_filters(pimpinan, {})
    points = read.trend(pimpinan, flt, months=3)
    assert [(p.month.month, p.kind, p.ppks) for p in points] == [
        (4, "", None),
        (5, "beku", 1),
        (6, "berjalan", 2),
    ]
