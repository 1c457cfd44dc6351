"""Pending visits frozen per kelurahan and month (monthly.py): the nightly write is an
idempotent upsert of the current month; the month roll-over freezes a month cron
missed, or whose last write was further from its end than the roll-over; once
written after its end a month never changes; a past month never frozen is read from
today's table and said to be an estimate, and so is one frozen more than a day from
its end."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from pilar.conftest import VILLAGE_A, VILLAGE_B, make_household
from pilar.freshness import monthly
from pilar.freshness.models import DueMonth, DueMonthVillage, HouseholdFreshness
from pilar.freshness.refresh import record_verification, refresh
from pilar.submissions.tests.factories import submit_change

pytestmark = pytest.mark.django_db

REAL_LOCALDATE = timezone.localdate


class Clock:
    """today() and timezone.now() at `at` (office time)."""

    def __init__(self, monkeypatch, *at):
        self.set(*at)
        monkeypatch.setattr(
            "django.utils.timezone.localdate",
            lambda value=None, timezone=None: (
                REAL_LOCALDATE(value, timezone) if value is not None else self.at.date()
            ),
        )
        monkeypatch.setattr("django.utils.timezone.now", lambda: self.at)

    def set(self, *at):
        self.at = timezone.make_aware(datetime.datetime(*at))


MAY = datetime.date(2026, 5, 1)
APRIL = datetime.date(2026, 4, 1)


def _overdue(dinsos, village):
    """A household whose last verification is long past: pending every month."""
    hh = make_household(dinsos, village)
    refresh([hh.pk])
    record_verification([hh.pk], datetime.date(2023, 1, 10))
    return hh


def _frozen(month):
    return dict(DueMonthVillage.objects.filter(month_id=month).values_list("village_id", "pending"))


def test_nightly_write_is_an_idempotent_upsert(monkeypatch, dinsos):
    clock = Clock(monkeypatch, 2026, 5, 20, 5, 30)
    _overdue(dinsos, VILLAGE_A)
    _overdue(dinsos, VILLAGE_A)
    _overdue(dinsos, VILLAGE_B)
    call_command("freshness", "--no-alerts", stdout=io.StringIO())
    # May written; April (never frozen, the month just ended) rolled over too.
    assert set(DueMonth.objects.values_list("month", flat=True)) == {APRIL, MAY}
    assert _frozen(MAY) == {VILLAGE_A: 2, VILLAGE_B: 1}
    clock.set(2026, 5, 21, 5, 30)
    call_command("freshness", "--no-alerts", stdout=io.StringIO())
    monthly.freeze()
    assert DueMonth.objects.count() == 2
    assert DueMonthVillage.objects.filter(month_id=MAY).count() == 2
    assert _frozen(MAY) == {VILLAGE_A: 2, VILLAGE_B: 1}
    assert DueMonth.objects.get(month=MAY).taken_at == clock.at


def test_roll_over_freezes_a_month_cron_missed(monkeypatch, dinsos):
    clock = Clock(monkeypatch, 2026, 4, 12, 10)
    hh = _overdue(dinsos, VILLAGE_A)
    # No nightly run in April. The first read in May freezes April.
    clock.set(2026, 5, 1, 8)
    counted = monthly.pending(APRIL, [VILLAGE_A])
    assert (counted.by_village, counted.estimate) == ({VILLAGE_A: 1}, False)
    assert DueMonth.objects.get(month=APRIL).taken_at == clock.at
    # A visit in May does not change April any more.
    clock.set(2026, 5, 2, 9)
    submit_change(dinsos, hh, {"household": {"rt": "9"}}, visit_date=clock.at.date())
    refresh([hh.pk])  # what the report's commit does (signals.py)
    assert HouseholdFreshness.objects.get(pk=hh.pk).last_visited_on == datetime.date(2026, 5, 2)
    # Read today, April would no longer count it.
    with connection.cursor() as cursor:
        assert monthly._count(cursor, APRIL, [VILLAGE_A]) == {}
    assert monthly.pending(APRIL, [VILLAGE_A]).by_village == {VILLAGE_A: 1}
    assert monthly.roll_over() is None
    assert DueMonth.objects.get(month=APRIL).taken_at.date() == datetime.date(2026, 5, 1)


def test_roll_over_refreezes_when_closer_to_the_end_than_the_last_write(monkeypatch, dinsos):
    clock = Clock(monkeypatch, 2026, 4, 30, 5, 30)
    _overdue(dinsos, VILLAGE_A)
    monthly.freeze()  # cron at 05:30 on the last day: 18.5 hours before the end
    _overdue(dinsos, VILLAGE_A)  # a household falls due later that day
    clock.set(2026, 5, 1, 5, 30)  # the next run, 5.5 hours after the end
    assert monthly.roll_over().month == APRIL
    assert _frozen(APRIL) == {VILLAGE_A: 2}
    assert monthly.pending(APRIL, [VILLAGE_A]).estimate is False
    # Written after the end: final.
    clock.set(2026, 5, 1, 5, 31)
    assert monthly.roll_over() is None


def test_last_write_closer_to_the_end_is_kept(monkeypatch, dinsos):
    clock = Clock(monkeypatch, 2026, 4, 30, 23, 55)
    _overdue(dinsos, VILLAGE_A)
    monthly.freeze()  # 5 minutes before the end
    _overdue(dinsos, VILLAGE_A)
    clock.set(2026, 5, 1, 9)
    assert monthly.roll_over() is None
    assert _frozen(APRIL) == {VILLAGE_A: 1}
    assert monthly.pending(APRIL, [VILLAGE_A]).estimate is False


def test_a_month_never_frozen_is_an_estimate(monkeypatch, dinsos):
    clock = Clock(monkeypatch, 2026, 3, 15, 10)
    _overdue(dinsos, VILLAGE_A)
    clock.set(2026, 5, 10, 10)
    # March has no freeze: today's table, an estimate.
    march = monthly.pending(datetime.date(2026, 3, 1), [VILLAGE_A])
    assert (march.by_village, march.estimate) == ({VILLAGE_A: 1}, True)
    # April, the month just ended, was frozen by that read, ten days after its end:
    # it stops drifting but stays an estimate.
    april = monthly.pending(APRIL, [VILLAGE_A])
    assert april.estimate is True and DueMonth.objects.filter(month=APRIL).exists()
    # The current month is live, not an estimate.
    assert monthly.pending(MAY, [VILLAGE_A]).estimate is False
    assert not DueMonth.objects.filter(month=MAY).exists()
