"""The enrollment state machine: propose (candidate -> proposed), approve within
quota and budget, reject, complete. Dinas Sosial and admins only (403 otherwise).

Each transition is all-or-none: a batch where one enrollment cannot move leaves
all of them as they were. Approval locks the program row first
(select_for_update), so two approvals at once are serialized and the second one
counts the first one's approvals before checking quota and budget. Every move
writes an EnrollmentStep; the UPDATE fires the row-history triggers.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from pilar.accounts.models import User
from pilar.accounts.scope import village_allowed
from pilar.core.errors import ErrorCollector, InvalidInput, NotAllowed
from pilar.core.templatetags.pilar_tags import rupiah
from pilar.programs.actions import check_manager
from pilar.programs.choices import EnrollmentStatus, Level, StepAction
from pilar.programs.enrollment.budget import approval_cost, budget_usage, in_area, quota_usage
from pilar.programs.enrollment.periods import program_period
from pilar.programs.models import (
    MSG_TWICE_HOUSEHOLD,
    MSG_TWICE_PERSON,
    Candidate,
    Enrollment,
    EnrollmentStep,
    Program,
)
from pilar.registry.choices import RestrictedProcessing
from pilar.registry.restriction import refuse_batch

S = EnrollmentStatus

MSG_NOTHING = "Pilih paling sedikit satu data."
MSG_STALE = "Sebagian data tidak ditemukan pada program ini. Muat ulang halaman."


def locked_enrollments(
    program: Program, ids: list[int], allowed: tuple[str, ...], verb: str, *, acting_user: User
) -> list[Enrollment]:
    """The enrollments `ids` of `program` inside `acting_user`'s area, locked;
    InvalidInput (nothing done) when one is missing or not in an allowed status.
    An id outside the area reads exactly like a missing one (architecture pattern 9):
    the same message, and no status named."""
    ids = sorted({int(i) for i in ids})
    if not ids:
        raise InvalidInput({"__all__": [MSG_NOTHING]}, message=MSG_NOTHING)
    rows = list(
        Enrollment.objects.restrict(acting_user, "change")
        # Only the enrollment rows: the area filter may join the kelurahan table.
        .select_for_update(of=("self",))
        .filter(program_id=program.pk, pk__in=ids)
        .order_by("pk")
    )
    # Candidates are not enrollments until proposed (their own table): name their
    # status rather than calling them missing.
    found = {e.pk for e in rows}
    missing = [i for i in ids if i not in found]
    listed = (
        Candidate.objects.restrict(acting_user, "change")
        .filter(program_id=program.pk, pk__in=missing)
        .count()
        if missing
        else 0
    )
    if len(missing) != listed:
        raise InvalidInput({"__all__": [MSG_STALE]}, message=MSG_STALE, codes={"__all__": "stale"})
    wrong = [e for e in rows if e.status not in allowed]
    if wrong or listed:
        statuses = {e.get_status_display().lower() for e in wrong}
        if listed:
            statuses.add(S.CANDIDATE.label.lower())
        labels = ", ".join(sorted(statuses))
        msg = (
            f"{len(wrong) + listed} data tidak dapat {verb} karena berstatus {labels}. "
            "Tidak ada yang diubah."
        )
        raise InvalidInput({"__all__": [msg]}, message=msg, codes={"__all__": "stale"})
    return rows


def check_area(acting_user: User, village_id: str) -> None:
    """An enrollment named by the caller must lie in their "change" area; outside it
    reads as missing (NotAllowed: 404 in the API and the pages)."""
    if not village_allowed(acting_user, village_id, "change"):
        raise NotAllowed


def move(
    rows: list[Enrollment], to: str, action: str, actor: User, note: str = "", **fields: Any
) -> None:
    """Move `rows` to status `to` (the UPDATE carries `fields` too) and write one
    EnrollmentStep each."""
    ids = [e.pk for e in rows]
    # The UPDATE fires the row-history triggers for every row.
    Enrollment.objects.filter(pk__in=ids).update(status=to, updated_at=timezone.now(), **fields)
    EnrollmentStep.objects.bulk_create(
        EnrollmentStep(
            enrollment_id=e.pk,
            action=action,
            from_status=e.status,
            to_status=to,
            actor=actor,
            note=note,
        )
        for e in rows
    )


def propose(program: Program, ids: list[int], *, acting_user: User, note: str = "") -> int:
    """Propose candidates, all or none: each becomes an Enrollment with the same id
    (status proposed, row history from here on, a step from candidate to proposed)
    and leaves the candidate list. Refused when one is no longer listed (the list was
    regenerated) or is already an enrollment."""
    check_manager(acting_user)
    ids = sorted({int(i) for i in ids})
    if not ids:
        raise InvalidInput({"__all__": [MSG_NOTHING]}, message=MSG_NOTHING)
    with transaction.atomic():
        Program.objects.select_for_update().get(pk=program.pk)
        rows = list(
            Candidate.objects.restrict(acting_user, "change")
            .select_for_update(of=("self",))
            .filter(program_id=program.pk, pk__in=ids)
            .order_by("pk")
        )
        if len(rows) != len(ids):
            found = {c.pk for c in rows}
            # Raises (no status is allowed): which ones are enrollments already, or stale
            # (missing and outside the area alike).
            locked_enrollments(
                program,
                [i for i in ids if i not in found],
                (),
                "diusulkan",
                acting_user=acting_user,
            )
        refuse_batch(rows, purpose=RestrictedProcessing.PROGRAM_APPROVAL)
        try:
            with transaction.atomic():
                Enrollment.objects.bulk_create(
                    Enrollment(
                        pk=c.pk,
                        program_id=c.program_id,
                        period=c.period,
                        household_id=c.household_id,
                        person_id=c.person_id,
                        village_id=c.village_id,
                        status=S.PROPOSED,
                        priority_total=c.priority_total,
                        priority_parts=c.priority_parts,  # from priority_pairs
                        amount=c.amount,
                        school_level=c.school_level,
                    )
                    for c in rows
                )
        except IntegrityError as exc:  # enrolled in the period by another path meanwhile
            msg = MSG_TWICE_PERSON if program.level == Level.PERSON else MSG_TWICE_HOUSEHOLD
            raise InvalidInput({"__all__": [msg]}, message=msg, codes={"__all__": "twice"}) from exc
        EnrollmentStep.objects.bulk_create(
            EnrollmentStep(
                enrollment_id=c.pk,
                action=StepAction.PROPOSE,
                from_status=S.CANDIDATE,
                to_status=S.PROPOSED,
                actor=acting_user,
                note=note,
            )
            for c in rows
        )
        Candidate.objects.filter(pk__in=ids).delete()
    return len(rows)


def approve(program: Program, ids: list[int], *, acting_user: User, note: str = "") -> int:
    """Approve proposed enrollments, all or none, within every quota of the areas
    they are in and within the program's budget."""
    check_manager(acting_user)
    with transaction.atomic():
        # The program row is the lock every approval of this program takes first.
        program = Program.objects.select_for_update().get(pk=program.pk)
        rows = locked_enrollments(program, ids, (S.PROPOSED,), "disetujui", acting_user=acting_user)
        refuse_batch(rows, purpose=RestrictedProcessing.PROGRAM_APPROVAL)
        errors = ErrorCollector()
        period = program_period(program)
        for usage in quota_usage(program, period):
            adding = sum(1 for e in rows if in_area(e.village_id, usage["area_code"]))
            if adding and usage["used"] + adding > usage["quota"]:
                errors.add(
                    "__all__",
                    f"Kuota wilayah {usage['area_code']} terlampaui: kuota {usage['quota']}, "
                    f"sudah disetujui {usage['used']}, akan ditambah {adding}.",
                    "quota",
                )
        if program.budget is not None:
            usage = budget_usage(program, period)
            adding_amount = approval_cost(program, rows)
            if usage["used"] + adding_amount > program.budget:
                errors.add(
                    "__all__",
                    f"Pagu anggaran terlampaui: pagu {rupiah(program.budget)}, terpakai "
                    f"{rupiah(usage['used'])} (dibayar {rupiah(usage['paid'])}, terikat "
                    f"{rupiah(usage['committed'])}), akan ditambah {rupiah(adding_amount)}.",
                    "budget",
                )
        if errors.errors:
            raise InvalidInput(
                errors.errors, message=errors.errors["__all__"][0], codes=errors.codes
            )
        move(rows, S.APPROVED, StepAction.APPROVE, acting_user, note)
    return len(rows)


def reject(program: Program, ids: list[int], *, acting_user: User, reason: str) -> int:
    check_manager(acting_user)
    reason = (reason or "").strip()
    if not reason:
        msg = "Alasan penolakan wajib diisi."
        raise InvalidInput({"reason": [msg]}, message=msg)
    with transaction.atomic():
        rows = locked_enrollments(
            program, ids, (S.PROPOSED, S.APPROVED), "ditolak", acting_user=acting_user
        )
        move(rows, S.REJECTED, StepAction.REJECT, acting_user, reason, reject_reason=reason)
    return len(rows)


def complete(enrollment: Enrollment, *, acting_user: User, note: str = "") -> Enrollment:
    complete_many(enrollment.program, [enrollment.pk], acting_user=acting_user, note=note)
    enrollment.refresh_from_db()
    return enrollment


def complete_many(program: Program, ids: list[int], *, acting_user: User, note: str = "") -> int:
    """Mark delivered enrollments completed, all or none (a monthly pupil who
    received every month, or left school: nothing more is owed)."""
    check_manager(acting_user)
    with transaction.atomic():
        rows = locked_enrollments(
            program, ids, (S.DELIVERED,), "diselesaikan", acting_user=acting_user
        )
        move(rows, S.COMPLETED, StepAction.COMPLETE, acting_user, note)
    return len(rows)
