"""Enrollment: from the candidate list to the completed benefit. Dinas Sosial and
admins only for every write (403 otherwise); every write is all-or-none.

The package, by topic:

- periods.py: the program period and, for monthly programs, its months;
- candidates.py: the candidate list (generated from the rule, or added by hand);
- transitions.py: the state machine (propose, approve, reject, complete);
- budget.py: quota and budget usage, and the checks approval and delivery make;
- deliveries.py: recording deliveries (one, or one month to many) and reading them.

The names below are the package's public API, used by the pages, the API, the
house renovations (`deliver(..., via_handover=True)`), the demo and benchmarks:
`from pilar.programs import enrollment` then `enrollment.approve(...)`.
"""

from pilar.programs.enrollment.budget import budget_usage, quota_usage
from pilar.programs.enrollment.candidates import enroll, generate_candidates, last_generation
from pilar.programs.enrollment.deliveries import (
    deliver,
    deliver_month,
    deliveries_for,
    delivery_summary,
)
from pilar.programs.enrollment.periods import (
    is_monthly,
    month_label,
    month_start,
    parse_month,
    period_months,
    program_period,
)
from pilar.programs.enrollment.transitions import approve, complete, complete_many, propose, reject

__all__ = [
    "approve",
    "budget_usage",
    "complete",
    "complete_many",
    "deliver",
    "deliver_month",
    "deliveries_for",
    "delivery_summary",
    "enroll",
    "generate_candidates",
    "is_monthly",
    "last_generation",
    "month_label",
    "month_start",
    "parse_month",
    "period_months",
    "program_period",
    "propose",
    "quota_usage",
    "reject",
]
