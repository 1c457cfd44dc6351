"""Writes to the PSKS worker registry. Pages and the Django admin go through here.

Everything is validated first (InvalidInput with Indonesian messages keyed by
field, nothing written), then saved in one transaction; row history is
captured by the pghistory triggers on PsksWorker.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from pilar.accounts.choices import Role
from pilar.core.dates import parse_date
from pilar.core.errors import ErrorCollector, NotAllowed
from pilar.core.text import check_text
from pilar.psks.models import PsksType, PsksWorker
from pilar.regions.deployment import normalize_code
from pilar.regions.models import District, Village
from pilar.registry.identity import IdentityError, validate_nik

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

# Roles that maintain the worker registry (the whole city's field force).
MANAGER_ROLES = {Role.ADMIN, Role.DINSOS}

# PSKS type numbers (reference.py) whose area rules are checked: a PSM serves
# one kelurahan, a TKSK a whole kecamatan.
PSM_TYPE_NUMBER = 2
TKSK_TYPE_NUMBER = 11

WORKER_FIELDS = [
    "psks_type",
    "name",
    "nik",
    "phone",
    "email",
    "address",
    "district",
    "village",
    "active_from",
    "active_until",
    "notes",
]

PHONE_RE = re.compile(r"^\+?\d{8,15}$")


def can_manage(user: User) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role in MANAGER_ROLES
    )


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _resolve_type(errors: ErrorCollector, value: Any) -> PsksType | None:
    if isinstance(value, PsksType):
        return value
    raw = _text(value)
    if not raw:
        errors.add("psks_type", "Jenis PSKS wajib dipilih.")
        return None
    found = PsksType.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    if found is None:
        errors.add("psks_type", f"Jenis PSKS '{raw}' tidak dikenal.")
    return found


def _resolve_district(errors: ErrorCollector, value: Any) -> District | None:
    if isinstance(value, District):
        district: District | None = value
        raw = value.pk
    else:
        raw = _text(value)
        if not raw:
            errors.add("district", "Kecamatan wajib diisi.")
            return None
        district = District.objects.filter(pk=normalize_code(raw)).first()
    if district is None or district.regency_id != settings.PILAR_REGION:
        errors.add("district", f"Kecamatan '{raw}' tidak dikenal di wilayah ini.")
        return None
    return district


def _resolve_village(errors: ErrorCollector, value: Any) -> Village | None:
    if isinstance(value, Village):
        village: Village | None = value
        raw = value.pk
    else:
        raw = _text(value)
        if not raw:
            return None
        village = Village.objects.select_related("district").filter(pk=normalize_code(raw)).first()
    if village is None or not village.pk.startswith(settings.PILAR_REGION + "."):
        errors.add("village", f"Kelurahan '{raw}' tidak dikenal di wilayah ini.")
        return None
    return village


def clean_worker(data: dict) -> dict:
    """Validate raw values (form strings or typed values) into model field values."""
    errors = ErrorCollector()
    out: dict[str, Any] = {}

    out["psks_type"] = psks_type = _resolve_type(errors, data.get("psks_type"))

    out["name"] = check_text(errors, "name", data.get("name"), max_length=150, collapse_spaces=True)
    if not out["name"] and "name" not in errors:
        errors.add("name", "Nama wajib diisi.")

    out["nik"] = ""
    if _text(data.get("nik")):
        try:
            out["nik"] = validate_nik(data.get("nik"))
        except IdentityError as exc:
            errors.add("nik", str(exc))

    phone = re.sub(r"[\s\-().]", "", _text(data.get("phone")))
    out["phone"] = phone
    if phone and not PHONE_RE.match(phone):
        errors.add(
            "phone",
            "Nomor telepon hanya boleh berisi angka (boleh diawali +), 8–15 digit. "
            "Contoh: 081234567890 atau +6281234567890.",
        )

    out["email"] = _text(data.get("email")).lower()
    if out["email"]:
        try:
            validate_email(out["email"])
        except ValidationError:
            errors.add("email", "Alamat email tidak valid.")
    out["address"] = check_text(errors, "address", data.get("address"), max_length=255)
    out["notes"] = check_text(errors, "notes", data.get("notes"), multiline=True)

    out["district"] = district = _resolve_district(errors, data.get("district"))
    out["village"] = village = _resolve_village(errors, data.get("village"))
    if district is not None and village is not None and village.district_id != district.pk:
        errors.add(
            "village", f"Kelurahan {village.name} tidak berada di Kecamatan {district.name}."
        )
    if psks_type is not None:
        if psks_type.number == PSM_TYPE_NUMBER and village is None and "village" not in errors:
            errors.add("village", "PSM wajib ditugaskan di satu kelurahan.")
        if psks_type.number == TKSK_TYPE_NUMBER and (village is not None or "village" in errors):
            errors.errors.pop("village", None)
            errors.add(
                "village", "TKSK ditugaskan untuk satu kecamatan; kosongkan isian kelurahan."
            )

    out["active_from"] = parse_date(errors, "active_from", data.get("active_from"), "Aktif sejak")
    if out["active_from"] is None and "active_from" not in errors:
        errors.add("active_from", "Tanggal mulai aktif wajib diisi.")
    out["active_until"] = parse_date(
        errors, "active_until", data.get("active_until"), "Aktif sampai"
    )
    if out["active_from"] and out["active_until"] and out["active_until"] < out["active_from"]:
        errors.add("active_until", "Tanggal akhir aktif tidak boleh sebelum tanggal mulai aktif.")

    errors.raise_if_any()
    return out


def _check_can_manage(user: User) -> None:
    if not can_manage(user):
        raise NotAllowed


@transaction.atomic
def create_worker(*, acting_user: User, data: dict) -> PsksWorker:
    _check_can_manage(acting_user)
    values = clean_worker(data)
    worker = PsksWorker(**values)
    worker.save()
    return worker


@transaction.atomic
def update_worker(worker: PsksWorker, *, acting_user: User, data: dict) -> PsksWorker:
    """Partial update: fields missing from `data` keep their current value."""
    _check_can_manage(acting_user)
    if not PsksWorker.objects.restrict(acting_user, "change").filter(pk=worker.pk).exists():
        raise NotAllowed
    merged = {field: getattr(worker, field) for field in WORKER_FIELDS}
    merged.update({k: v for k, v in data.items() if k in WORKER_FIELDS})
    values = clean_worker(merged)
    changed = [field for field, value in values.items() if getattr(worker, field) != value]
    for field in changed:
        setattr(worker, field, values[field])
    if changed:
        worker.save(update_fields=changed)
    return worker
