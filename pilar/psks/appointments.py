"""Writes and rules of PSKS decrees (SK penugasan) and allowances (tali asih).

A worker is appointed on a day when one of their SKs covers it (start <= day <= its
last day). Without an active SK a worker cannot be assigned work (cases check
`may_be_assigned`) nor receive an allowance for a period. A TKSK may hold two SKs at
once (Kemensos and the head of Dinas Sosial), never two of the same issuer.
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from pilar.core.dates import parse_date, today
from pilar.core.errors import ErrorCollector, InvalidInput, NotAllowed
from pilar.core.numbers import parse_amount
from pilar.core.text import check_text
from pilar.psks.actions import TKSK_TYPE_NUMBER, can_manage
from pilar.psks.choices import EndReason, Issuer
from pilar.psks.models import Allowance, AllowancePeriod, Appointment, PsksWorker
from pilar.regions.deployment import normalize_code
from pilar.regions.models import Village

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

MAX_DECREE_BYTES = 10 * 1024 * 1024
DECREE_TYPES = {".pdf", ".jpg", ".jpeg", ".png"}
ACCOUNT_RE = re.compile(r"^\d{6,20}$")


def _require_manager(user: User) -> None:
    if not can_manage(user):
        raise NotAllowed


# Active SKs ---------------------------------------------------------------------------


def active_on_q(day: datetime.date, prefix: str = "") -> Q:
    """SKs in force on `day` (Q on Appointment, or through `prefix`)."""
    p = prefix
    return Q(**{f"{p}starts_on__lte": day, f"{p}ends_on__gte": day}) & (
        Q(**{f"{p}ended_on__isnull": True}) | Q(**{f"{p}ended_on__gte": day})
    )


def active_during_q(start: datetime.date, end: datetime.date) -> Q:
    """SKs in force on at least one day of [start, end]."""
    return Q(starts_on__lte=end, ends_on__gte=start) & (
        Q(ended_on__isnull=True) | Q(ended_on__gte=start)
    )


def has_active_sk(worker: PsksWorker | int, day: datetime.date | None = None) -> bool:
    pk = getattr(worker, "pk", worker)
    return Appointment.objects.filter(active_on_q(day or today()), worker_id=pk).exists()


def appointed_q(day: datetime.date) -> Q:
    """Q on PsksWorker: holds an SK in force on `day`."""
    return Q(Exists(Appointment.objects.filter(active_on_q(day), worker=OuterRef("pk"))))


def may_be_assigned(user: Any, day: datetime.date | None = None) -> bool:
    """Whether work may be assigned to `user`: staff accounts (not linked to a PSKS
    worker) always; a TKSK/PSM account only while its worker holds an active SK."""
    worker_id = getattr(user, "psks_worker_id", None)
    if not worker_id:
        return True
    return has_active_sk(worker_id, day)


def ending_soon(user: User, day: datetime.date | None = None) -> QuerySet[Appointment]:
    """SKs in force today that end within PILAR_SK_WARNING_DAYS, with no later SK of the
    same issuer taking over, for workers in `user`'s area."""
    day = day or today()
    horizon = day + datetime.timedelta(days=settings.PILAR_SK_WARNING_DAYS)
    successor = Appointment.objects.filter(
        worker=OuterRef("worker"), issuer=OuterRef("issuer"), starts_on__gt=OuterRef("ends_on")
    )
    workers = PsksWorker.objects.restrict(user, "view").values("pk")
    return (
        Appointment.objects.filter(active_on_q(day), worker__in=workers, ended_on__isnull=True)
        .filter(ends_on__lte=horizon)
        .exclude(Exists(successor))
        .select_related("worker__psks_type", "worker__district", "worker__village")
        .order_by("ends_on", "pk")
    )


# Writing an SK ------------------------------------------------------------------------


def _check_file(errors: ErrorCollector, upload) -> None:
    if upload is None:
        return
    name = str(getattr(upload, "name", "") or "")
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if suffix not in DECREE_TYPES:
        errors.add("decree_file", "Pindaian SK harus PDF, JPG atau PNG.")
    if upload.size > MAX_DECREE_BYTES:
        errors.add("decree_file", "Pindaian SK paling besar 10 MB.")


def clean_appointment(worker: PsksWorker, data: dict, *, exclude_pk: int | None = None) -> dict:
    errors = ErrorCollector()
    out: dict[str, Any] = {}
    out["number"] = check_text(errors, "number", data.get("number"), max_length=100)
    if not out["number"] and "number" not in errors:
        errors.add("number", "Nomor SK wajib diisi.")
    issuer = str(data.get("issuer") or "").strip()
    if issuer not in Issuer.values:
        errors.add("issuer", "Pilih penerbit SK.")
    out["issuer"] = issuer
    out["decree_date"] = parse_date(
        errors, "decree_date", data.get("decree_date"), "Tanggal SK", required=True, past=True
    )
    out["starts_on"] = start = parse_date(
        errors, "starts_on", data.get("starts_on"), "Berlaku mulai", required=True
    )
    out["ends_on"] = end = parse_date(
        errors, "ends_on", data.get("ends_on"), "Berlaku sampai", required=True
    )
    if start and end and end < start:
        errors.add("ends_on", "Tanggal akhir SK tidak boleh sebelum tanggal mulai.")
    # The area of duty: the worker's own unless the SK names another kelurahan.
    village_raw = str(data.get("village") or "").strip()
    village = None
    if village_raw:
        village = Village.objects.filter(pk=normalize_code(village_raw)).first()
        if village is None or not village.pk.startswith(settings.PILAR_REGION + "."):
            errors.add("village", "Kelurahan tidak dikenal di wilayah ini.")
            village = None
    elif worker.psks_type.number != TKSK_TYPE_NUMBER:
        village = worker.village
    out["village"] = village
    out["district_id"] = village.district_id if village is not None else worker.district_id
    if worker.psks_type.number == TKSK_TYPE_NUMBER and village is not None:
        errors.add("village", "SK TKSK berlaku untuk satu kecamatan; kosongkan kelurahan.")
    if out["number"] and issuer:
        same = Appointment.objects.filter(issuer=issuer, number=out["number"])
        if exclude_pk:
            same = same.exclude(pk=exclude_pk)
        if same.exists():
            errors.add("number", f"SK nomor {out['number']} dari penerbit ini sudah tercatat.")
    if start and end and end >= start and issuer:
        overlap = Appointment.objects.filter(worker=worker, issuer=issuer).filter(
            active_during_q(start, end)
        )
        if exclude_pk:
            overlap = overlap.exclude(pk=exclude_pk)
        clash = overlap.first()
        if clash is not None:
            errors.add(
                "starts_on",
                f"Masa berlaku bertumpuk dengan SK {clash.number} dari penerbit yang sama "
                f"({clash.starts_on:%d-%m-%Y} s.d. {clash.last_day:%d-%m-%Y}).",
            )
    _check_file(errors, data.get("decree_file"))
    errors.raise_if_any()
    return out


def _in_scope(user: User, worker: PsksWorker) -> None:
    if not PsksWorker.objects.restrict(user, "view").filter(pk=worker.pk).exists():
        raise NotAllowed


@transaction.atomic
def record_appointment(worker: PsksWorker, *, acting_user: User, data: dict) -> Appointment:
    _require_manager(acting_user)
    _in_scope(acting_user, worker)
    values = clean_appointment(worker, data)
    upload = data.get("decree_file")
    appointment = Appointment(worker=worker, created_by=acting_user, **values)
    if upload is not None:
        appointment.decree_file = upload
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError:
        raise InvalidInput({"number": ["Nomor SK ini sudah tercatat."]}) from None
    return appointment


@transaction.atomic
def end_appointment(
    appointment: Appointment, *, acting_user: User, ended_on: Any, reason: Any, note: Any = ""
) -> Appointment:
    """Record an early end (pemberhentian)."""
    _require_manager(acting_user)
    _in_scope(acting_user, appointment.worker)
    errors = ErrorCollector()
    day = parse_date(errors, "ended_on", ended_on, "Tanggal berhenti", required=True)
    if day is not None and day < appointment.starts_on:
        errors.add("ended_on", "Tanggal berhenti tidak boleh sebelum SK berlaku.")
    if day is not None and day > appointment.ends_on:
        errors.add("ended_on", "Tanggal berhenti sesudah SK berakhir: tidak perlu diberhentikan.")
    if appointment.ended_on is not None:
        errors.add("ended_on", f"SK ini sudah diberhentikan per {appointment.ended_on:%d-%m-%Y}.")
    code = str(reason or "").strip()
    if code not in EndReason.values:
        errors.add("end_reason", "Pilih alasan pemberhentian.")
    text = check_text(errors, "end_note", note, multiline=True, max_length=1000)
    errors.raise_if_any()
    appointment.ended_on = day
    appointment.end_reason = code
    appointment.end_note = text
    appointment.save(update_fields=["ended_on", "end_reason", "end_note"])
    return appointment


# Allowances ---------------------------------------------------------------------------


def _amount(errors: ErrorCollector, field: str, value: Any, label: str) -> int | None:
    amount = parse_amount(errors, field, value, label, decimals=0)
    if amount is None and field not in errors:
        errors.add(field, f"{label} wajib diisi.")
    if amount is not None and amount == 0:
        errors.add(field, f"{label} harus lebih dari Rp0.")
        return None
    return int(amount) if amount is not None else None


@transaction.atomic
def create_period(*, acting_user: User, data: dict) -> AllowancePeriod:
    _require_manager(acting_user)
    errors = ErrorCollector()
    name = check_text(errors, "name", data.get("name"), max_length=60)
    if not name and "name" not in errors:
        errors.add("name", "Nama periode wajib diisi, misalnya Januari 2026.")
    if name and AllowancePeriod.objects.filter(name__iexact=name).exists():
        errors.add("name", f"Periode {name} sudah ada.")
    start = parse_date(errors, "starts_on", data.get("starts_on"), "Tanggal mulai", required=True)
    end = parse_date(errors, "ends_on", data.get("ends_on"), "Tanggal selesai", required=True)
    if start and end and end < start:
        errors.add("ends_on", "Tanggal selesai tidak boleh sebelum tanggal mulai.")
    amount = _amount(errors, "amount", data.get("amount"), "Besaran")
    errors.raise_if_any()
    assert start is not None and end is not None and amount is not None
    return AllowancePeriod.objects.create(
        name=name, starts_on=start, ends_on=end, amount=amount, created_by=acting_user
    )


def payable_workers(period: AllowancePeriod, user: User) -> QuerySet[PsksWorker]:
    """Workers in `user`'s area holding an SK in force during the period."""
    sks = Appointment.objects.filter(
        active_during_q(period.starts_on, period.ends_on), worker=OuterRef("pk")
    )
    return PsksWorker.objects.restrict(user, "view").filter(Exists(sks))


@transaction.atomic
def create_allowances(
    period: AllowancePeriod,
    *,
    acting_user: User,
    worker_ids: list[Any] | None = None,
    amount: Any = None,
) -> int:
    """Allowances of the period for the named workers (or every payable worker without
    one yet when `worker_ids` is None). A worker without an SK in force in the period,
    or already holding an allowance of the period, refuses the whole request."""
    _require_manager(acting_user)
    errors = ErrorCollector()
    value = period.amount if amount in (None, "") else _amount(errors, "amount", amount, "Besaran")
    payable = payable_workers(period, acting_user)
    if worker_ids is None:
        workers = list(payable.exclude(allowances__period=period))
        if not workers:
            errors.add(
                "__all__", "Semua pekerja ber-SK aktif sudah mendapat tali asih periode ini."
            )
    else:
        ids: list[int] = []
        for raw in worker_ids:
            text = str(raw).strip()
            if not text.isdigit() or len(text) > 18:
                errors.add("workers", f"Pekerja '{text}' tidak dikenal.")
            else:
                ids.append(int(text))
        scoped = {
            w.pk: w for w in PsksWorker.objects.restrict(acting_user, "view").filter(pk__in=ids)
        }
        allowed = set(payable.filter(pk__in=ids).values_list("pk", flat=True))
        paid = dict(
            Allowance.objects.filter(period=period, worker_id__in=ids).values_list(
                "worker_id", "worker__name"
            )
        )
        workers = []
        for pk in ids:
            worker = scoped.get(pk)
            if worker is None:
                errors.add("workers", f"Pekerja #{pk} tidak ditemukan.")
            elif pk in paid:
                errors.add(
                    "workers", f"{worker.name} sudah mendapat tali asih periode {period.name}."
                )
            elif pk not in allowed:
                errors.add(
                    "workers", f"{worker.name} tidak memiliki SK aktif pada periode {period.name}."
                )
            else:
                workers.append(worker)
    errors.raise_if_any()
    assert value is not None
    rows = [
        Allowance(
            period=period,
            worker=w,
            amount=value,
            bank_name=w.bank_name,
            bank_account=w.bank_account,
            bank_account_name=w.bank_account_name,
            created_by=acting_user,
        )
        for w in workers
    ]
    try:
        with transaction.atomic():
            Allowance.objects.bulk_create(rows, batch_size=1000)
    except IntegrityError:
        raise InvalidInput(
            {"workers": ["Sebagian pekerja baru saja diberi tali asih periode ini; muat ulang."]}
        ) from None
    return len(rows)


@transaction.atomic
def mark_paid(
    period: AllowancePeriod, *, acting_user: User, allowance_ids: list[Any], paid_on: Any
) -> int:
    """Mark allowances of the period paid on a date. Those without a bank account are
    refused (the treasurer cannot transfer them)."""
    _require_manager(acting_user)
    errors = ErrorCollector()
    day = parse_date(errors, "paid_on", paid_on, "Tanggal bayar", required=True, past=True)
    ids = {
        int(str(x)) for x in allowance_ids or [] if str(x).strip().isdigit() and len(str(x)) <= 18
    }
    if not ids:
        errors.add("allowances", "Pilih tali asih yang dibayar.")
    errors.raise_if_any()
    workers = PsksWorker.objects.restrict(acting_user, "view").values("pk")
    rows = list(
        Allowance.objects.select_for_update()
        .filter(period=period, pk__in=ids, worker__in=workers)
        .select_related("worker")
    )
    if len(rows) != len(ids):
        errors.add("allowances", "Sebagian tali asih tidak ditemukan pada periode ini.")
    for row in rows:
        if not row.bank_account:
            errors.add("allowances", f"{row.worker.name}: nomor rekening belum ada.")
        if row.paid_on is not None:
            errors.add("allowances", f"{row.worker.name} sudah dibayar {row.paid_on:%d-%m-%Y}.")
    errors.raise_if_any()
    for row in rows:
        row.paid_on = day
        row.paid_by = acting_user
    Allowance.objects.bulk_update(rows, ["paid_on", "paid_by"])
    return len(rows)


@transaction.atomic
def set_bank_account(worker: PsksWorker, *, acting_user: User, data: dict) -> PsksWorker:
    """The worker's bank account; allowances not yet paid follow it."""
    _require_manager(acting_user)
    _in_scope(acting_user, worker)
    errors = ErrorCollector()
    bank = check_text(errors, "bank_name", data.get("bank_name"), max_length=60)
    account = re.sub(r"[\s.\-]", "", str(data.get("bank_account") or ""))
    if account and not ACCOUNT_RE.match(account):
        errors.add("bank_account", "Nomor rekening hanya angka, 6–20 digit.")
    holder = check_text(
        errors,
        "bank_account_name",
        data.get("bank_account_name"),
        max_length=150,
        collapse_spaces=True,
    )
    if account and not bank and "bank_name" not in errors:
        errors.add("bank_name", "Nama bank wajib diisi bila ada nomor rekening.")
    errors.raise_if_any()
    worker.bank_name, worker.bank_account, worker.bank_account_name = (
        bank,
        account,
        holder or worker.name,
    )
    if not account:
        worker.bank_account_name = holder
    worker.save(update_fields=["bank_name", "bank_account", "bank_account_name"])
    Allowance.objects.filter(worker=worker, paid_on__isnull=True).update(
        bank_name=worker.bank_name,
        bank_account=worker.bank_account,
        bank_account_name=worker.bank_account_name,
    )
    return worker
