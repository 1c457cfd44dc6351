"""What every recap builder receives, and helpers they share."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pilar.core.formatting import month_label
from pilar.recaps.periods import Area

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User


@dataclass(frozen=True)
class Context:
    """A recap request: who asks (restricted health types), which area and month, and
    the date printed at the signature."""

    user: User | None  # None: the monthly report, read as a leader reads it
    area: Area
    month: datetime.date
    signed_on: datetime.date

    @property
    def may_see_health(self) -> bool:
        return bool(getattr(self.user, "can_see_health_data", False))

    @property
    def period(self) -> str:
        return f"Keadaan akhir bulan {month_label(self.month)}"

    def slug(self, name: str) -> str:
        code = self.area.code.replace(".", "")
        return f"{name}-{code}-{self.month:%Y-%m}"


def change(now: int | None, before: int | None) -> int | None:
    """The change from a year earlier; None when either figure is missing."""
    if now is None or before is None:
        return None
    return now - before


def percent(part, whole) -> float | None:
    if not whole or part is None:
        return None
    return round(float(part) * 100.0 / float(whole), 1)
