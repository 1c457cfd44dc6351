"""The deployment's own regency and its areas (settings.PILAR_REGION)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from pilar.regions.models import District, Regency, Village


def region_code() -> str:
    return settings.PILAR_REGION


def regency() -> Regency:
    return Regency.objects.select_related("province").get(code=region_code())


def districts() -> QuerySet[District]:
    """The deployment's kecamatan."""
    return District.objects.filter(regency_id=region_code()).order_by("code")


def villages() -> QuerySet[Village]:
    """The deployment's kelurahan."""
    return (
        Village.objects.filter(district__regency_id=region_code())
        .select_related("district")
        .order_by("code")
    )


def normalize_code(raw: str) -> str:
    """'3671011001' or '36.71.01.1001' -> '36.71.01.1001' (dots as Kemendagri writes them)."""
    digits = "".join(ch for ch in str(raw) if ch.isdigit())
    parts = [digits[:2], digits[2:4], digits[4:6], digits[6:10]]
    return ".".join(p for p in parts if p)
