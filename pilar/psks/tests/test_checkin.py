"""Check-in from the phone: the day's code, offline resends, and every refusal the
issue lists (twice, not invited, outside the days, wrong code), nothing written twice."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.utils import timezone

from pilar.core.errors import InvalidInput
from pilar.psks.checkin import check_in, day_code
from pilar.psks.models import Attendance
from pilar.psks.tests.factories import make_event
from pilar.psks.training import invite, tick_attendance


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def event(dinsos, worker_a, worker_b, today):
    event = make_event(dinsos, starts_on=today - datetime.timedelta(days=1), days=3)
    invite(event, acting_user=dinsos, types=["2"], village="36.71.01.1001")
    return event


@pytest.fixture
def psm_a_linked(psm_a, worker_a):
    psm_a.psks_worker = worker_a
    psm_a.save()
    return psm_a


@pytest.fixture
def psm_b_linked(psm_b, worker_b):
    psm_b.psks_worker = worker_b
    psm_b.save()
    return psm_b


def refused(expected: str, **kwargs) -> InvalidInput:
    with pytest.raises(InvalidInput) as info:
        check_in(**kwargs)
    assert expected in info.value.codes.values(), info.value.errors
    return info.value


def test_code_changes_every_day_and_uses_clear_letters(event, today):
    codes = {day_code(event, d) for d in event.days}
    assert len(codes) == 3
    for code in codes:
        assert len(code) == 6
        assert not set(code) & set("IO01")


def test_check_in_records_the_day_once(event, psm_a_linked, today):
    result = check_in(acting_user=psm_a_linked, code=day_code(event, today).lower())
    assert result.created
    assert result.attendance.day == today
    assert result.attendance.method == "ponsel"
    err = refused("already", acting_user=psm_a_linked, code=day_code(event, today))
    assert "sudah tercatat hadir" in err.message
    assert Attendance.objects.count() == 1


def test_resend_with_the_same_client_id_answers_the_first(event, psm_a_linked, today):
    cid = str(uuid.uuid4())
    first = check_in(acting_user=psm_a_linked, code=day_code(event, today), client_id=cid)
    again = check_in(acting_user=psm_a_linked, code=day_code(event, today), client_id=cid)
    assert first.created and not again.created
    assert again.attendance.pk == first.attendance.pk
    assert Attendance.objects.count() == 1


def test_offline_check_in_counts_for_the_day_it_was_made(event, psm_a_linked, today):
    yesterday = today - datetime.timedelta(days=1)
    made = timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time(9, 15)))
    result = check_in(
        acting_user=psm_a_linked,
        code=day_code(event, yesterday),
        checked_in_at=made.isoformat(),
        client_id=str(uuid.uuid4()),
    )
    assert result.attendance.day == yesterday
    assert result.attendance.checked_in_at == made


def test_wrong_code_and_another_days_code_are_refused(event, psm_a_linked, today):
    refused("wrong_code", acting_user=psm_a_linked, code="ZZZZZZ")
    refused("bad_code", acting_user=psm_a_linked, code="12")
    refused(
        "wrong_day",
        acting_user=psm_a_linked,
        code=day_code(event, today + datetime.timedelta(days=1)),
    )
    assert not Attendance.objects.exists()


def test_outside_the_events_days(dinsos, worker_a, psm_a_linked, today):
    past = make_event(dinsos, starts_on=today - datetime.timedelta(days=10), days=2)
    invite(past, acting_user=dinsos, types=["2"])
    err = refused("outside_days", acting_user=psm_a_linked, code=day_code(past, past.starts_on))
    assert "bukan hari pelatihan" in err.message
    assert not Attendance.objects.exists()


def test_not_invited(event, psm_b_linked, today):
    # The event invited kelurahan A only.
    err = refused("not_invited", acting_user=psm_b_linked, code=day_code(event, today))
    assert "tidak terdaftar" in err.message
    assert not Attendance.objects.exists()


def test_account_without_worker_and_future_clock(event, psm_a, psm_a_linked, tksk_a, today):
    refused("no_worker", acting_user=tksk_a, code=day_code(event, today))
    later = timezone.now() + datetime.timedelta(hours=2)
    refused(
        "bad_time",
        acting_user=psm_a_linked,
        code=day_code(event, today),
        checked_in_at=later.isoformat(),
    )


def test_ticked_by_the_organiser_then_phone_is_refused(event, dinsos, psm_a_linked, today):
    participant = event.participants.get(worker=psm_a_linked.psks_worker)
    added, removed = tick_attendance(
        event,
        acting_user=dinsos,
        day=today.isoformat(),
        present=[participant.pk],
        shown=[participant.pk],
    )
    assert (added, removed) == (1, 0)
    err = refused("already", acting_user=psm_a_linked, code=day_code(event, today))
    assert "dicentang panitia" in err.message
    # Unticking removes the organiser's tick, never a phone check-in.
    tick_attendance(
        event, acting_user=dinsos, day=today.isoformat(), present=[], shown=[participant.pk]
    )
    assert not Attendance.objects.exists()
    check_in(acting_user=psm_a_linked, code=day_code(event, today))
    tick_attendance(
        event, acting_user=dinsos, day=today.isoformat(), present=[], shown=[participant.pk]
    )
    assert Attendance.objects.filter(method="ponsel").count() == 1
