"""Deliveries: one payment or handover to an approved enrollment (`deliver`), one
month of a monthly program to many at once (`deliver_month`), with the evidence
file checked by content; and reading them back (`deliveries_for`,
`delivery_summary`). Payments never exceed the budget (budget.check_budget)."""

from __future__ import annotations

import datetime
import os
import uuid
from decimal import Decimal
from typing import Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F

from pilar.accounts.models import User
from pilar.core.dates import today
from pilar.core.errors import ErrorCollector, InvalidInput
from pilar.core.images import BadImage, read_image
from pilar.core.numbers import parse_amount
from pilar.core.templatetags.pilar_tags import rupiah
from pilar.programs.actions import check_manager
from pilar.programs.choices import BenefitType, EnrollmentStatus, StepAction
from pilar.programs.enrollment.budget import check_budget
from pilar.programs.enrollment.periods import is_monthly, month_label, month_start, period_months
from pilar.programs.enrollment.transitions import check_area, locked_enrollments, move
from pilar.programs.models import Delivery, Enrollment, EnrollmentStep, Program
from pilar.registry.choices import RestrictedProcessing
from pilar.registry.restriction import check_processing, refuse_batch, subject_of

S = EnrollmentStatus

EVIDENCE_LIMIT = 10 * 1024 * 1024
MSG_EVIDENCE_KIND = "Bukti penyaluran harus berupa PDF atau foto (JPEG, PNG, WebP)."


def _check_evidence(errors: ErrorCollector, evidence: UploadedFile | None) -> None:
    """An evidence upload must be a PDF or a photo (judged by its content, not its
    name) of at most 10 MB."""
    if not evidence:
        return
    if (evidence.size or 0) > EVIDENCE_LIMIT:
        errors.add("evidence", "Berkas bukti terlalu besar (maksimal 10 MB).")
        return
    evidence.seek(0)
    head = evidence.read(8)
    evidence.seek(0)
    if head.startswith(b"%PDF-"):
        return
    try:
        read_image(evidence, "bukti", EVIDENCE_LIMIT)
    except BadImage:
        errors.add("evidence", MSG_EVIDENCE_KIND)
    evidence.seek(0)


def _check_day(errors: ErrorCollector, delivered_on: datetime.date | None) -> None:
    if delivered_on is None:
        errors.add("delivered_on", "Tanggal penyaluran wajib diisi.")
    elif delivered_on > today():
        errors.add("delivered_on", "Tanggal penyaluran tidak boleh di masa depan.")


def _status_refusal(row: Enrollment, monthly: bool) -> InvalidInput | None:
    if row.status in (S.REJECTED, S.COMPLETED):
        msg = (
            f"Manfaat tidak dapat disalurkan: kepesertaan ini berstatus "
            f"{row.get_status_display().lower()}."
        )
    elif row.status == S.DELIVERED and not monthly:
        msg = "Manfaat program ini disalurkan sekali dan sudah disalurkan" + (
            f" pada {row.delivered_on:%d-%m-%Y}." if row.delivered_on else "."
        )
    elif row.status not in (S.APPROVED, S.DELIVERED):
        msg = (
            "Manfaat hanya dapat disalurkan kepada kepesertaan yang sudah disetujui "
            f"(status sekarang: {row.get_status_display().lower()})."
        )
    else:
        return None
    return InvalidInput({"__all__": [msg]}, message=msg, codes={"__all__": "status"})


def _month_refusal(program: Program, month: datetime.date) -> str:
    """Why `month` cannot be paid in this program ('' when it may)."""
    months = period_months(program)
    if month in months:
        return ""
    if not months:
        return "Periode program belum diisi: isi tahun atau tanggal mulai/selesai program."
    return (
        f"Bulan {month_label(month)} di luar periode program "
        f"({month_label(months[0])} s.d. {month_label(months[-1])})."
    )


MSG_VIA_HANDOVER = (
    "Bantuan bedah rumah disalurkan lewat serah terima pekerjaannya di menu Bedah Rumah "
    "(dengan foto dan keadaan rumah sesudahnya), bukan dicatat langsung di sini."
)


def _check_not_renovation(program: Program, via_handover: bool) -> None:
    if (
        program.benefit_type == BenefitType.HOUSE_RENOVATION
        and not program.is_national
        and not via_handover
    ):
        raise InvalidInput(
            {"__all__": [MSG_VIA_HANDOVER]},
            message=MSG_VIA_HANDOVER,
            codes={"__all__": "via_handover"},
        )


def deliver(
    enrollment: Enrollment,
    *,
    acting_user: User,
    delivered_on: datetime.date | None,
    amount: Any,
    amount_reason: str = "",
    note: str = "",
    evidence: UploadedFile | None = None,
    complete: bool = False,
    month: datetime.date | None = None,
    via_handover: bool = False,
    override_basis: str = "",
    override_reason: str = "",
) -> Enrollment:
    """Record one delivery (a Delivery row: date, amount, evidence file or note) to
    an approved enrollment, then optionally mark it completed. An amount other than
    the planned one (program amount, or the school level's) needs a reason.

    One-off and yearly programs: one delivery, approved -> delivered; `month` must
    be None. Monthly programs: `month` (any day of it; default the month of
    `delivered_on`) must lie in the program period and not be paid yet; the first
    payment moves approved -> delivered, later ones keep it delivered.

    A local house-renovation benefit (Bedah Rumah) is delivered by the handover of
    its renovation (pilar.renovations, `via_handover=True`), which records the house
    after the work; a direct delivery is refused.

    A person (or household head) whose processing is restricted (decision 43) is
    not paid unless an override basis and reason are given; the override is recorded.

    Returns the enrollment (its delivered_* fields now repeat this delivery) with
    the new Delivery as `.delivery`."""
    check_manager(acting_user)
    _check_not_renovation(enrollment.program, via_handover)
    errors = ErrorCollector()
    _check_day(errors, delivered_on)
    value = parse_amount(errors, "amount", amount, "Nilai disalurkan")
    if amount in (None, ""):
        errors.add("amount", "Nilai disalurkan wajib diisi.")
    if not evidence and not (note or "").strip():
        errors.add("evidence", "Unggah bukti penyaluran atau tulis catatannya.")
    _check_evidence(errors, evidence)
    with transaction.atomic():
        # The program row first, as approvals do: the budget check sees every payment.
        program = Program.objects.select_for_update().get(pk=enrollment.program_id)
        row = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        check_area(acting_user, row.village_id)  # the stored row, not the caller's copy
        # A handover is the end of a renovation already allowed to start (its opening
        # was checked); paying it out is not a new processing.
        if not via_handover:
            check_processing(
                subject_of(person_id=row.person_id, household_id=row.household_id),
                acting_user=acting_user,
                purpose=RestrictedProcessing.PROGRAM_DELIVERY,
                target=f"kepesertaan #{row.pk} program {program.code}",
                override_basis=override_basis,
                override_reason=override_reason,
            )
        monthly = is_monthly(program)
        refusal = _status_refusal(row, monthly)
        if refusal is not None:
            raise refusal
        paid_month = None
        if monthly:
            day = month or delivered_on
            if day is not None:
                paid_month = month_start(day)
                why = _month_refusal(program, paid_month)
                if why:
                    errors.add("period_month", why, "period")
                else:
                    earlier = row.deliveries.filter(period_month=paid_month).first()
                    if earlier is not None:
                        errors.add(
                            "period_month",
                            f"Bulan {month_label(paid_month)} sudah dibayarkan kepada peserta "
                            f"ini pada {earlier.delivered_on:%d-%m-%Y}.",
                            "paid",
                        )
        elif month is not None:
            errors.add(
                "period_month", "Program ini tidak dibayar per bulan: jangan isi bulan.", "period"
            )
        planned = row.amount
        reason = (amount_reason or "").strip()
        if value is not None and planned is not None and value != planned and not reason:
            errors.add(
                "amount_reason",
                f"Nilai disalurkan ({rupiah(value)}) berbeda dari nilai program "
                f"({rupiah(planned)}): tuliskan alasannya.",
                "amount_differs",
            )
        if value is not None:
            check_budget(errors, program, value)
        errors.raise_if_any()
        assert delivered_on is not None and value is not None
        delivery = Delivery(
            enrollment=row,
            period_month=paid_month,
            delivered_on=delivered_on,
            amount=value,
            planned_amount=planned,
            amount_reason=reason,
            note=(note or "").strip(),
            actor=acting_user,
        )
        if evidence:
            delivery.evidence = evidence
        delivery.save()
        before = row.status
        _show_latest(row, delivery)
        row.status = S.DELIVERED
        row.save()
        label = f"Bulan {month_label(paid_month)}" if paid_month else ""
        EnrollmentStep.objects.create(
            enrollment=row,
            action=StepAction.DELIVER,
            from_status=before,
            to_status=S.DELIVERED,
            actor=acting_user,
            note=" · ".join(t for t in (label, delivery.note or reason) if t),
        )
        if complete:
            move([row], S.COMPLETED, StepAction.COMPLETE, acting_user)
            row.status = S.COMPLETED
    row.delivery = delivery  # type: ignore[attr-defined]
    return row


def _show_latest(row: Enrollment, delivery: Delivery) -> None:
    """The enrollment's delivered_* fields repeat its latest delivery."""
    row.delivered_on = delivery.delivered_on
    row.delivered_amount = delivery.amount
    row.amount_reason = delivery.amount_reason
    row.delivery_note = delivery.note
    row.evidence = delivery.evidence.name or ""


def deliver_month(
    program: Program,
    ids: list[int],
    *,
    acting_user: User,
    month: datetime.date | None,
    delivered_on: datetime.date | None,
    note: str = "",
    evidence: UploadedFile | None = None,
) -> int:
    """Pay one month of a monthly program to the selected approved or delivered
    enrollments, each its planned amount ("salurkan bulan X"). All or none: one
    enrollment that may not be paid (status, month already paid, no planned amount)
    or a month outside the period or a budget overrun leaves everything as it was.
    One evidence file (e.g. the bank's transfer list) is stored once and shared."""
    check_manager(acting_user)
    _check_not_renovation(program, via_handover=False)
    errors = ErrorCollector()
    _check_day(errors, delivered_on)
    if month is None:
        errors.add("period_month", "Pilih bulan yang dibayarkan.")
    if not evidence and not (note or "").strip():
        errors.add("evidence", "Unggah bukti penyaluran atau tulis catatannya.")
    _check_evidence(errors, evidence)
    if not is_monthly(program):
        msg = "Penyaluran per bulan hanya untuk program yang dibayar per bulan."
        raise InvalidInput({"__all__": [msg]}, message=msg, codes={"__all__": "not_monthly"})
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=program.pk)
        rows = locked_enrollments(
            program, ids, (S.APPROVED, S.DELIVERED), "disalurkan", acting_user=acting_user
        )
        refuse_batch(rows, purpose=RestrictedProcessing.PROGRAM_DELIVERY)
        paid_month = month_start(month) if month else None
        if paid_month is not None:
            why = _month_refusal(program, paid_month)
            if why:
                errors.add("period_month", why, "period")
            else:
                paid = list(
                    Delivery.objects.filter(
                        enrollment_id__in=[e.pk for e in rows], period_month=paid_month
                    ).values_list("enrollment_id", flat=True)
                )
                if paid:
                    errors.add(
                        "__all__",
                        f"{len(paid)} peserta sudah dibayar untuk bulan {month_label(paid_month)} "
                        f"(ID {', '.join(str(i) for i in sorted(paid)[:10])}"
                        f"{', ...' if len(paid) > 10 else ''}). Tidak ada yang dicatat.",
                        "paid",
                    )
        no_amount = [e.pk for e in rows if e.amount is None]
        if no_amount:
            errors.add(
                "__all__",
                f"{len(no_amount)} peserta belum memiliki nilai manfaat; salurkan satu per satu.",
                "amount",
            )
        total = sum((e.amount or Decimal(0) for e in rows), Decimal(0))
        check_budget(errors, program, total, "__all__")
        if errors.errors:
            first = next(iter(errors.errors.values()))[0]
            raise InvalidInput(errors.errors, message=first, codes=errors.codes)
        assert delivered_on is not None and paid_month is not None
        stored = ""
        if evidence:
            # Not part of the transaction: removed below if the writes fail.
            ext = os.path.splitext(evidence.name or "")[1].lower()[:10]
            stored = default_storage.save(
                f"penyaluran/{program.pk}/bulan-{paid_month:%Y-%m}-{uuid.uuid4().hex[:8]}{ext}",
                evidence,
            )
        clean_note = (note or "").strip()
        try:
            Delivery.objects.bulk_create(
                Delivery(
                    enrollment_id=e.pk,
                    period_month=paid_month,
                    delivered_on=delivered_on,
                    amount=e.amount or Decimal(0),  # never None: refused above
                    planned_amount=e.amount,
                    note=clean_note,
                    evidence=stored,
                    actor=acting_user,
                )
                for e in rows
            )
            # The enrollments' delivered_* fields repeat this delivery (as _show_latest).
            move(
                rows,
                S.DELIVERED,
                StepAction.DELIVER,
                acting_user,
                " · ".join(t for t in (f"Bulan {month_label(paid_month)}", clean_note) if t),
                delivered_on=delivered_on,
                delivered_amount=F("amount"),
                amount_reason="",
                delivery_note=clean_note,
                evidence=stored,
            )
        except BaseException:
            if stored:
                default_storage.delete(stored)
            raise
    return len(rows)


def deliveries_for(enrollment_ids: list[int]) -> dict[int, list[Delivery]]:
    """The deliveries of the given enrollments, by enrollment, oldest month first
    (one query, for list pages, exports and the API)."""
    out: dict[int, list[Delivery]] = {i: [] for i in enrollment_ids}
    for d in (
        Delivery.objects.filter(enrollment_id__in=enrollment_ids)
        .select_related("actor")
        .order_by("enrollment_id", "period_month", "delivered_on", "pk")
    ):
        out[d.enrollment_id].append(d)
    return out


def delivery_summary(deliveries: list[Delivery]) -> dict:
    """Months paid, number of deliveries and total paid of one enrollment."""
    months = [d.period_month for d in deliveries if d.period_month]
    return {
        "count": len(deliveries),
        "total": sum((d.amount for d in deliveries), Decimal(0)),
        "months": months,
        "months_text": ", ".join(f"{m:%Y-%m}" for m in months),
    }
