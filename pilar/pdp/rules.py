"""Which persons the retention rule takes now (pilar.pdp.retention carries it out;
the retention page shows the same plan). See retention.py for the rule."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q, QuerySet

from pilar.core.dates import today
from pilar.pdp.choices import RetentionStage
from pilar.pdp.models import RetainedPerson
from pilar.registry.choices import LifeStatus
from pilar.registry.models import Person


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def gone_before(cutoff: datetime.date) -> Q:
    return Q(
        life_status__in=[LifeStatus.DIED, LifeStatus.MOVED],
        life_status_date__isnull=False,
        life_status_date__lte=cutoff,
    )


@dataclass
class Plan:
    reference_date: datetime.date
    minimise_years: int
    archive_years: int
    minimise: list[int] = field(default_factory=list)
    archive: list[int] = field(default_factory=list)


def plan(
    reference_date: datetime.date | None = None,
    *,
    minimise_years: int | None = None,
    archive_years: int | None = None,
) -> Plan:
    """Who the rule takes now: persons gone long enough and not yet at that stage."""
    ref = reference_date or today()
    m_years = int(
        minimise_years
        if minimise_years is not None
        else getattr(settings, "PILAR_RETENTION_MINIMISE_YEARS", 5)
    )
    a_years = int(
        archive_years
        if archive_years is not None
        else getattr(settings, "PILAR_RETENTION_ARCHIVE_YEARS", 10)
    )
    if a_years < m_years:
        raise ValueError("Masa arsip harus sama dengan atau lebih lama dari masa minimalisasi.")
    archived = RetainedPerson.objects.filter(stage=RetentionStage.ARCHIVE).values("person_id")
    touched = RetainedPerson.objects.values("person_id")
    archive: QuerySet = Person.objects.filter(gone_before(_years_before(ref, a_years))).exclude(
        pk__in=archived
    )
    minimise = (
        Person.objects.filter(gone_before(_years_before(ref, m_years)))
        .exclude(pk__in=touched)
        .exclude(pk__in=archive.values("pk"))
    )
    return Plan(
        reference_date=ref,
        minimise_years=m_years,
        archive_years=a_years,
        minimise=list(minimise.order_by("pk").values_list("pk", flat=True)),
        archive=list(archive.order_by("pk").values_list("pk", flat=True)),
    )
