"""Quota and budget of a program period: how many approvals each quota area has
left, and what is paid, committed (still owed) and left of the budget. Approval
and delivery check against these figures under the program row lock."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum

from pilar.core.dates import today
from pilar.core.errors import ErrorCollector
from pilar.core.templatetags.pilar_tags import rupiah
from pilar.programs.choices import COUNTED_ENROLLMENT, EnrollmentStatus, StepAction
from pilar.programs.enrollment.periods import (
    is_monthly,
    month_start,
    months_from,
    period_months,
    program_period,
)
from pilar.programs.models import Delivery, Enrollment, EnrollmentStep, Program

S = EnrollmentStatus

# Quotas ---------------------------------------------------------------------------------


def _counted(program: Program, period: int) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(program_id=program.pk, period=period).filter(
        status__in=COUNTED_ENROLLMENT
    )


def quota_usage(program: Program, period: int | None = None) -> list[dict]:
    """Per quota area: quota, used (approved, delivered, completed) and left."""
    period = period or program_period(program)
    counted = _counted(program, period)
    out = []
    for q in program.quotas.all():
        used = counted.filter(_area_filter(q.area_code)).count()
        out.append(
            {"area_code": q.area_code, "quota": q.quota, "used": used, "left": q.quota - used}
        )
    return out


def _area_filter(code: str) -> Q:
    if code.count(".") >= 3:  # a kelurahan
        return Q(village_id=code)
    return Q(village__code__startswith=code + ".")


def in_area(village_id: str, code: str) -> bool:
    """Whether kelurahan `village_id` lies in quota area `code` (`_area_filter` in Python)."""
    return village_id == code or village_id.startswith(code + ".")


# Budget ---------------------------------------------------------------------------------


def paid_sum(program: Program, period: int) -> Decimal:
    return Delivery.objects.filter(
        enrollment__program_id=program.pk, enrollment__period=period
    ).aggregate(s=Sum("amount"))["s"] or Decimal(0)


def _committed_monthly(program: Program, period: int) -> Decimal:
    """Planned amount x the months still to pay of every approved or delivered
    (not completed) enrollment. A pupil's months run from the month of approval
    (or the period's first month, if later) to the period's last month; months
    paid in that window are not counted again. One statement, whatever the size."""
    months = period_months(program)
    if not months:
        return Decimal(0)
    enrollment = Enrollment._meta.db_table
    step = EnrollmentStep._meta.db_table
    delivery = Delivery._meta.db_table
    # Set-based (hash joins over the period's rows, no per-row subqueries): the
    # enrollment list shows these figures on every page view.
    sql = f"""
        WITH e AS (
            SELECT id, amount FROM {enrollment}
            WHERE program_id = %(program)s AND period = %(period)s
              AND status IN (%(approved)s, %(delivered)s) AND amount IS NOT NULL
        ), approved AS (
            SELECT s.enrollment_id,
                   date_trunc('month', max(s.at) AT TIME ZONE %(tz)s)::date AS month
            FROM {step} s JOIN e ON e.id = s.enrollment_id
            WHERE s.action = %(approve)s
            GROUP BY s.enrollment_id
        ), w AS (
            SELECT e.id, e.amount, GREATEST(%(first)s::date, COALESCE(a.month, %(first)s::date))
                   AS start
            FROM e LEFT JOIN approved a ON a.enrollment_id = e.id
        ), paid AS (
            SELECT d.enrollment_id, count(*) AS n
            FROM {delivery} d JOIN w ON w.id = d.enrollment_id
            WHERE d.period_month BETWEEN w.start AND %(last)s
            GROUP BY d.enrollment_id
        )
        SELECT COALESCE(SUM(w.amount * GREATEST(0,
                 (EXTRACT(YEAR FROM %(last)s::date) * 12 + EXTRACT(MONTH FROM %(last)s::date))
               - (EXTRACT(YEAR FROM w.start) * 12 + EXTRACT(MONTH FROM w.start)) + 1
               - COALESCE(p.n, 0))), 0)
        FROM w LEFT JOIN paid p ON p.enrollment_id = w.id
    """
    params: dict[str, Any] = {
        "first": months[0],
        "last": months[-1],
        "tz": settings.TIME_ZONE,
        "approve": str(StepAction.APPROVE),
        "program": program.pk,
        "period": period,
        "approved": str(S.APPROVED),
        "delivered": str(S.DELIVERED),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return Decimal(cursor.fetchone()[0])


def _committed(program: Program, period: int) -> Decimal:
    if is_monthly(program):
        return _committed_monthly(program, period)
    # One-off and yearly programs: the planned amount of each approved enrollment not
    # delivered yet (a delivered one's payment is in `paid`).
    return Enrollment.objects.filter(
        program_id=program.pk, period=period, status=S.APPROVED
    ).filter(~Exists(Delivery.objects.filter(enrollment_id=OuterRef("pk")))).aggregate(
        s=Sum("amount")
    )["s"] or Decimal(0)


def budget_usage(program: Program, period: int | None = None) -> dict:
    """The program period's budget: `paid` (sum of the deliveries recorded),
    `committed` (still owed to approved and delivered enrollments: the planned
    amount once for one-off programs not yet delivered; for monthly programs the
    planned amount x the unpaid months from approval to the period's end), `used`
    (paid + committed) and `left` (budget - used; None figures without a budget).
    Completed enrollments owe nothing more."""
    period = period or program_period(program)
    paid = paid_sum(program, period)
    committed = _committed(program, period)
    used = paid + committed
    left = program.budget - used if program.budget is not None else None
    return {
        "budget": program.budget,
        "paid": paid,
        "committed": committed,
        "used": used,
        "left": left,
    }


def approval_cost(program: Program, rows) -> Decimal:
    """What approving `rows` now adds to the committed figure: the planned amount
    once, or for a monthly program x the months from this month to the period end."""
    total = sum((e.amount or Decimal(0) for e in rows), Decimal(0))
    if is_monthly(program):
        first = period_months(program)[:1]
        start = max(month_start(today()), first[0]) if first else month_start(today())
        return total * months_from(program, start)
    return total


def check_budget(
    errors: ErrorCollector, program: Program, adding: Decimal, field: str = "amount"
) -> None:
    """What is paid never exceeds the budget (approval already keeps the planned
    amounts within it; an amount raised with a reason must fit too)."""
    if program.budget is None:
        return
    paid = paid_sum(program, program_period(program))
    if paid + adding > program.budget:
        errors.add(
            field,
            f"Pagu anggaran terlampaui: pagu {rupiah(program.budget)}, sudah dibayar "
            f"{rupiah(paid)}, akan dibayar {rupiah(adding)}.",
            "budget",
        )
