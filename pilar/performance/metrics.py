"""Performance of PSKS workers per month, and the effect of a training on it.

Per worker (through the user account linked to their PSKS record) and month:

- reports submitted (first submission in the month), returned (return steps in the
  month) and validated (validated in the month);
- quality: the fields reviewers sent back for correction (per-field reasons of the
  return steps), also per report submitted;
- for a TKSK: reports verified in the month and the mean hours from submission to
  verification;
- households visited (distinct households of reports with a visit date in the
  month) against households due: those visited plus those in the worker's area (a
  PSM: their kelurahan; a TKSK: the kelurahan of the PSM listed with them) whose visit
  was due by the month's end and has not been made since its start. The current
  month counts live; a past month reads the counts frozen at its end
  (pilar.freshness.monthly: written nightly, and once more by the first run or read
  after the month). A past month from before the first freeze has none: it is
  counted from today's due dates and last visits, an estimate (a household visited
  after that month no longer counts as pending in it), and its rows carry
  `due_estimate` ("perkiraan", ESTIMATE_NOTE); so do the rows of a month frozen more
  than a day from its end (cron stopped, or the month before the upgrade);
- cases followed: cases the worker visited in the month.

Each is one grouped SQL query over the month, keyed by user id.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from pilar.accounts.choices import Role
from pilar.accounts.models import User
from pilar.core.dates import today
from pilar.freshness.monthly import month_bounds, pending
from pilar.freshness.rules import add_months
from pilar.psks.models import PsksWorker
from pilar.psks.training import trained_q

# Shown beside the due figures of a month counted as an estimate (page footnote and
# tooltip, export column, API field description).
ESTIMATE_NOTE = (
    "Perkiraan: angka jatuh tempo bulan ini tidak dicatat pada akhir bulannya, tetapi "
    "dihitung dari jadwal kunjungan sesudahnya; keluarga yang dikunjungi setelah bulan "
    "itu tidak lagi terhitung tertunda, sehingga angkanya bisa lebih kecil."
)


@dataclass
class WorkerMonth:
    worker: PsksWorker
    user_id: int | None
    submitted: int = 0
    returned: int = 0
    validated: int = 0
    fields_corrected: int = 0
    verified: int = 0
    turnaround_hours: Decimal | None = None
    visited: int = 0
    due: int = 0
    cases_followed: int = 0
    # The due figure is an estimate: a past month without a freeze (module docstring).
    due_estimate: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def corrections_per_report(self) -> Decimal | None:
        if not self.submitted:
            return None
        return (Decimal(self.fields_corrected) / self.submitted).quantize(Decimal("0.01"))


def workers_for(user: User):
    """Dinas Sosial and leaders: everyone; a TKSK: their kecamatan; a PSM: themself."""
    qs = PsksWorker.objects.restrict(user, "view").filter(psks_type__number__in=[2, 11])
    if user.role == Role.PSM:
        qs = qs.filter(pk=user.psks_worker_id or 0)
    return qs.select_related("psks_type", "district", "village")


def _rows(sql: str, params: dict) -> dict[Any, tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: row[1:] for row in cursor.fetchall()}


SUBMISSIONS = """
SELECT s.reporter_id,
       count(*) FILTER (WHERE s.first_submitted_at >= %(start)s AND s.first_submitted_at < %(end)s),
       count(*) FILTER (WHERE s.status = 'divalidasi'
                        AND s.decided_at >= %(start)s AND s.decided_at < %(end)s),
       count(DISTINCT s.household_id) FILTER (
           WHERE s.visit_date >= %(start_day)s AND s.visit_date < %(end_day)s
             AND s.status <> 'draf')
FROM submissions_submission s
WHERE s.reporter_id = ANY(%(users)s)
GROUP BY 1
"""

RETURNS = """
SELECT s.reporter_id, count(*),
       coalesce(sum((SELECT count(*) FROM jsonb_object_keys(st.field_reasons))), 0)
FROM submissions_submissionstep st JOIN submissions_submission s ON s.id = st.submission_id
WHERE st.action = 'dikembalikan' AND st.at >= %(start)s AND st.at < %(end)s
  AND s.reporter_id = ANY(%(users)s)
GROUP BY 1
"""

VERIFIED = """
SELECT s.verified_by_id, count(*),
       avg(extract(epoch FROM s.verified_at - s.submitted_at)) / 3600
FROM submissions_submission s
WHERE s.verified_by_id = ANY(%(users)s) AND s.verified_at >= %(start)s AND s.verified_at < %(end)s
  AND s.submitted_at IS NOT NULL
GROUP BY 1
"""

CASES = """
SELECT v.visitor_id, count(DISTINCT v.case_id)
FROM cases_visit v
WHERE v.visitor_id = ANY(%(users)s) AND v.visited_on >= %(start_day)s AND v.visited_on < %(end_day)s
GROUP BY 1
"""


def moment(day: datetime.date) -> datetime.datetime:
    """Midnight starting `day` in the office's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _params(month: datetime.date, user_ids: list[int]) -> dict:
    start, end = month_bounds(month)
    return {
        "start": moment(start),
        "end": moment(end),
        "start_day": start,
        "end_day": end,
        "users": user_ids,
    }


def due_estimate(month: datetime.date) -> bool:
    """Whether the due figures of `month` are an estimate (a past month not frozen)."""
    return pending(month, []).estimate


def monthly(user: User, month: datetime.date, workers=None) -> list[WorkerMonth]:
    """The month's figures of every worker `user` may see (or of `workers`)."""
    workers = list(
        workers
        if workers is not None
        else workers_for(user).order_by("district__name", "village__name", "name")
    )
    accounts = dict(
        User.objects.filter(psks_worker__in=workers).values_list("psks_worker_id", "pk")
    )
    villages = sorted({w.village_id for w in workers if w.village_id})
    due = pending(month, villages)
    rows = [
        WorkerMonth(worker=w, user_id=accounts.get(w.pk), due_estimate=due.estimate)
        for w in workers
    ]
    user_ids = [r.user_id for r in rows if r.user_id]
    if not user_ids:
        return rows
    params = _params(month, user_ids)
    submissions = _rows(SUBMISSIONS, params)
    returns = _rows(RETURNS, params)
    verified = _rows(VERIFIED, params)
    cases = _rows(CASES, params)
    pending_village = due.by_village
    pending_district: dict[str, int] = {}
    for code, n in pending_village.items():
        pending_district[code[:8]] = pending_district.get(code[:8], 0) + n
    for r in rows:
        uid = r.user_id
        if uid:
            r.submitted, r.validated, r.visited = submissions.get(uid, (0, 0, 0))
            r.returned, fields = returns.get(uid, (0, 0))
            r.fields_corrected = int(fields)
            n, hours = verified.get(uid, (0, None))
            r.verified = n
            r.turnaround_hours = (
                Decimal(hours).quantize(Decimal("0.1")) if hours is not None else None
            )
            r.cases_followed = cases.get(uid, (0,))[0]
        if r.worker.psks_type.number == 2 and r.worker.village_id:
            r.due = r.visited + pending_village.get(r.worker.village_id, 0)
        else:
            r.due = (
                r.visited + pending_district.get(r.worker.district_id, 0) if villages else r.visited
            )
    return rows


# The effect of a training --------------------------------------------------------------


@dataclass
class GroupPeriod:
    group: str
    period: str
    workers: int
    months: int
    submitted: int
    fields_corrected: int
    verified: int
    turnaround_hours: Decimal | None

    @property
    def corrections_per_report(self) -> Decimal | None:
        if not self.submitted:
            return None
        return (Decimal(self.fields_corrected) / self.submitted).quantize(Decimal("0.01"))

    @property
    def reports_per_worker_month(self) -> Decimal | None:
        if not self.workers or not self.months:
            return None
        return (Decimal(self.submitted) / (self.workers * self.months)).quantize(Decimal("0.01"))


def _window(
    user_ids: list[int], start: datetime.date, end: datetime.date
) -> tuple[int, int, int, Decimal | None]:
    if not user_ids or end <= start:
        return 0, 0, 0, None
    params: dict[str, Any] = {"users": user_ids, "start": moment(start), "end": moment(end)}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM submissions_submission s WHERE s.reporter_id = ANY(%(users)s) "
            "AND s.first_submitted_at >= %(start)s AND s.first_submitted_at < %(end)s",
            params,
        )
        submitted = cursor.fetchone()[0]
        cursor.execute(
            "SELECT coalesce(sum((SELECT count(*) FROM jsonb_object_keys(st.field_reasons))), 0) "
            "FROM submissions_submissionstep st "
            "JOIN submissions_submission s ON s.id = st.submission_id "
            "WHERE st.action = 'dikembalikan' AND s.reporter_id = ANY(%(users)s) "
            "AND s.first_submitted_at >= %(start)s AND s.first_submitted_at < %(end)s",
            params,
        )
        fields = int(cursor.fetchone()[0])
        cursor.execute(
            "SELECT count(*), avg(extract(epoch FROM s.verified_at - s.submitted_at)) / 3600 "
            "FROM submissions_submission s WHERE s.verified_by_id = ANY(%(users)s) "
            "AND s.verified_at >= %(start)s AND s.verified_at < %(end)s "
            "AND s.submitted_at IS NOT NULL",
            params,
        )
        verified, hours = cursor.fetchone()
    return (
        submitted,
        fields,
        verified,
        (Decimal(hours).quantize(Decimal("0.1")) if hours is not None else None),
    )


def training_effect(event, months: int = 3, day: datetime.date | None = None) -> list[GroupPeriod]:
    """Participants who completed `event` (certificate) against workers not yet
    trained (no basic-training certificate, not in this event), over the `months`
    before the event and the `months` after it (cut at today). Quality is counted
    on the reports submitted in each window (their later returns included)."""
    day = day or today()
    before = (add_months(event.starts_on, -months), event.starts_on)
    # Windows are [start, end): the after window includes today.
    after_end = min(add_months(event.ends_on, months), day) + datetime.timedelta(days=1)
    after = (event.ends_on + datetime.timedelta(days=1), after_end)
    trained = list(
        User.objects.filter(
            psks_worker__trainings__event=event,
            psks_worker__trainings__certificate_number__isnull=False,
        ).values_list("pk", flat=True)
    )
    untrained_workers = (
        PsksWorker.objects.filter(psks_type__number__in=[2, 11])
        .exclude(trained_q())
        .exclude(Q(trainings__event=event))
    )
    untrained = list(
        User.objects.filter(psks_worker__in=untrained_workers).values_list("pk", flat=True)
    )
    out = []
    span_after = max(1, (after[1].year - after[0].year) * 12 + after[1].month - after[0].month)
    for label, ids in (("Peserta (bersertifikat)", trained), ("Belum terlatih", untrained)):
        for period, (start, end), n_months in (
            ("sebelum", before, months),
            ("sesudah", after, span_after),
        ):
            submitted, fields, verified, hours = _window(ids, start, end)
            out.append(
                GroupPeriod(label, period, len(ids), n_months, submitted, fields, verified, hours)
            )
    return out
