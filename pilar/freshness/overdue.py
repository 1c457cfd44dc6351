"""Reading freshness: the due list of a kelurahan, overdue counts per kelurahan and
kecamatan (for the pages and the dashboard), and the TKSK alert when a kecamatan's
overdue share passes PILAR_OVERDUE_ALERT_PERCENT."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from pilar.accounts.choices import Role
from pilar.accounts.models import User
from pilar.core.dates import today
from pilar.freshness.models import HouseholdFreshness, OverdueAlert
from pilar.regions.models import District
from pilar.registry.annotations import head_name
from pilar.submissions.models import Notification


def soon_limit(day: datetime.date | None = None) -> datetime.date:
    return (day or today()) + datetime.timedelta(days=settings.PILAR_FRESHNESS_SOON_DAYS)


def due_list(
    user: User, village: str, *, day: datetime.date | None = None, overdue_only: bool = False
) -> QuerySet:
    """Households of a kelurahan due for a visit (overdue first, then by due date),
    within `user`'s area. Reads the (village, due_on) index."""
    day = day or today()
    qs = HouseholdFreshness.objects.restrict(user, "view").filter(village_id=village)
    qs = qs.filter(due_on__lt=day) if overdue_only else qs.filter(due_on__lte=soon_limit(day))
    return (
        qs.select_related("household").annotate(head=head_name()).order_by("due_on", "household_id")
    )


@dataclass
class AreaCount:
    code: str
    name: str
    district: str
    total: int
    overdue: int
    due: int

    @property
    def overdue_percent(self) -> Decimal:
        if not self.total:
            return Decimal(0)
        return (Decimal(self.overdue) * 100 / self.total).quantize(Decimal("0.1"))


def village_counts(
    user: User, day: datetime.date | None = None, district: str = ""
) -> list[AreaCount]:
    """Per kelurahan in `user`'s area: households, overdue and due within the window."""
    day = day or today()
    qs = HouseholdFreshness.objects.restrict(user, "view")
    if district:
        qs = qs.filter(village__code__startswith=district + ".")
    rows = (
        qs.values("village_id", "village__name", "village__district__name")
        .annotate(
            total=Count("pk"),
            overdue=Count("pk", filter=Q(due_on__lt=day)),
            due=Count("pk", filter=Q(due_on__gte=day, due_on__lte=soon_limit(day))),
        )
        .order_by("village__district__name", "village__name")
    )
    return [
        AreaCount(
            r["village_id"],
            r["village__name"],
            r["village__district__name"],
            r["total"],
            r["overdue"],
            r["due"],
        )
        for r in rows
    ]


def district_counts(day: datetime.date | None = None) -> list[AreaCount]:
    """Per kecamatan of the deployment (no user scope: for alerts and the dashboard)."""
    day = day or today()
    totals: dict[str, list[int]] = {}
    rows = (
        HouseholdFreshness.objects.filter(village__code__startswith=settings.PILAR_REGION + ".")
        .values("village__district_id")
        .annotate(
            total=Count("pk"),
            overdue=Count("pk", filter=Q(due_on__lt=day)),
            due=Count("pk", filter=Q(due_on__gte=day, due_on__lte=soon_limit(day))),
        )
    )
    for r in rows:
        totals[r["village__district_id"]] = [r["total"], r["overdue"], r["due"]]
    names = dict(District.objects.filter(pk__in=list(totals)).values_list("pk", "name"))
    return [
        AreaCount(code, names.get(code, code), names.get(code, code), *totals[code])
        for code in sorted(totals)
    ]


def _n(value) -> str:
    """Indonesian number: 1.234 and 12,5."""
    return f"{value:,}".replace(",", "_").replace(".", ",").replace("_", ".")


def check_alerts(day: datetime.date | None = None) -> list[str]:
    """Notify the TKSK of each kecamatan whose overdue share has just passed the
    threshold; a kecamatan back under it is re-armed. Returns the kecamatan notified."""
    threshold = Decimal(settings.PILAR_OVERDUE_ALERT_PERCENT)
    notified: list[str] = []
    states = {a.district_id: a for a in OverdueAlert.objects.all()}
    for area in district_counts(day):
        share = area.overdue_percent
        state = states.get(area.code) or OverdueAlert(district_id=area.code)
        above = share > threshold
        if above and not state.above:
            url = reverse("freshness:overview") + f"?kecamatan={area.code}"
            message = (
                f"Kunjungan terlambat di Kecamatan {area.name}: "
                f"{_n(area.overdue)} dari {_n(area.total)} keluarga ({_n(share)}%), "
                f"melewati batas {_n(threshold)}%."
            )
            tksk = User.objects.filter(role=Role.TKSK, district_id=area.code, is_active=True)
            Notification.objects.bulk_create(
                Notification(user=u, message=message[:300], url=url) for u in tksk
            )
            state.notified_at = timezone.now()
            notified.append(area.code)
        state.above = above
        state.share = share
        state.save()
    return notified
