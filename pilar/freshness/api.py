"""API of data freshness (mounted at /api/v1/visits): overdue and due counts per
kelurahan, and the due-visit list of one kelurahan, scoped like the pages."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ninja import Field, Query, Router, Schema

from pilar.accounts.scope import villages_for
from pilar.accounts.types import ApiRequest
from pilar.core.api import AUTH_PEOPLE, ERRORS, PageParams, paginate
from pilar.core.errors import NotAllowed
from pilar.freshness.overdue import due_list, village_counts
from pilar.regions.deployment import normalize_code

router = Router()


class CountOut(Schema):
    kelurahan: str
    kelurahan_name: str
    kecamatan_name: str
    households: int
    overdue: int
    due_soon: int
    overdue_percent: Decimal


class DueOut(Schema):
    household_id: int
    head: str | None
    address: str
    rt: str
    rw: str
    due_on: datetime.date
    due_reason: str
    event: str
    event_on: datetime.date | None
    last_visited_on: datetime.date | None
    last_verified_on: datetime.date | None


class DuePage(Schema):
    items: list[DueOut]
    count: int


class DueParams(PageParams):
    terlambat: bool = Field(False, description="Hanya yang sudah terlambat.")


@router.get(
    "/counts",
    response={200: list[CountOut], **ERRORS},
    auth=AUTH_PEOPLE,
    summary="Kunjungan terlambat per kelurahan",
)
def counts(request: ApiRequest, kecamatan: str = ""):
    """Per kelurahan di wilayah kerja: jumlah keluarga, yang terlambat dikunjungi, dan yang
    jatuh tempo dalam PILAR_FRESHNESS_SOON_DAYS hari."""
    district = normalize_code(kecamatan) if kecamatan.strip() else ""
    return [
        {
            "kelurahan": r.code,
            "kelurahan_name": r.name,
            "kecamatan_name": r.district,
            "households": r.total,
            "overdue": r.overdue,
            "due_soon": r.due,
            "overdue_percent": r.overdue_percent,
        }
        for r in village_counts(request.auth, district=district)
    ]


@router.get(
    "/due/{kelurahan}",
    response={200: DuePage, **ERRORS},
    auth=AUTH_PEOPLE,
    summary="Kunjungan jatuh tempo satu kelurahan",
)
def due(request: ApiRequest, kelurahan: str, params: Query[DueParams]):
    """Keluarga yang terlambat atau jatuh tempo dikunjungi, yang paling lama lebih dulu.
    Kelurahan di luar wilayah kerja dijawab 404."""
    code = normalize_code(kelurahan)
    if not villages_for(request.auth).filter(pk=code).exists():
        raise NotAllowed
    items, count = paginate(due_list(request.auth, code, overdue_only=params.terlambat), params)
    return {
        "items": [
            {
                "household_id": f.household_id,
                "head": f.head,
                "address": f.household.address,
                "rt": f.household.rt,
                "rw": f.household.rw,
                "due_on": f.due_on,
                "due_reason": f.due_reason,
                "event": f.event_kind,
                "event_on": f.event_on,
                "last_visited_on": f.last_visited_on,
                "last_verified_on": f.last_verified_on,
            }
            for f in items
        ],
        "count": count,
    }
