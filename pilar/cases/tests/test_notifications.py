"""Case notifications in the bell: the worker told on assignment and re-assignment
(the previous one too), nobody about their own doing; `pilar cases notify-overdue`
telling the assigned worker once per overdue period; the case page reading them."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import call_command

from pilar.accounts.choices import Role
from pilar.cases import actions
from pilar.cases.models import Case
from pilar.conftest import make_user
from pilar.core.dates import today
from pilar.core.errors import InvalidInput
from pilar.submissions.models import Notification

from .helpers import ODHA, days_ago, household_record, person_record

pytestmark = pytest.mark.django_db


def open_(record, user, **kw):
    kw.setdefault("source", "laporan")
    return actions.open_case(record, acting_user=user, **kw)


def notes(user) -> list[Notification]:
    return list(Notification.objects.filter(user=user).order_by("pk"))


def run() -> dict:
    out = io.StringIO()
    call_command("cases", "notify-overdue", "--json", stdout=out)
    return json.loads(out.getvalue())


# Assignment -------------------------------------------------------------------


def test_open_with_worker_notifies_worker(dinsos, psm_a):
    record = person_record(dinsos)
    case = open_(record, dinsos, intake_date=days_ago(2), assigned_to=psm_a)
    [note] = notes(psm_a)
    assert note.url == f"/penanganan/{case.pk}/" and note.submission_id is None
    assert note.read_at is None
    assert f"kasus #{case.pk}" in note.message
    assert record.person.name in note.message and record.ppks_type.name in note.message
    due = days_ago(2) + datetime.timedelta(days=case.followup_days)
    assert f"paling lambat {due:%d-%m-%Y}" in note.message
    assert notes(dinsos) == []  # the manager is not told about their own doing


def test_reassign_notifies_new_and_previous_worker(dinsos, psm_a, tksk_a):
    case = open_(household_record(dinsos), dinsos, intake_date=days_ago(2), assigned_to=psm_a)
    actions.assign_case(case, acting_user=dinsos, worker=tksk_a, note="PSM cuti")
    [to_tksk] = notes(tksk_a)
    assert "Anda ditugaskan" in to_tksk.message and "keluarga di Jl. Melati" in to_tksk.message
    first, moved = notes(psm_a)
    assert "dialihkan kepada tksk-a" in moved.message and moved.url == to_tksk.url

    # Assigning the same worker again tells nobody; a manager taking the case
    # themselves tells only the one it was taken from.
    actions.assign_case(case, acting_user=dinsos, worker=tksk_a)
    assert len(notes(tksk_a)) == 1
    actions.assign_case(case, acting_user=dinsos, worker=dinsos)
    assert notes(dinsos) == []
    assert "dialihkan kepada dinsos" in notes(tksk_a)[-1].message


def test_refused_assignment_notifies_nobody(dinsos, psm_a, psm_b):
    case = open_(person_record(dinsos), dinsos, intake_date=days_ago(2))
    with pytest.raises(InvalidInput):
        actions.assign_case(case, acting_user=dinsos, worker=psm_b)  # other kelurahan
    assert notes(psm_b) == [] and Notification.objects.count() == 0
    with pytest.raises(InvalidInput):
        open_(person_record(dinsos), dinsos, intake_date=days_ago(2), assigned_to=psm_b)
    assert Notification.objects.count() == 0


def test_restricted_type_named_nowhere_in_message(dinsos):
    worker = make_user("peksos", Role.DINSOS)
    record = person_record(dinsos, ppks_type=ODHA)
    open_(record, dinsos, intake_date=days_ago(2), assigned_to=worker)
    [note] = notes(worker)
    assert record.person.name in note.message
    assert record.ppks_type.name not in note.message
    assert record.ppks_type.short_name not in note.message


# Overdue ----------------------------------------------------------------------


def test_notify_overdue_once_per_period(dinsos, psm_a, settings):
    settings.PILAR_CASE_FOLLOWUP_DAYS = 30
    late = open_(person_record(dinsos), dinsos, intake_date=days_ago(20))
    actions.assign_case(late, acting_user=dinsos, worker=psm_a)
    on_time = open_(person_record(dinsos), dinsos, intake_date=days_ago(5), assigned_to=psm_a)
    unassigned = open_(person_record(dinsos), dinsos, intake_date=days_ago(50))
    closed = open_(person_record(dinsos), dinsos, intake_date=days_ago(60), assigned_to=psm_a)
    actions.close_case(closed, acting_user=dinsos, outcome="menolak", note="Tidak mau")
    # Make `late` overdue without a new assignment: its due date passed 3 days ago.
    Case.objects.filter(pk=late.pk).update(next_due=days_ago(3))
    before = len(notes(psm_a))

    assert run() == {"notified": 1, "cases": [late.pk]}
    new = notes(psm_a)[before:]
    assert len(new) == 1
    assert f"kasus #{late.pk}" in new[0].message and "terlambat" in new[0].message
    assert f"jatuh tempo {days_ago(3):%d-%m-%Y}" in new[0].message
    assert new[0].url == f"/penanganan/{late.pk}/"
    late.refresh_from_db()
    assert late.overdue_notified_due == days_ago(3)

    # Twice on the same day: nobody told again.
    assert run() == {"notified": 0, "cases": []}
    assert len(notes(psm_a)) == before + 1
    assert not Notification.objects.filter(url=f"/penanganan/{unassigned.pk}/").exists()
    assert not Notification.objects.filter(
        url__in=[f"/penanganan/{on_time.pk}/", f"/penanganan/{closed.pk}/"],
        message__contains="terlambat: jatuh tempo",  # the overdue notice, not the assignment
    ).exists()

    # A visit moves the due date into the future: not overdue, nothing sent...
    actions.record_visit(late, acting_user=psm_a, visited_on=today(), notes="Sudah dikunjungi")
    assert run()["notified"] == 0
    # ...and when that new due date passes, it is a new overdue period: told once more.
    Case.objects.filter(pk=late.pk).update(next_due=days_ago(1))
    assert run() == {"notified": 1, "cases": [late.pk]}
    assert run()["notified"] == 0
    assert len([n for n in notes(psm_a) if "terlambat: jatuh tempo" in n.message]) == 2


def test_assignment_of_overdue_case_says_so_and_is_not_repeated(dinsos, psm_a, tksk_a, settings):
    settings.PILAR_CASE_FOLLOWUP_DAYS = 30
    case = open_(person_record(dinsos), dinsos, intake_date=days_ago(40))
    assert run()["notified"] == 0  # unassigned: nobody to tell
    actions.assign_case(case, acting_user=dinsos, worker=psm_a)
    [note] = notes(psm_a)
    assert f"sudah terlambat sejak {days_ago(10):%d-%m-%Y}" in note.message
    assert run()["notified"] == 0  # the assignment message was the overdue notice
    # Re-assigned in the same overdue period: the new worker's message says it too.
    actions.assign_case(case, acting_user=dinsos, worker=tksk_a)
    assert "sudah terlambat" in notes(tksk_a)[0].message
    assert run()["notified"] == 0


def test_command_plain_output(dinsos, psm_a):
    case = open_(person_record(dinsos), dinsos, intake_date=days_ago(2), assigned_to=psm_a)
    Case.objects.filter(pk=case.pk).update(next_due=days_ago(1))
    out = io.StringIO()
    call_command("cases", "notify-overdue", stdout=out)
    assert "1 notifikasi kunjungan terlambat dikirim." in out.getvalue()


def test_inactive_worker_not_notified(dinsos, psm_a):
    case = open_(person_record(dinsos), dinsos, intake_date=days_ago(2), assigned_to=psm_a)
    Case.objects.filter(pk=case.pk).update(next_due=days_ago(1))
    psm_a.is_active = False
    psm_a.save()
    assert run()["notified"] == 0


# Pages --------------------------------------------------------------------------


def test_bell_lists_case_notice_and_case_page_reads_it(client, dinsos, psm_a):
    case = open_(person_record(dinsos), dinsos, intake_date=days_ago(2), assigned_to=psm_a)
    [note] = notes(psm_a)
    client.force_login(psm_a)
    page = client.get("/laporan/notifikasi/").content.decode()
    assert f"Anda ditugaskan menangani kasus #{case.pk}" in page
    assert 'id="unread-count">1' in page
    response = client.get(f"/laporan/notifikasi/{note.pk}/")
    assert response.status_code == 302 and response.url == f"/penanganan/{case.pk}/"
    note.refresh_from_db()
    assert note.read_at is not None

    # Opening the case page directly reads the notices about it (not others).
    other = open_(person_record(dinsos), dinsos, intake_date=days_ago(2), assigned_to=psm_a)
    Case.objects.filter(pk=case.pk).update(next_due=days_ago(1))
    run()
    assert Notification.objects.filter(user=psm_a, read_at=None).count() == 2
    assert client.get(f"/penanganan/{case.pk}/").status_code == 200
    unread = Notification.objects.filter(user=psm_a, read_at=None)
    assert [n.url for n in unread] == [f"/penanganan/{other.pk}/"]
