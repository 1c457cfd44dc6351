"""What the submission exports contain: the submission list (same filter as the
page), the turnaround table, and the frozen BNBA list of an SK.

The submission list always masks No. KK; the SK's BNBA list masks NIK and No. KK
unless the user may reveal them (`user.can_reveal_ids`), as the registry exports
do. Views log every export (log_access EXPORT).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from pilar.accounts.models import User
from pilar.core.identity import mask
from pilar.core.tables import DATE, DECIMAL, INT, Column
from pilar.submissions.bnba import COLUMNS as BNBA_COLUMNS


def id_reader(user: User):
    if getattr(user, "can_reveal_ids", False):
        return lambda value: value or ""
    return mask


def _name(user: User) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _local_date(value):
    return timezone.localdate(value) if value else None


WAITING = ("diajukan", "diverifikasi")


def age_days(submission, now=None) -> int | None:
    """Whole days a waiting submission (submitted or verified) has waited since its
    latest submission; None once it left the chain or before it entered it."""
    if submission.submitted_at is None or submission.status not in WAITING:
        return None
    return ((now or timezone.now()) - submission.submitted_at).days


def summary(submission) -> str:
    """Address of the household, or of the proposed new household."""
    if submission.household_id is not None and submission.household is not None:
        return submission.household.address
    data = (submission.payload or {}).get("household") or {}
    return str(data.get("address") or "")


# Submission list ----------------------------------------------------------------


def submission_rows(qs: QuerySet) -> QuerySet:
    return qs.select_related("verified_by", "decided_by")


def submission_columns(user: User) -> list[Column]:
    """The list as on screen. No. KK is always masked here: this export tracks the
    workflow; full numbers come from the registry exports (for roles that may)."""
    kk = mask
    now = timezone.now()
    return [
        Column("No. laporan", lambda r: r.pk, INT, width=10),
        Column("Jenis laporan", lambda r: r.get_kind_display(), width=26),
        Column("Status", lambda r: r.get_status_display(), width=22),
        Column("Kecamatan", lambda r: r.village.district.name, width=18),
        Column("Kelurahan", lambda r: r.village.name, width=18),
        Column("Alamat", summary, width=32),
        Column(
            "No. KK",
            lambda r: kk(r.household.no_kk) if r.household_id and r.household else "",
            width=20,
        ),
        Column("Pelapor", lambda r: _name(r.reporter), width=20),
        Column("Tanggal kunjungan", lambda r: r.visit_date, DATE, width=14),
        Column("Diajukan", lambda r: _local_date(r.submitted_at), DATE, width=12),
        Column("Menunggu (hari)", lambda r: age_days(r, now), INT, width=10),
        Column("Revisi", lambda r: r.revision, INT, width=8),
        Column("Diverifikasi", lambda r: _local_date(r.verified_at), DATE, width=12),
        Column("Diverifikasi oleh", lambda r: _name(r.verified_by), width=20),
        Column("Divalidasi/ditolak", lambda r: _local_date(r.decided_at), DATE, width=14),
        Column("Divalidasi/ditolak oleh", lambda r: _name(r.decided_by), width=22),
    ]


# Turnaround -------------------------------------------------------------------


def turnaround_columns(area_label: str) -> list[Column]:
    return [
        Column("Kode", lambda r: r["code"], width=14),
        Column(area_label, lambda r: r["name"], width=22),
        Column("Diajukan dalam periode", lambda r: r["submitted"], INT, width=12),
        Column("Sudah diverifikasi", lambda r: r["verified"], INT, width=12),
        Column("Sudah divalidasi", lambda r: r["validated"], INT, width=12),
        Column("Ditolak", lambda r: r["rejected"], INT, width=10),
        Column("Median hari ajukan→verifikasi", lambda r: r["median_verify"], DECIMAL, width=14),
        Column("Median hari ajukan→validasi", lambda r: r["median_validate"], DECIMAL, width=14),
        Column("Menunggu verifikasi", lambda r: r["waiting_verification"], INT, width=12),
        Column("Menunggu validasi", lambda r: r["waiting_validation"], INT, width=12),
        Column("Tunggu terlama (hari)", lambda r: r["oldest_waiting_days"], INT, width=12),
    ]


# BNBA of an SK --------------------------------------------------------------------


def _cell(key: str, masked: bool = False) -> Callable[[dict], Any]:
    if masked:
        return lambda row: mask(row.get(key) or "")
    return lambda row: row.get(key, "")


def bnba_columns(user: User) -> list[Column]:
    """bnba.COLUMNS over the frozen rows; NIK/KK masked unless the user may reveal."""
    reveal = getattr(user, "can_reveal_ids", False)
    out = []
    for key, header in BNBA_COLUMNS:
        if key in ("nik", "no_kk"):
            out.append(Column(header, _cell(key, masked=not reveal), width=20))
        elif key in ("no", "laporan"):
            out.append(Column(header, _cell(key), INT, width=8))
        else:
            out.append(Column(header, _cell(key), width=18))
    return out
