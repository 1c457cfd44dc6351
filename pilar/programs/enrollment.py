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

from pilar.core.errors import ErrorCollector, InvalidInput
from pilar.core.numbers import parse_amount
from pilar.programs import priority, rules
from pilar.programs.actions import check_manager
from pilar.programs.choices import (
    COUNTED_ENROLLMENT,
    BenefitType,
    EnrollmentStatus,
    Frequency,
    Level,
    StepAction,
)
from pilar.programs.models import (
    MSG_TWICE_HOUSEHOLD,
    MSG_TWICE_PERSON,
    Candidate,
    CandidateGeneration,
    Delivery,
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
MSG_STALE = "Sebagian data tidak ditemukan pada program ini. Muat ulang halaman."


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
    does not come back by itself), with the household facts the score reads and the
    planned amount."""
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
            "c_desil": F("desil"),
            "c_created": F("created_at"),
        }
    else:
        qs = qs.filter(~Exists(taken.filter(person_id=OuterRef("pk"))))
        ids = {
            "c_household": F("household_id"),
            "c_person": F("pk"),
            "c_village": F("household__village_id"),
            "c_desil": F("household__desil"),
            "c_created": F("household__created_at"),
        }
    qs = qs.annotate(**ids, **_amount_annotations(program))
    return qs.order_by().values(*ids, "c_level", "c_amount")


def _id_sequence(cursor) -> str:
    """The id sequence of Enrollment, which candidate rows draw their ids from (so a
    proposed candidate keeps its id as an enrollment)."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [Enrollment._meta.db_table])
    return cursor.fetchone()[0]


def _insert_candidates(
    cursor, program: Program, period: int, inner_sql: str, inner_params, reference_date
) -> int:
    """INSERT ... SELECT the rows of `inner_sql` (columns c_household, c_person,
    c_village, c_desil, c_created, c_level, c_amount) into the candidate table, scored
    (priority parts from per-household aggregates joined once: priority.scored_sql),
    with ids from Enrollment's sequence."""
    scored, params = priority.scored_sql(inner_sql, inner_params, reference_date)
    parts, total = priority.parts_sql("c")
    cursor.execute(
        f"""
        INSERT INTO {Candidate._meta.db_table}
          (id, program_id, period, household_id, person_id, village_id, priority_total,
           priority_pairs, amount, school_level, created_at)
        SELECT nextval(%s::regclass), %s, %s, c.c_household, c.c_person::bigint,
               c.c_village, {total}, {parts}, c.c_amount::numeric, c.c_level, now()
        FROM ({scored}) c
        """,
        [_id_sequence(cursor), program.pk, period, *params],
    )
    return cursor.rowcount


def generate_candidates(program: Program, *, acting_user, reference_date=None) -> dict:
    """Replace the program period's candidate list by a fresh one: one DELETE and one
    INSERT ... SELECT into the candidate table, whatever the number of rows, and one
    CandidateGeneration row (who, when, which rule, how many). The candidate table has
    no row history, no foreign-key checks and one index (decision 24); a candidate
    gets its history when proposed. Proposed and later enrollments stay and are not
    listed again."""
    import time

    from pilar.core.dates import today

    check_manager(acting_user)
    if program.is_national:
        raise InvalidInput({"__all__": [MSG_NATIONAL]}, message=MSG_NATIONAL)
    if not program.has_rule:
        raise InvalidInput({"rule": [MSG_NO_RULE]}, message=MSG_NO_RULE)
    started = time.monotonic()
    ref = reference_date or today()
    period = program_period(program)
    with transaction.atomic():
        # Every change to a program's candidate list takes the program row first.
        locked = Program.objects.select_for_update().get(pk=program.pk)
        inner_sql, inner_params = candidate_queryset(
            program, acting_user, period, ref
        ).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {Candidate._meta.db_table} WHERE program_id = %s AND period = %s",
                [program.pk, period],
            )
            removed = cursor.rowcount
            created = _insert_candidates(cursor, program, period, inner_sql, inner_params, ref)
        CandidateGeneration.objects.create(
            program=locked,
            period=period,
            generated_by=acting_user,
            reference_date=ref,
            rule=program.rule,
            created=created,
            removed=removed,
            duration_ms=round((time.monotonic() - started) * 1000),
        )
    return {"created": created, "removed": removed, "period": period}


def last_generation(program: Program, period: int | None = None) -> CandidateGeneration | None:
    """The latest generation of the program period's candidate list, if any."""
    period = period or program_period(program)
    return (
        CandidateGeneration.objects.filter(program_id=program.pk, period=period)
        .select_related("generated_by")
        .first()
    )


# Transitions --------------------------------------------------------------------------


def _locked(program: Program, ids: list[int], allowed: tuple[str, ...], verb: str, *, acting_user):
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


def _check_area(acting_user, village_id: str) -> None:
    """An enrollment named by the caller must lie in their "change" area; outside it
    reads as missing (NotAllowed: 404 in the API and the pages)."""
    from pilar.accounts.scope import village_allowed
    from pilar.core.errors import NotAllowed

    if not village_allowed(acting_user, village_id, "change"):
        raise NotAllowed


def _check_target(acting_user, *, household, person=None) -> None:
    """A household or person added by hand: active and inside the caller's "change"
    area, else it reads as missing (the API fetches it through the same scope first;
    this guards every other caller)."""
    from pilar.core.errors import NotAllowed
    from pilar.registry.models import Household, Person

    if person is not None:
        ok = (
            Person.objects.restrict(acting_user, "change")
            .filter(pk=person.pk, is_active=True, household_id=household.pk)
            .exists()
        )
    else:
        ok = (
            Household.objects.restrict(acting_user, "change")
            .filter(pk=household.pk, is_active=True)
            .exists()
        )
    if not ok:
        raise NotAllowed


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
            _locked(
                program,
                [i for i in ids if i not in found],
                (),
                "diusulkan",
                acting_user=acting_user,
            )
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


# Months of a monthly program ---------------------------------------------------------

MONTH_NAMES = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def month_label(month: datetime.date) -> str:
    return f"{MONTH_NAMES[month.month - 1]} {month.year}"


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, n: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def is_monthly(program: Program) -> bool:
    return program.frequency == Frequency.MONTHLY


def period_months(program: Program) -> list[datetime.date]:
    """The months a monthly program pays in its period (first day of each): from the
    start date's month to the end date's (twelve months when there is no end date),
    else January to December of the period year."""
    if program.start_date:
        first = month_start(program.start_date)
        last = month_start(program.end_date) if program.end_date else add_months(first, 11)
    else:
        first = datetime.date(program_period(program), 1, 1)
        last = datetime.date(first.year, 12, 1)
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [add_months(first, i) for i in range(max(count, 0))]


def _months_from(program: Program, start: datetime.date) -> int:
    """How many months of the program period are `start`'s month or later."""
    start = month_start(start)
    return sum(1 for m in period_months(program) if m >= start)


# Budget ---------------------------------------------------------------------------------


def _paid(program: Program, period: int) -> Decimal:
    return Delivery.objects.filter(
        enrollment__program_id=program.pk, enrollment__period=period
    ).aggregate(s=Sum("amount"))["s"] or Decimal(0)


def _committed_monthly(program: Program, period: int) -> Decimal:
    """Planned amount x the months still to pay of every approved or delivered
    (not completed) enrollment. A pupil's months run from the month of approval
    (or the period's first month, if later) to the period's last month; months
    paid in that window are not counted again. One statement, whatever the size."""
    from django.conf import settings

    months = period_months(program)
    if not months:
        return Decimal(0)
    enrollment = Enrollment._meta.db_table
    step = EnrollmentStep._meta.db_table
    delivery = Delivery._meta.db_table
    # Set-based (hash joins over the period's rows, no per-row subqueries): the
    # enrollment list shows these figures on every page view.
    sql = f"""
        WITH e AS (
            SELECT id, amount FROM {enrollment}
            WHERE program_id = %(program)s AND period = %(period)s
              AND status IN (%(approved)s, %(delivered)s) AND amount IS NOT NULL
        ), approved AS (
            SELECT s.enrollment_id,
                   date_trunc('month', max(s.at) AT TIME ZONE %(tz)s)::date AS month
            FROM {step} s JOIN e ON e.id = s.enrollment_id
            WHERE s.action = %(approve)s
            GROUP BY s.enrollment_id
        ), w AS (
            SELECT e.id, e.amount, GREATEST(%(first)s::date, COALESCE(a.month, %(first)s::date))
                   AS start
            FROM e LEFT JOIN approved a ON a.enrollment_id = e.id
        ), paid AS (
            SELECT d.enrollment_id, count(*) AS n
            FROM {delivery} d JOIN w ON w.id = d.enrollment_id
            WHERE d.period_month BETWEEN w.start AND %(last)s
            GROUP BY d.enrollment_id
        )
        SELECT COALESCE(SUM(w.amount * GREATEST(0,
                 (EXTRACT(YEAR FROM %(last)s::date) * 12 + EXTRACT(MONTH FROM %(last)s::date))
               - (EXTRACT(YEAR FROM w.start) * 12 + EXTRACT(MONTH FROM w.start)) + 1
               - COALESCE(p.n, 0))), 0)
        FROM w LEFT JOIN paid p ON p.enrollment_id = w.id
    """
    params: dict[str, Any] = {
        "first": months[0],
        "last": months[-1],
        "tz": settings.TIME_ZONE,
        "approve": str(StepAction.APPROVE),
        "program": program.pk,
        "period": period,
        "approved": str(S.APPROVED),
        "delivered": str(S.DELIVERED),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return Decimal(cursor.fetchone()[0])


def _committed(program: Program, period: int) -> Decimal:
    if is_monthly(program):
        return _committed_monthly(program, period)
    # One-off and yearly programs: the planned amount of each approved enrollment not
    # delivered yet (a delivered one's payment is in `paid`).
    return Enrollment.objects.filter(
        program_id=program.pk, period=period, status=S.APPROVED
    ).filter(~Exists(Delivery.objects.filter(enrollment_id=OuterRef("pk")))).aggregate(
        s=Sum("amount")
    )["s"] or Decimal(0)


def budget_usage(program: Program, period: int | None = None) -> dict:
    """The program period's budget: `paid` (sum of the deliveries recorded),
    `committed` (still owed to approved and delivered enrollments: the planned
    amount once for one-off programs not yet delivered; for monthly programs the
    planned amount x the unpaid months from approval to the period's end), `used`
    (paid + committed) and `left` (budget - used; None figures without a budget).
    Completed enrollments owe nothing more."""
    period = period or program_period(program)
    paid = _paid(program, period)
    committed = _committed(program, period)
    used = paid + committed
    left = program.budget - used if program.budget is not None else None
    return {
        "budget": program.budget,
        "paid": paid,
        "committed": committed,
        "used": used,
        "left": left,
    }


def _approval_cost(program: Program, rows) -> Decimal:
    """What approving `rows` now adds to the committed figure: the planned amount
    once, or for a monthly program x the months from this month to the period end."""
    from pilar.core.dates import today

    total = sum((e.amount or Decimal(0) for e in rows), Decimal(0))
    if is_monthly(program):
        first = period_months(program)[:1]
        start = max(month_start(today()), first[0]) if first else month_start(today())
        return total * _months_from(program, start)
    return total


def _rupiah(value: Decimal) -> str:
    return f"Rp{value:,.0f}".replace(",", ".")


def approve(program: Program, ids: list[int], *, acting_user, note: str = "") -> int:
    """Approve proposed enrollments, all or none, within every quota of the areas
    they are in and within the program's budget."""
    check_manager(acting_user)
    with transaction.atomic():
        # The program row is the lock every approval of this program takes first.
        program = Program.objects.select_for_update().get(pk=program.pk)
        rows = _locked(program, ids, (S.PROPOSED,), "disetujui", acting_user=acting_user)
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
            usage = budget_usage(program, period)
            adding_amount = _approval_cost(program, rows)
            if usage["used"] + adding_amount > program.budget:
                errors.add(
                    "__all__",
                    f"Pagu anggaran terlampaui: pagu {_rupiah(program.budget)}, terpakai "
                    f"{_rupiah(usage['used'])} (dibayar {_rupiah(usage['paid'])}, terikat "
                    f"{_rupiah(usage['committed'])}), akan ditambah {_rupiah(adding_amount)}.",
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
        rows = _locked(program, ids, (S.PROPOSED, S.APPROVED), "ditolak", acting_user=acting_user)
        _move(rows, S.REJECTED, StepAction.REJECT, acting_user, reason, reject_reason=reason)
    return len(rows)


EVIDENCE_LIMIT = 10 * 1024 * 1024
MSG_EVIDENCE_KIND = "Bukti penyaluran harus berupa PDF atau foto (JPEG, PNG, WebP)."


def _check_evidence(errors: ErrorCollector, evidence) -> None:
    """An evidence upload must be a PDF or a photo (judged by its content, not its
    name) of at most 10 MB."""
    if not evidence:
        return
    if evidence.size > EVIDENCE_LIMIT:
        errors.add("evidence", "Berkas bukti terlalu besar (maksimal 10 MB).")
        return
    evidence.seek(0)
    head = evidence.read(8)
    evidence.seek(0)
    if head.startswith(b"%PDF-"):
        return
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(evidence.read())) as image:
            image.verify()
            kind = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        kind = None
    evidence.seek(0)
    if kind not in ("JPEG", "PNG", "WEBP"):
        errors.add("evidence", MSG_EVIDENCE_KIND)


def _check_day(errors: ErrorCollector, delivered_on: datetime.date | None) -> None:
    from pilar.core.dates import today

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


def _check_budget(
    errors: ErrorCollector, program: Program, adding: Decimal, field: str = "amount"
) -> None:
    """What is paid never exceeds the budget (approval already keeps the planned
    amounts within it; an amount raised with a reason must fit too)."""
    if program.budget is None:
        return
    paid = _paid(program, program_period(program))
    if paid + adding > program.budget:
        errors.add(
            field,
            f"Pagu anggaran terlampaui: pagu {_rupiah(program.budget)}, sudah dibayar "
            f"{_rupiah(paid)}, akan dibayar {_rupiah(adding)}.",
            "budget",
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
    acting_user,
    delivered_on: datetime.date | None,
    amount: Any,
    amount_reason: str = "",
    note: str = "",
    evidence=None,
    complete: bool = False,
    month: datetime.date | None = None,
    via_handover: bool = False,
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
        _check_area(acting_user, row.village_id)  # the stored row, not the caller's copy
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
                f"Nilai disalurkan ({_rupiah(value)}) berbeda dari nilai program "
                f"({_rupiah(planned)}): tuliskan alasannya.",
                "amount_differs",
            )
        if value is not None:
            _check_budget(errors, program, value)
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
            _move([row], S.COMPLETED, StepAction.COMPLETE, acting_user)
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
    acting_user,
    month: datetime.date | None,
    delivered_on: datetime.date | None,
    note: str = "",
    evidence=None,
) -> int:
    """Pay one month of a monthly program to the selected approved or delivered
    enrollments, each its planned amount ("salurkan bulan X"). All or none: one
    enrollment that may not be paid (status, month already paid, no planned amount)
    or a month outside the period or a budget overrun leaves everything as it was.
    One evidence file (e.g. the bank's transfer list) is stored once and shared."""
    from django.core.files.storage import default_storage

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
        rows = _locked(
            program, ids, (S.APPROVED, S.DELIVERED), "disalurkan", acting_user=acting_user
        )
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
        _check_budget(errors, program, total, "__all__")
        if errors.errors:
            first = next(iter(errors.errors.values()))[0]
            raise InvalidInput(errors.errors, message=first, codes=errors.codes)
        assert delivered_on is not None and paid_month is not None
        stored = ""
        if evidence:
            import os
            import uuid

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
                    amount=e.amount,
                    planned_amount=e.amount,
                    note=clean_note,
                    evidence=stored,
                    actor=acting_user,
                )
                for e in rows
            )
            # The UPDATEs fire the row-history triggers for every enrollment.
            Enrollment.objects.filter(pk__in=[e.pk for e in rows]).update(
                status=S.DELIVERED,
                delivered_on=delivered_on,
                delivered_amount=F("amount"),
                amount_reason="",
                delivery_note=clean_note,
                evidence=stored,
                updated_at=_now(),
            )
            EnrollmentStep.objects.bulk_create(
                EnrollmentStep(
                    enrollment_id=e.pk,
                    action=StepAction.DELIVER,
                    from_status=e.status,
                    to_status=S.DELIVERED,
                    actor=acting_user,
                    note=" · ".join(
                        t for t in (f"Bulan {month_label(paid_month)}", clean_note) if t
                    ),
                )
                for e in rows
            )
        except BaseException:
            if stored:
                default_storage.delete(stored)
            raise
    return len(rows)


def complete(enrollment: Enrollment, *, acting_user, note: str = "") -> Enrollment:
    complete_many(enrollment.program, [enrollment.pk], acting_user=acting_user, note=note)
    enrollment.refresh_from_db()
    return enrollment


def complete_many(program: Program, ids: list[int], *, acting_user, note: str = "") -> int:
    """Mark delivered enrollments completed, all or none (a monthly pupil who
    received every month, or left school: nothing more is owed)."""
    check_manager(acting_user)
    with transaction.atomic():
        rows = _locked(program, ids, (S.DELIVERED,), "diselesaikan", acting_user=acting_user)
        _move(rows, S.COMPLETED, StepAction.COMPLETE, acting_user, note)
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


def enroll(program: Program, *, acting_user, household=None, person=None) -> Candidate:
    """One household or person added by hand to the candidate list (outside the
    rule), scored like the generated ones; refused with a clear message when already
    listed or enrolled in the period. A regeneration replaces it like the others."""
    from pilar.core.dates import today

    check_manager(acting_user)
    # The target must be the program's level: a household in a person program (or
    # the reverse) would be listed, counted and paid against the wrong quota.
    if program.level == Level.PERSON and person is None:
        raise InvalidInput(
            {"person": ["Program ini untuk individu: pilih individunya, bukan keluarga."]}
        )
    if program.level == Level.HOUSEHOLD and person is not None:
        raise InvalidInput(
            {"household": ["Program ini untuk keluarga: pilih keluarganya, bukan individu."]}
        )
    if person is not None:
        household = person.household
    if household is None:
        raise InvalidInput({"household": ["Pilih keluarga atau individu."]})
    _check_target(acting_user, household=household, person=person)
    period = program_period(program)
    msg = MSG_TWICE_PERSON if person is not None else MSG_TWICE_HOUSEHOLD
    amount = program.amount
    level = ""
    if person is not None and program.amount_by_level:
        level = SCHOOL_LEVEL_BY_EDUCATION.get(person.education or "", "")
        if level in program.amount_by_level:
            amount = Decimal(str(program.amount_by_level[level]))
    with transaction.atomic():
        Program.objects.select_for_update().get(pk=program.pk)
        same = {"program_id": program.pk, "period": period}
        if person is not None:
            same["person_id"] = person.pk
        else:
            same.update(household_id=household.pk, person__isnull=True)
        if (
            Enrollment.objects.filter(**same).exclude(status=S.REJECTED).exists()
            or Candidate.objects.filter(**same).exists()
        ):
            raise InvalidInput({"__all__": [msg]}, message=msg, codes={"__all__": "twice"})
        one = (
            "SELECT %s::bigint AS c_household, %s::bigint AS c_person, "
            "%s::varchar AS c_village, %s::integer AS c_desil, "
            "%s::timestamptz AS c_created, %s::varchar AS c_level, %s::numeric AS c_amount"
        )
        values = [
            household.pk,
            person.pk if person else None,
            household.village_id,
            household.desil,
            household.created_at,
            level,
            amount,
        ]
        with connection.cursor() as cursor:
            _insert_candidates(cursor, program, period, one, values, today())
        return Candidate.objects.get(**same)
