"""The demo's figures: a year of field reports behind the verification chart, kept
figures recounted after the demo's own writes, the months before today backfilled from
the records' dates (so the dashboard's trends have a year and more behind them), and
this month frozen; the same for the pending visits of /kinerja/ (pilar.freshness.monthly):
this month recorded as the nightly `pilar freshness` does, past months not frozen: a
household's verification date is one stored value with no history (the demo sets it
after the fact) and its reports carry today's status, so the due date it had at a past
month's end cannot be rebuilt, and a past month frozen now would be today's estimate
labelled exact; they show as "perkiraan"."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from pilar.accounts.models import User
from pilar.core.dates import today
from pilar.demo.reports import _data
from pilar.demo.users import psm_username, tksk_username
from pilar.figures import refresh, snapshots
from pilar.freshness import monthly as due_months
from pilar.freshness.refresh import refresh as refresh_freshness
from pilar.registry.models import Household
from pilar.submissions import actions
from pilar.submissions.models import Submission, SubmissionStep


def seed(months: int = 18) -> int:
    """Returns how many past months were backfilled."""
    seed_report_history()
    # The history's visit dates were moved back by UPDATE (no signal): recount.
    refresh_freshness()
    due_months.freeze()
    refresh.rebuild()
    made = snapshots.backfill_missing(limit_months=months)
    snapshots.freeze()
    return len(made)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def seed_report_history(months: int = 12, per_month: int = 4) -> int:
    """Small corrections reported by PSM over the last `months` months, verified by
    their TKSK and validated (or rejected) by Dinas Sosial through the actions; their
    timestamps are then moved into the month they stand for (synthetic history: the
    actions stamp "now"). Returns how many reports were made; none if some exist
    already beyond the demo's first five."""
    if Submission.objects.count() > 5:
        return 0
    dinsos = User.objects.filter(username="dinsos").first()
    if dinsos is None:
        return 0
    rng = random.Random(13)
    households = list(
        Household.objects.filter(is_active=True).order_by("pk").values_list("pk", "village_id")
    )
    if not households:
        return 0
    made = 0
    this_month = today().replace(day=1)
    for back in range(months, 0, -1):
        month = this_month
        for _ in range(back):
            month = snapshots.previous(month)
        for _ in range(per_month + rng.randint(-1, 2)):
            household_id, village_id = rng.choice(households)
            psm = User.objects.filter(username=psm_username(village_id)).first()
            tksk = User.objects.filter(username=tksk_username(village_id[:8])).first()
            if psm is None or tksk is None:
                continue
            household = Household.objects.get(pk=household_id)
            submitted = month + datetime.timedelta(days=rng.randint(0, 20))
            with transaction.atomic():
                report, _ = actions.create_submission(
                    acting_user=psm,
                    data=_data(
                        "perubahan", {"household": {"rt": str(rng.randint(1, 12))}}, household
                    ),
                )
                actions.verify_submission(report, acting_user=tksk)
                rejected = rng.random() < 0.15
                if rejected:
                    actions.reject_submission(
                        report, acting_user=dinsos, reason="RT tidak sesuai KK (data demo)."
                    )
                else:
                    actions.validate_submission(report, acting_user=dinsos)
                verified = submitted + datetime.timedelta(days=rng.randint(0, 4))
                decided = verified + datetime.timedelta(days=rng.randint(1, 9 if back > 6 else 5))
                Submission.objects.filter(pk=report.pk).update(
                    visit_date=submitted - datetime.timedelta(days=1),
                    submitted_at=_at(submitted, 9),
                    first_submitted_at=_at(submitted, 9),
                    verified_at=_at(verified, 10),
                    decided_at=_at(decided, 14),
                    created_at=_at(submitted, 8),
                )
                for step in SubmissionStep.objects.filter(submission=report):
                    when = {"dibuat": (submitted, 8), "diajukan": (submitted, 9)}.get(
                        step.action,
                        (verified, 10) if step.action == "diverifikasi" else (decided, 14),
                    )
                    SubmissionStep.objects.filter(pk=step.pk).update(at=_at(*when))
            made += 1
    return made
