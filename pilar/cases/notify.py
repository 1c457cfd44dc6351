"""In-app notifications of case handling, in the bell of pilar.submissions
(`Notification` rows with no report, a message and a link to the case page).

- Assignment: written by `actions.open_case` / `actions.assign_case` in their
  transaction: the new worker is told, the previous one (on a re-assignment) too.
  Nobody is told about their own doing.
- Overdue follow-up: `notify_overdue()`, run daily by `pilar cases notify-overdue`
  (docs/operations.md), tells the assigned worker once per overdue period. The
  period is the case's `next_due`; `Case.overdue_notified_due` keeps the one
  already told, so running it twice tells once, and a visit that moves `next_due`
  opens a new period.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from pilar.cases.models import Case
from pilar.core.dates import today
from pilar.submissions.models import Notification

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

CASE_RELATED = (
    "record__ppks_type",
    "record__person",
    "record__household__village",
    "assigned_to",
)


def case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def subject(case: Case) -> str:
    """Who the case is about, short. The type of a restricted (health) record is
    left out: the message outlives the assignment."""
    record = case.record
    who = (
        record.person.name
        if record.person_id and record.person is not None
        else f"keluarga di {record.household.address}"
    )
    text = f"{who}, Kel. {record.household.village.name}"
    if not record.ppks_type.is_restricted:
        text = f"{record.ppks_type.name} · {text}"
    return text


def _user_label(user: User) -> str:
    return user.get_full_name() or user.username


def _create(user: User, case: Case, message: str) -> None:

    Notification.objects.create(user=user, message=message[:300], url=case_url(case))


def assigned(case: Case, *, worker, previous, acting_user: User) -> None:
    """Tell `worker` (and `previous`, when another) of an assignment. Called inside
    the assigning action's transaction, after `case.assigned_to` was saved (with
    `overdue_notified_due` set when already overdue: this message says so, and the
    daily run does not repeat it for the period)."""
    if worker is None or (previous is not None and previous.pk == worker.pk):
        return
    due = case.next_due
    if worker.pk != acting_user.pk:
        if due is not None and due < today():
            when = f"Kunjungan tindak lanjut sudah terlambat sejak {due:%d-%m-%Y}."
        elif due is not None:
            when = f"Kunjungan tindak lanjut paling lambat {due:%d-%m-%Y}."
        else:
            when = ""
        _create(
            worker,
            case,
            f"Anda ditugaskan menangani kasus #{case.pk}: {subject(case)}. {when}".strip(),
        )
    if previous is not None and previous.pk != acting_user.pk:
        _create(
            previous,
            case,
            f"Kasus #{case.pk} ({subject(case)}) dialihkan kepada {_user_label(worker)}; "
            "Anda tidak lagi menanganinya.",
        )


def overdue_message(case: Case) -> str:
    return (
        f"Kunjungan tindak lanjut kasus #{case.pk} ({subject(case)}) terlambat: jatuh tempo "
        f"{case.next_due:%d-%m-%Y}. Catat kunjungannya setelah berkunjung."
    )


def notify_overdue(on=None) -> list[int]:
    """Notify the assigned worker of every open case whose follow-up is overdue on
    `on` (default today) and who was not yet told for this `next_due`. Returns
    the ids of the cases notified. The rows are locked while notifying, so two runs
    at once notify once (the second re-checks the condition after the first)."""

    day = on or today()
    with transaction.atomic():
        cases = list(
            Case.objects.overdue(day)
            .filter(assigned_to__isnull=False, assigned_to__is_active=True)
            .filter(Q(overdue_notified_due__isnull=True) | ~Q(overdue_notified_due=F("next_due")))
            .select_related(*CASE_RELATED)
            .select_for_update(of=("self",))
            .order_by("pk")
        )
        if not cases:
            return []
        Notification.objects.bulk_create(
            Notification(
                user=case.assigned_to,
                message=overdue_message(case)[:300],
                url=case_url(case),
            )
            for case in cases
        )
        ids = [case.pk for case in cases]
        Case.objects.filter(pk__in=ids).update(overdue_notified_due=F("next_due"))
    return ids


def mark_case_read(user: User, case: Case) -> int:
    """Opening the case page reads the user's notifications about it."""

    return Notification.objects.filter(user=user, url=case_url(case), read_at__isnull=True).update(
        read_at=timezone.now()
    )
