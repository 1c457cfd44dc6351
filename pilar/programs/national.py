"""Recording participation in a national program (PKH, BPNT/Sembako, PBI-JK, PIP)
received from the central government: a list of No. KK (household programs) or NIK
(person programs) with its source, matched against the registry in the user's
area. Matched ones become enrollments of the period (status "disetujui", one step
naming the source); numbers already recorded, not found in the area, or malformed
are reported back, not written. Dinas Sosial and admins only."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction

from pilar.accounts.models import User
from pilar.core.errors import ErrorCollector, InvalidInput
from pilar.core.numbers import format_number
from pilar.programs.actions import check_manager
from pilar.programs.choices import ACTIVE_ENROLLMENT, EnrollmentStatus, Level, StepAction
from pilar.programs.models import Enrollment, EnrollmentStep, Program
from pilar.registry.models import Household, Person

MAX_NUMBERS = 5000
SEPARATORS = re.compile(r"[\s,;]+")


def _numbers(text: str) -> tuple[list[str], list[str]]:
    """16-digit numbers in order (duplicates once) and the malformed entries."""
    good: list[str] = []
    bad: list[str] = []
    seen: set[str] = set()
    for raw in SEPARATORS.split(text or ""):
        value = raw.strip().strip("'\"")
        if not value:
            continue
        if not re.fullmatch(r"\d{16}", value):
            bad.append(value[:40])
        elif value not in seen:
            seen.add(value)
            good.append(value)
    return good, bad


def record_participation(
    program: Program, *, acting_user: User, numbers: str, period: Any, source: str
) -> dict:
    """Enroll the listed households/persons of the user's area in the national
    program for `period`. Returns counts and the numbers not written, by reason."""
    check_manager(acting_user)
    errors = ErrorCollector()
    if not program.is_national:
        msg = "Hanya program nasional yang kepesertaannya dicatat dari data pusat."
        raise InvalidInput({"__all__": [msg]}, message=msg)
    try:
        year = int(str(period).strip())
        if not 2000 <= year <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        errors.add("period", "Periode diisi tahun, mis. 2026.")
        year = 0
    source = (source or "").strip()
    if not source:
        errors.add(
            "source",
            "Tuliskan sumber datanya (mis. SK/surat Kemensos atau data SIKS-NG bulan ...).",
        )
    elif len(source) > 300:
        errors.add("source", "Sumber paling banyak 300 karakter.")
    good, bad = _numbers(numbers)
    label = "NIK" if program.level == Level.PERSON else "No. KK"
    if not good and not bad:
        errors.add("numbers", f"Tempelkan daftar {label}, satu per baris.")
    elif len(good) + len(bad) > MAX_NUMBERS:
        errors.add("numbers", f"Paling banyak {format_number(MAX_NUMBERS)} nomor sekali simpan.")
    errors.raise_if_any()

    if program.level == Level.PERSON:
        found = {
            p.nik: p
            for p in Person.objects.restrict(acting_user, "change")
            .filter(nik__in=good, is_active=True)
            .select_related("household")
        }
    else:
        found = {
            h.no_kk: h
            for h in Household.objects.restrict(acting_user, "change").filter(
                no_kk__in=good, is_active=True
            )
        }
    not_found = [n for n in good if n not in found]
    with transaction.atomic():
        # The program row first, as every other change to its enrollments.
        Program.objects.select_for_update().get(pk=program.pk)
        active = Enrollment.objects.filter(
            program_id=program.pk, period=year, status__in=ACTIVE_ENROLLMENT
        )
        if program.level == Level.PERSON:
            taken = set(
                active.filter(person__nik__in=list(found)).values_list("person__nik", flat=True)
            )
        else:
            taken = set(
                active.filter(person__isnull=True, household__no_kk__in=list(found)).values_list(
                    "household__no_kk", flat=True
                )
            )
        rows = []
        for number, target in found.items():
            if number in taken:
                continue
            household = target.household if program.level == Level.PERSON else target
            rows.append(
                Enrollment(
                    program=program,
                    period=year,
                    household=household,
                    person=target if program.level == Level.PERSON else None,
                    village_id=household.village_id,
                    status=EnrollmentStatus.APPROVED,
                    amount=program.amount,
                )
            )
        created = Enrollment.objects.bulk_create(rows)
        EnrollmentStep.objects.bulk_create(
            EnrollmentStep(
                enrollment=e,
                action=StepAction.APPROVE,
                from_status=EnrollmentStatus.CANDIDATE,
                to_status=EnrollmentStatus.APPROVED,
                actor=acting_user,
                note=f"Data pusat: {source}",
            )
            for e in created
        )
    return {
        "period": year,
        "created": len(created),
        "already": sorted(taken),
        "not_found": not_found,
        "invalid": bad,
    }
