"""Background task of the recaps (django-tasks; run by `pilar db_worker`): the
monthly report, queued by the /rekap/ page or `pilar figures monthly --enqueue`."""

from __future__ import annotations

import datetime

from django.db import transaction
from django_tasks import task

from pilar.accounts.models import User
from pilar.recaps import monthly, periods
from pilar.recaps.models import MonthlyReport, ReportStatus


@task()
def generate_monthly(month: str, user_id: int | None = None) -> str:
    user = User.objects.filter(pk=user_id).first() if user_id else None
    report = monthly.generate(periods.parse_month(month), acting_user=user)
    return report.status


def queue_report(month: datetime.date, *, acting_user: User | None) -> MonthlyReport:
    """Mark the month's report as waiting and queue it for the task worker once the
    mark is committed (the list shows "Menunggu" until the worker takes it)."""
    report, _ = MonthlyReport.objects.update_or_create(
        month=month,
        defaults={"status": ReportStatus.QUEUED, "error": "", "requested_by": acting_user},
    )
    user_id = acting_user.pk if acting_user else None
    transaction.on_commit(lambda: generate_monthly.enqueue(f"{month:%Y-%m}", user_id))
    return report
