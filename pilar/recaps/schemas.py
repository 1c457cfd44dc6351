"""API schemas of the recaps (`/api/v1/figures/recaps/...`)."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Schema


class RecapKindOut(Schema):
    slug: str
    title: str
    description: str


class RecapAreaOut(Schema):
    code: str
    name: str
    is_city: bool


class RecapIndexOut(Schema):
    recaps: list[RecapKindOut]
    areas: list[RecapAreaOut]
    first_month: str
    current_month: str


class RecapTableOut(Schema):
    title: str
    stub_headers: list[str]
    headers: list[str]
    rows: list[dict[str, Any]]
    notes: list[str]


class RecapOut(Schema):
    slug: str
    title: str
    period: str
    month: str
    area_code: str
    area_name: str
    tables: list[RecapTableOut]


class MonthlyReportOut(Schema):
    month: str
    status: str
    size: int
    finished_at: datetime.datetime | None
    url: str | None
