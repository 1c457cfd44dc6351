"""The candidate list of a program period: generated set-based from the program's
rule (one DELETE and one INSERT ... SELECT, scored by pilar.programs.priority), or
one household/person added by hand. Candidates live in their own table until
proposed (decision 24; the state machine is in transitions.py)."""

from __future__ import annotations

import datetime
import time
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import (
    Case,
    CharField,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Value,
    When,
)

from pilar.accounts.models import User
from pilar.core.dates import today
from pilar.core.errors import InvalidInput, NotAllowed
from pilar.programs import priority, rules
from pilar.programs.actions import check_manager
from pilar.programs.choices import EnrollmentStatus, Level
from pilar.programs.enrollment.periods import program_period
from pilar.programs.models import (
    MSG_TWICE_HOUSEHOLD,
    MSG_TWICE_PERSON,
    Candidate,
    CandidateGeneration,
    Enrollment,
    Program,
)
from pilar.registry.choices import RestrictedProcessing
from pilar.registry.models import Household, Person
from pilar.registry.restriction import (
    check_processing,
    restricted_head_exists,
    subject_of,
    unrestricted_persons_q,
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


def candidate_queryset(
    program: Program, user: User, period: int, reference_date: datetime.date | None = None
) -> QuerySet:
    """The rows to insert: what the rule selects in the user's area, minus those
    with an enrollment in this program period (any status: a rejected household
    does not come back by itself), with the household facts the score reads and the
    planned amount."""
    ref = reference_date or today()
    level = program.level
    qs = rules.matching(program.rule, level, user, ref)
    taken = Enrollment.objects.filter(program_id=program.pk, period=period)
    if level == Level.HOUSEHOLD:
        # A household whose head's processing is restricted is not listed (decision 43).
        qs = qs.filter(
            ~Exists(taken.filter(household_id=OuterRef("pk"))), ~restricted_head_exists()
        )
        ids = {
            "c_household": F("pk"),
            "c_person": Value(None, output_field=IntegerField()),
            "c_village": F("village_id"),
            "c_desil": F("desil"),
            "c_created": F("created_at"),
        }
    else:
        qs = qs.filter(~Exists(taken.filter(person_id=OuterRef("pk"))), unrestricted_persons_q())
        ids = {
            "c_household": F("household_id"),
            "c_person": F("pk"),
            "c_village": F("household__village_id"),
            "c_desil": F("household__desil"),
            "c_created": F("household__created_at"),
        }
    qs = qs.annotate(**ids, **_amount_annotations(program))
    return qs.order_by().values(*ids, "c_level", "c_amount")


def _id_sequence(cursor: CursorWrapper) -> str:
    """The id sequence of Enrollment, which candidate rows draw their ids from (so a
    proposed candidate keeps its id as an enrollment)."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [Enrollment._meta.db_table])
    return cursor.fetchone()[0]


def _insert_candidates(
    cursor: CursorWrapper,
    program: Program,
    period: int,
    inner_sql: str,
    inner_params: Sequence[Any],
    reference_date: datetime.date,
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


def generate_candidates(
    program: Program, *, acting_user: User, reference_date: datetime.date | None = None
) -> dict:
    """Replace the program period's candidate list by a fresh one: one DELETE and one
    INSERT ... SELECT into the candidate table, whatever the number of rows, and one
    CandidateGeneration row (who, when, which rule, how many). The candidate table has
    no row history, no foreign-key checks and one index (decision 24); a candidate
    gets its history when proposed. Proposed and later enrollments stay and are not
    listed again."""
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


def _check_target(acting_user: User, *, household: Household, person: Person | None = None) -> None:
    """A household or person added by hand: active and inside the caller's "change"
    area, else it reads as missing (the API fetches it through the same scope first;
    this guards every other caller)."""
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


def enroll(
    program: Program,
    *,
    acting_user: User,
    household: Household | None = None,
    person: Person | None = None,
    override_basis: str = "",
    override_reason: str = "",
) -> Candidate:
    """One household or person added by hand to the candidate list (outside the
    rule), scored like the generated ones; refused with a clear message when already
    listed or enrolled in the period. A regeneration replaces it like the others.
    A person (or a household head) whose processing is restricted is refused unless
    an override basis and reason are given; the override is recorded."""
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
        check_processing(
            subject_of(person_id=person.pk if person else None, household_id=household.pk),
            acting_user=acting_user,
            purpose=RestrictedProcessing.PROGRAM_CANDIDATE,
            target=f"program {program.code}",
            override_basis=override_basis,
            override_reason=override_reason,
        )
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
