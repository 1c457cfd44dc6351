"""Pieces shared by the list filters (registry, PPKS): parsing query parameters
and narrowing by area, so every list reads them the same way."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict

from django.db.models import QuerySet

from pilar.regions.deployment import normalize_code


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def area_params(params: Mapping) -> dict[str, str]:
    """`kecamatan` and `kelurahan` codes from query parameters, dots optional."""

    return {
        "kecamatan": normalize_code(str(params.get("kecamatan") or ""))[:8],
        "kelurahan": normalize_code(str(params.get("kelurahan") or "")),
    }


def filter_area(qs: QuerySet, village_path: str, kecamatan: str, kelurahan: str) -> QuerySet:
    """Narrow rows whose kelurahan is at `village_path` to a kecamatan and/or kelurahan."""
    if kecamatan:
        qs = qs.filter(**{f"{village_path}__district_id": kecamatan})
    if kelurahan:
        qs = qs.filter(**{f"{village_path}_id": kelurahan})
    return qs


class FilterMixin:
    """For filter dataclasses: the non-empty values (logged with exports)."""

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in ("", None)}  # type: ignore[call-overload]
