"""Enrollment actions: candidates from the rule, propose, approve within quota and
budget, reject, deliver, complete. Dinas Sosial and admins only (403 otherwise).

Each transition is all-or-none: a batch where one enrollment cannot move leaves
all of them as they were. Approval locks the program row first
(select_for_update), so two approvals at once are serialized and the second one
counts the first one's approvals before checking quota and budget.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import (
    Case,
    CharField,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from pilar.audit.bulk import (
    create_context,
    history_triggers_off,
    insert_with_events,
    write_events,
)
from pilar.core.errors import ErrorCollector, InvalidInput
from pilar.programs import priority, rules
from pilar.programs.actions import check_manager
from pilar.programs.choices import COUNTED_ENROLLMENT, EnrollmentStatus, Level, StepAction
from pilar.programs.models import (
    MSG_TWICE_HOUSEHOLD,
    MSG_TWICE_PERSON,
    Enrollment,
    EnrollmentStep,
    Program,
)

S = EnrollmentStatus

# Highest education completed -> the school level a pupil is in now (the registry
# has no "in school" flag; see seed.BELOW_SMA).
SCHOOL_LEVEL_BY_EDUCATION = {
    "tidak_sekolah": "SD",
    "belum_tamat_sd": "SD",
    "sd": "SMP",
    "smp": "SMA",
}

MSG_NO_RULE = "Program ini belum memiliki aturan kelayakan: susun aturannya dahulu."
MSG_NATIONAL = "Kepesertaan program nasional dicatat dari data pusat, bukan dari daftar kandidat."
MSG_NOTHING = "Pilih paling sedikit satu data."


def program_period(program: Program) -> int:
    """The period enrollments are counted in: the budget year, else the start
    year, else the current year."""
    from pilar.core.dates import today

    if program.year:
        return program.year
    if program.start_date:
        return program.start_date.year
    return today().year


# Candidates -------------------------------------------------------------------------


def _amount_annotations(program: Program) -> dict[str, Any]:
    money = DecimalField(max_digits=14, decimal_places=2)
    levels = program.amount_by_level or {}
    default = Value(program.amount, output_field=money)
    if program.level == Level.PERSON and levels:
        level_expr = Case(
            *[
                When(education=edu, then=Value(lvl))
                for edu, lvl in SCHOOL_LEVEL_BY_EDUCATION.items()
                if lvl in levels
            ],
            default=Value(""),
            output_field=CharField(),
        )
        amount_expr = Case(
            *[
                When(education=edu, then=Value(Decimal(str(levels[lvl])), output_field=money))
                for edu, lvl in SCHOOL_LEVEL_BY_EDUCATION.items()
                if lvl in levels
            ],
            default=default,
            output_field=money,
        )
        return {"c_level": level_expr, "c_amount": amount_expr}
    return {"c_level": Value("", output_field=CharField()), "c_amount": default}


def candidate_queryset(program: Program, user, period: int, reference_date=None):
    """The rows to insert: what the rule selects in the user's area, minus those
    with an enrollment in this program period (any status: a rejected household
    does not come back by itself), with priority parts and planned amount."""
    from pilar.core.dates import today

    ref = reference_date or today()
    level = program.level
    qs = rules.matching(program.rule, level, user, ref)
    taken = Enrollment.objects.filter(program_id=program.pk, period=period)
    if level == Level.HOUSEHOLD:
        qs = qs.filter(~Exists(taken.filter(household_id=OuterRef("pk"))))
        ids = {
            "c_household": F("pk"),
            "c_person": Value(None, output_field=IntegerField()),
            "c_village": F("village_id"),
        }
    else:
        qs = qs.filter(~Exists(taken.filter(person_id=OuterRef("pk"))))
        ids = {
            "c_household": F("household_id"),
            "c_person": F("pk"),
            "c_village": F("household__village_id"),
        }
    qs = qs.annotate(**ids, **_amount_annotations(program))
    return qs.order_by().values(*ids, "c_level", "c_amount")


def generate_candidates(program: Program, *, acting_user, reference_date=None) -> dict:
    """Replace the program period's candidates by a fresh list (set-based: one
    DELETE and one INSERT ... SELECT, whatever the number of rows). Proposed and
    later enrollments stay and are not listed again."""
    check_manager(acting_user)
    if program.is_national:
        raise InvalidInput({"__all__": [MSG_NATIONAL]}, message=MSG_NATIONAL)
    if not program.has_rule:
        raise InvalidInput({"rule": [MSG_NO_RULE]}, message=MSG_NO_RULE)
    period = program_period(program)
    table = Enrollment._meta.db_table
    with transaction.atomic(), history_triggers_off(Enrollment):
        Program.objects.select_for_update().get(pk=program.pk)
        from pilar.core.dates import today

        inner_sql, inner_params = candidate_queryset(
            program, acting_user, period, reference_date
        ).query.sql_with_params()
        scored, params = priority.scored_sql(inner_sql, inner_params, reference_date or today())
        parts, total = priority.parts_sql("c")
        # Row history is written set-based (audit/bulk.py, decision 16): the per-row
        # history triggers cost more than the insert itself at city scale.
        with connection.cursor() as cursor:
            context_id = create_context(
                cursor,
                {
                    "user": acting_user.pk,
                    "action": "generate_candidates",
                    "program": program.pk,
                    "period": period,
                },
            )
            stale = f"SELECT id FROM {table} WHERE program_id = %s AND period = %s AND status = %s"
            stale_params: list[Any] = [program.pk, period, str(S.CANDIDATE)]
            # One set-based DELETE (no per-row cascade collection: candidates have no
            # steps; a row another table still points at makes the database refuse).
            write_events(cursor, Enrollment, "delete", context_id, stale, stale_params)
            cursor.execute(
                f"DELETE FROM {table} WHERE program_id = %s AND period = %s AND status = %s",
                stale_params,
            )
            removed = cursor.rowcount
            created = insert_with_events(
                cursor,
                Enrollment,
                context_id,
                f"""
                INSERT INTO {table}
                  (program_id, period, household_id, person_id, village_id, status,
                   priority_total, priority_parts, amount, school_level, reject_reason,
                   amount_reason, delivery_note, evidence, created_at, updated_at)
                SELECT %s, %s, c.c_household, c.c_person::bigint, c.c_village, %s,
                       {total}, {parts}, c.c_amount::numeric, c.c_level, '', '', '', '',
                       now(), now()
                FROM ({scored}) c
                """,
                [program.pk, period, S.CANDIDATE, *params],
            )
    return {"created": created, "removed": removed, "period": period}


# Transitions --------------------------------------------------------------------------


def _locked(program: Program, ids: list[int], allowed: tuple[str, ...], verb: str):
    """The enrollments `ids` of `program`, locked; InvalidInput (nothing done) when
    one is missing or not in an allowed status."""
    ids = sorted({int(i) for i in ids})
    if not ids:
        raise InvalidInput({"__all__": [MSG_NOTHING]}, message=MSG_NOTHING)
    rows = list(
        Enrollment.objects.select_for_update()
        .filter(program_id=program.pk, pk__in=ids)
        .order_by("pk")
    )
    if len(rows) != len(ids):
        msg = "Sebagian data tidak ditemukan pada program ini. Muat ulang halaman."
        raise InvalidInput({"__all__": [msg]}, message=msg, codes={"__all__": "stale"})
    wrong = [e for e in rows if e.status not in allowed]
    if wrong:
        labels = ", ".join(sorted({e.get_status_display().lower() for e in wrong}))
        msg = (
            f"{len(wrong)} data tidak dapat {verb} karena berstatus {labels}. "
            "Tidak ada yang diubah."
        )
        raise InvalidInput({"__all__": [msg]}, message=msg, codes={"__all__": "stale"})
    return rows


def _move(rows, to: str, action: str, actor, note: str = "", **fields) -> None:
    ids = [e.pk for e in rows]
    # The UPDATE fires the row-history triggers for every row.
    Enrollment.objects.filter(pk__in=ids).update(status=to, updated_at=_now(), **fields)
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


def _now():
    from django.utils import timezone

    return timezone.now()


def propose(program: Program, ids: list[int], *, acting_user, note: str = "") -> int:
    check_manager(acting_user)
    with transaction.atomic():
        rows = _locked(program, ids, (S.CANDIDATE,), "diusulkan")
        _move(rows, S.PROPOSED, StepAction.PROPOSE, acting_user, note)
    return len(rows)


def _counted(program: Program, period: int):
    return Enrollment.objects.filter(program_id=program.pk, period=period).filter(
        status__in=COUNTED_ENROLLMENT
    )


def quota_usage(program: Program, period: int | None = None) -> list[dict]:
    """Per quota area: quota, used (approved, delivered, completed) and left."""
    period = period or program_period(program)
    counted = _counted(program, period)
    out = []
    for q in program.quotas.all():
        used = counted.filter(_area_filter(q.area_code)).count()
        out.append(
            {"area_code": q.area_code, "quota": q.quota, "used": used, "left": q.quota - used}
        )
    return out


def _area_filter(code: str) -> Q:
    if code.count(".") >= 3:  # a kelurahan
        return Q(village_id=code)
    return Q(village__code__startswith=code + ".")


def budget_usage(program: Program, period: int | None = None) -> dict:
    """Budget, used (delivered amount, else the planned amount, of approved,
    delivered and completed enrollments) and left; None figures when no budget."""
    period = period or program_period(program)
    used = _counted(program, period).aggregate(s=Sum(Coalesce("delivered_amount", "amount")))[
        "s"
    ] or Decimal(0)
    left = program.budget - used if program.budget is not None else None
    return {"budget": program.budget, "used": used, "left": left}


def approve(program: Program, ids: list[int], *, acting_user, note: str = "") -> int:
    """Approve proposed enrollments, all or none, within every quota of the areas
    they are in and within the program's budget."""
    check_manager(acting_user)
    with transaction.atomic():
        # The program row is the lock every approval of this program takes first.
        program = Program.objects.select_for_update().get(pk=program.pk)
        rows = _locked(program, ids, (S.PROPOSED,), "disetujui")
        errors = ErrorCollector()
        period = program_period(program)
        for usage in quota_usage(program, period):
            adding = sum(1 for e in rows if _in_area(e.village_id, usage["area_code"]))
            if adding and usage["used"] + adding > usage["quota"]:
                errors.add(
                    "__all__",
                    f"Kuota wilayah {usage['area_code']} terlampaui: kuota {usage['quota']}, "
                    f"sudah disetujui {usage['used']}, akan ditambah {adding}.",
                    "quota",
                )
        if program.budget is not None:
            used = budget_usage(program, period)["used"]
            adding_amount = sum((e.amount or Decimal(0)) for e in rows)
            if used + adding_amount > program.budget:
                errors.add(
                    "__all__",
                    f"Pagu anggaran terlampaui: pagu Rp{program.budget:,.0f}, terpakai "
                    f"Rp{used:,.0f}, akan ditambah Rp{adding_amount:,.0f}.".replace(",", "."),
                    "budget",
                )
        if errors.errors:
            raise InvalidInput(
                errors.errors, message=errors.errors["__all__"][0], codes=errors.codes
            )
        _move(rows, S.APPROVED, StepAction.APPROVE, acting_user, note)
    return len(rows)


def _in_area(village_id: str, code: str) -> bool:
    return village_id == code or village_id.startswith(code + ".")


def reject(program: Program, ids: list[int], *, acting_user, reason: str) -> int:
    check_manager(acting_user)
    reason = (reason or "").strip()
    if not reason:
        msg = "Alasan penolakan wajib diisi."
        raise InvalidInput({"reason": [msg]}, message=msg)
    with transaction.atomic():
        rows = _locked(program, ids, (S.PROPOSED, S.APPROVED), "ditolak")
        _move(rows, S.REJECTED, StepAction.REJECT, acting_user, reason, reject_reason=reason)
    return len(rows)


def _parse_amount(errors: ErrorCollector, value: Any) -> Decimal | None:
    from decimal import InvalidOperation

    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.add("amount", "Nilai disalurkan harus berupa angka.")
        return None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        errors.add("amount", "Nilai disalurkan tidak wajar.")
        return None
    return amount


def deliver(
    enrollment: Enrollment,
    *,
    acting_user,
    delivered_on: datetime.date | None,
    amount: Any,
    amount_reason: str = "",
    note: str = "",
    evidence=None,
    complete: bool = False,
) -> Enrollment:
    """Record the benefit delivered to an approved enrollment (date, amount,
    evidence file or note), then optionally mark it completed. An amount other
    than the planned one (program amount, or the school level's) needs a reason."""
    check_manager(acting_user)
    errors = ErrorCollector()
    if delivered_on is None:
        errors.add("delivered_on", "Tanggal penyaluran wajib diisi.")
    else:
        from pilar.core.dates import today

        if delivered_on > today():
            errors.add("delivered_on", "Tanggal penyaluran tidak boleh di masa depan.")
    value = _parse_amount(errors, amount) if amount not in (None, "") else None
    if amount in (None, ""):
        errors.add("amount", "Nilai disalurkan wajib diisi.")
    if not evidence and not (note or "").strip():
        errors.add("evidence", "Unggah bukti penyaluran atau tulis catatannya.")
    with transaction.atomic():
        row = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if row.status in (S.REJECTED, S.COMPLETED):
            msg = (
                f"Manfaat tidak dapat disalurkan: kepesertaan ini berstatus "
                f"{row.get_status_display().lower()}."
            )
            raise InvalidInput({"__all__": [msg]}, message=msg, codes={"__all__": "status"})
        if row.status != S.APPROVED:
            msg = (
                "Manfaat hanya dapat disalurkan kepada kepesertaan yang sudah disetujui "
                f"(status sekarang: {row.get_status_display().lower()})."
            )
            raise InvalidInput({"__all__": [msg]}, message=msg, codes={"__all__": "status"})
        planned = row.amount
        reason = (amount_reason or "").strip()
        if value is not None and planned is not None and value != planned and not reason:
            errors.add(
                "amount_reason",
                f"Nilai disalurkan (Rp{value:,.0f}) berbeda dari nilai program "
                f"(Rp{planned:,.0f}): tuliskan alasannya.".replace(",", "."),
                "amount_differs",
            )
        errors.raise_if_any()
        row.delivered_on = delivered_on
        row.delivered_amount = value
        row.amount_reason = reason
        row.delivery_note = (note or "").strip()
        if evidence:
            row.evidence = evidence
        before = row.status
        row.status = S.DELIVERED
        row.save()
        EnrollmentStep.objects.create(
            enrollment=row,
            action=StepAction.DELIVER,
            from_status=before,
            to_status=S.DELIVERED,
            actor=acting_user,
            note=row.delivery_note or reason,
        )
        if complete:
            _move([row], S.COMPLETED, StepAction.COMPLETE, acting_user)
            row.status = S.COMPLETED
    return row


def complete(enrollment: Enrollment, *, acting_user, note: str = "") -> Enrollment:
    check_manager(acting_user)
    with transaction.atomic():
        rows = _locked(enrollment.program, [enrollment.pk], (S.DELIVERED,), "diselesaikan")
        _move(rows, S.COMPLETED, StepAction.COMPLETE, acting_user, note)
    enrollment.refresh_from_db()
    return enrollment


def enroll(program: Program, *, acting_user, household=None, person=None) -> Enrollment:
    """One enrollment added by hand as a candidate (outside the generated list);
    refused with a clear message when already enrolled in the period."""
    check_manager(acting_user)
    if person is not None:
        household = person.household
    if household is None:
        raise InvalidInput({"household": ["Pilih keluarga atau individu."]})
    period = program_period(program)
    msg = MSG_TWICE_PERSON if person is not None else MSG_TWICE_HOUSEHOLD
    active = Enrollment.objects.filter(program_id=program.pk, period=period).exclude(
        status=S.REJECTED
    )
    active = (
        active.filter(person=person)
        if person is not None
        else active.filter(household=household, person__isnull=True)
    )
    if active.exists():
        raise InvalidInput({"__all__": [msg]}, message=msg, codes={"__all__": "twice"})
    amount = program.amount
    level = ""
    if person is not None and program.amount_by_level:
        level = SCHOOL_LEVEL_BY_EDUCATION.get(person.education or "", "")
        if level in program.amount_by_level:
            amount = Decimal(str(program.amount_by_level[level]))
    try:
        with transaction.atomic():
            return Enrollment.objects.create(
                program=program,
                period=period,
                household=household,
                person=person,
                village_id=household.village_id,
                amount=amount,
                school_level=level,
            )
    except IntegrityError as exc:  # a concurrent enrollment of the same one
        raise InvalidInput({"__all__": [msg]}, message=msg, codes={"__all__": "twice"}) from exc
