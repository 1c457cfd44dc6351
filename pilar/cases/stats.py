"""Figures of "PPKS handled and reduced": per kecamatan or per PPKS type, the open
cases, the cases closed in a period by outcome, and the overdue ones. One grouped
query per table (conditional counts), scoped like the case list."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, F, Q

from pilar.cases.choices import ENDING_OUTCOMES, CaseStatus, Outcome
from pilar.cases.models import Case
from pilar.cases.querysets import overdue_q
from pilar.core.dates import today

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

GROUPS = {
    "kecamatan": (
        "record__household__village__district_id",
        "record__household__village__district__name",
    ),
    "jenis": ("record__ppks_type__number", "record__ppks_type__name"),
}


@dataclass
class Row:
    key: str | int
    name: str
    open: int = 0
    overdue: int = 0
    closed: dict[str, int] = field(default_factory=dict)

    @property
    def closed_total(self) -> int:
        return sum(self.closed.values())

    @property
    def reduced(self) -> int:
        """Closed with an outcome that ended the PPKS record (PPKS reduced)."""
        return sum(self.closed.get(str(o), 0) for o in ENDING_OUTCOMES)

    @property
    def closed_list(self) -> list[int]:
        return [self.closed.get(o, 0) for o in Outcome.values]


def summary(
    user: User, group: str, start: datetime.date, end: datetime.date
) -> tuple[list[Row], Row]:
    """Rows of the summary table and the total row. `group`: kecamatan or jenis."""
    key_path, name_path = GROUPS[group]
    closed_in_period = Q(status=CaseStatus.CLOSED, closed_on__gte=start, closed_on__lte=end)
    counts = {
        "n_open": Count("pk", filter=~Q(status=CaseStatus.CLOSED)),
        "n_overdue": Count("pk", filter=overdue_q(today())),
    }
    for outcome in Outcome.values:
        counts[f"n_{outcome}"] = Count("pk", filter=closed_in_period & Q(outcome=outcome))
    qs = (
        Case.objects.restrict(user, "view")
        .values(key=F(key_path), name=F(name_path))
        .annotate(**counts)
        .order_by("key")
    )
    rows = []
    total = Row(key="", name="Jumlah")
    for item in qs:
        closed = {o: item[f"n_{o}"] for o in Outcome.values}
        row = Row(item["key"], item["name"], item["n_open"], item["n_overdue"], closed)
        if not (row.open or row.overdue or row.closed_total):
            continue
        rows.append(row)
        total.open += row.open
        total.overdue += row.overdue
        for o, n in closed.items():
            total.closed[o] = total.closed.get(o, 0) + n
    return rows, total
