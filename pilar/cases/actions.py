"""Writes of case handling. Every action runs in one transaction, changes the rows
and appends a CaseStep (the domain event).

Who does what (docs/development/cases.md):
- open, assign, close: Dinas Sosial and admins (CASE_MANAGER_ROLES);
- assess, add interventions, record intervention results and visits: the assigned
  worker, and Dinas Sosial/admins.
The area is checked before the role: a case outside the user's area raises
NotAllowed (404), a case inside it with the wrong role PermissionDenied (403).
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q

from pilar.accounts.choices import HEALTH_DATA_ROLES, Role
from pilar.accounts.models import User
from pilar.accounts.scope import village_allowed
from pilar.cases import notify
from pilar.cases.choices import (
    ENDING_OUTCOMES,
    CaseStatus,
    IntakeSource,
    InterventionStatus,
    InterventionType,
    NeedArea,
    Outcome,
    StepAction,
)
from pilar.cases.models import Case, CaseStep, Intervention, Visit, default_followup_days
from pilar.core.dates import parse_date, today
from pilar.core.errors import ErrorCollector, NotAllowed
from pilar.core.text import check_text
from pilar.ppks.access import may_see_health_data
from pilar.ppks.actions import end_ppks_record
from pilar.ppks.choices import RecordStatus
from pilar.ppks.models import PpksRecord
from pilar.psks.appointments import may_be_assigned
from pilar.registry.choices import RestrictedProcessing
from pilar.registry.restriction import check_processing, subject_of

# Open, assign and close cases.
CASE_MANAGER_ROLES = frozenset({Role.ADMIN, Role.DINSOS})
# Roles a case may be assigned to (TKSK and PSM in the area; Dinas Sosial social workers).
WORKER_ROLES = frozenset({Role.TKSK, Role.PSM, Role.DINSOS})

MSG_MANAGER = "Hanya Dinas Sosial yang dapat membuka, menugaskan dan menutup penanganan."
# One answer for a worker id that does not exist and for a user who may not work the
# case (another area, a role that does not handle cases, inactive, or no access to
# its health data): naming the reason would tell who exists where (pattern 9).
MSG_NO_SK = (
    "Petugas ini tidak memiliki SK penugasan yang berlaku hari ini; "
    "kasus tidak dapat ditugaskan kepadanya."
)
MSG_NO_WORKER = "Petugas tidak ditemukan."
MSG_WORKER = "Hanya petugas yang ditugaskan atau Dinas Sosial yang dapat mencatat langkah ini."
MAX_FOLLOWUP_DAYS = 365
# Notes are multi-line text columns without a limit; a note a person writes is far
# shorter, and a step's log line (`_step`) keeps its first 2,000 characters.
NOTE_MAX = 5000


def may_manage(user: User) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "role", None) in CASE_MANAGER_ROLES
    )


def may_work_on(user: User, case: Case) -> bool:
    """Records visits, assessments and intervention results on `case`."""
    if may_manage(user):
        return True
    return bool(getattr(user, "is_active", False) and case.assigned_to_id == user.pk)


def _check_area(user: User, record: PpksRecord) -> None:
    if not village_allowed(user, record.household.village_id, "change"):
        raise NotAllowed
    if record.ppks_type.is_restricted and not may_see_health_data(user):
        raise NotAllowed


def _require_manager(user: User) -> None:
    if not may_manage(user):
        raise PermissionDenied(MSG_MANAGER)


def _require_worker(user: User, case: Case) -> None:
    if not may_work_on(user, case):
        raise PermissionDenied(MSG_WORKER)


def _locked(case: Case) -> Case:
    """The row locked for the step (two clicks at once write one change)."""
    return Case.objects.select_for_update().select_related("record__household").get(pk=case.pk)


def _refresh(case: Case, current: Case) -> Case:
    for field in current._meta.concrete_fields:
        setattr(case, field.attname, getattr(current, field.attname))
    return case


def _step(case: Case, action: str, user: User, note: str = "") -> CaseStep:
    return CaseStep.objects.create(case=case, action=action, actor=user, note=note[:2000])


def _require_open(errors: ErrorCollector, case: Case) -> None:
    if case.status == CaseStatus.CLOSED:
        errors.add("__all__", "Penanganan ini sudah ditutup.")


def _followup_days(errors: ErrorCollector, value) -> int:
    if value in (None, ""):
        return default_followup_days()
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_FOLLOWUP_DAYS:
        errors.add("followup_days", f"Interval tindak lanjut harus 1–{MAX_FOLLOWUP_DAYS} hari.")
    return days


def eligible_workers_q(record: PpksRecord) -> Q:
    """Users a case of `record` may be assigned to: the PSM of its kelurahan, the
    TKSK of its kecamatan, or a Dinas Sosial operator (city-wide); for a restricted
    health type (ODHA, NAPZA) only those who may see health data."""
    village = record.household.village_id
    q = Q(is_active=True) & (
        Q(role=Role.PSM, village_id=village)
        | Q(role=Role.TKSK, district_id=village[:8])
        | Q(role=Role.DINSOS)
    )
    if record.ppks_type.is_restricted:
        q &= Q(role__in=HEALTH_DATA_ROLES)
    return q


def find_worker(record: PpksRecord, worker_id):
    """The user named by `worker_id` (a request's body or form) if a case of `record`
    may be assigned to them, else None: missing and not eligible read alike."""

    raw = str(worker_id if worker_id is not None else "").strip()
    if not raw.isdigit() or len(raw) > 18:
        return None
    return User.objects.filter(eligible_workers_q(record), pk=int(raw)).first()


def _check_worker(errors: ErrorCollector, record: PpksRecord, worker) -> None:
    if worker is None:
        errors.add("assigned_to", "Pilih petugas.")
        return
    # Re-checked here for every caller (the pages and the API look the worker up
    # through find_worker first), with the same message as an unknown id.
    if not (
        getattr(worker, "is_active", False)
        and worker.role in WORKER_ROLES
        and village_allowed(worker, record.household.village_id, "change")
        and (not record.ppks_type.is_restricted or may_see_health_data(worker))
    ):
        errors.add("assigned_to", MSG_NO_WORKER)
    elif not may_be_assigned(worker):
        # Permensos 28/2018, 10/2019: a TKSK/PSM acts under a decree (SK) in force.
        errors.add("assigned_to", MSG_NO_SK)


# Open and assign -------------------------------------------------------------


@transaction.atomic
def open_case(
    record: PpksRecord,
    *,
    acting_user: User,
    intake_date=None,
    source: str = "",
    notes: str = "",
    assigned_to=None,
    followup_days=None,
    override_basis: str = "",
    override_reason: str = "",
) -> Case:
    """Open a case for an active PPKS record (one open case per record). Refused for a
    person (or, for a household record, a head) whose processing is restricted
    (decision 43) unless an override basis and reason are given, then recorded."""
    _check_area(acting_user, record)
    _require_manager(acting_user)
    # Lock the record: two operators opening at once produce one case.
    record = (
        PpksRecord.objects.select_for_update(of=("self",))
        .select_related("household__village", "ppks_type")
        .get(pk=record.pk)
    )
    errors = ErrorCollector()
    if record.status != RecordStatus.ACTIVE:
        errors.add("__all__", "Data PPKS ini sudah selesai; penanganan tidak dapat dibuka.")
    elif Case.objects.filter(record=record).exclude(status=CaseStatus.CLOSED).exists():
        errors.add("__all__", "Data PPKS ini sudah memiliki penanganan yang masih berjalan.")
    if not errors.errors:
        _check_restriction(record, acting_user, override_basis, override_reason, "buka")
    date = parse_date(
        errors,
        "intake_date",
        intake_date,
        "Tanggal penerimaan",
        not_before=record.date_found,
        past=True,
        default=today(),
    )
    if source not in IntakeSource.values:
        errors.add("intake_source", "Pilih sumber penerimaan.")
    days = _followup_days(errors, followup_days)
    notes = check_text(errors, "notes", notes, max_length=NOTE_MAX, multiline=True)
    if assigned_to is not None:
        _check_worker(errors, record, assigned_to)
    errors.raise_if_any()
    assert date is not None  # an unreadable date raised above; empty is today
    next_due = date + datetime.timedelta(days=days)
    case = Case.objects.create(
        record=record,
        intake_date=date,
        intake_by=acting_user,
        intake_source=source,
        intake_notes=notes,
        assigned_to=assigned_to,
        followup_days=days,
        next_due=next_due,
        overdue_notified_due=_told_overdue(assigned_to, next_due),
    )
    _step(case, StepAction.OPENED, acting_user, case.intake_notes)
    if assigned_to is not None:
        _step(case, StepAction.ASSIGNED, acting_user, _worker_label(assigned_to))
        notify.assigned(case, worker=assigned_to, previous=None, acting_user=acting_user)
    return case


def _check_restriction(record: PpksRecord, user: User, basis: str, reason: str, verb: str) -> None:
    """InvalidInput when the record's person is restricted and no override is given;
    an override is recorded in the caller's transaction (rolled back with it if a
    later check refuses the act)."""
    check_processing(
        subject_of(person_id=record.person_id, household_id=record.household_id),
        acting_user=user,
        purpose=RestrictedProcessing.CASE,
        target=f"penanganan PPKS #{record.pk} ({verb})",
        override_basis=basis,
        override_reason=reason,
    )


def _told_overdue(worker, next_due):
    """The overdue period an assignment message tells the worker about (it says
    "already overdue"), so `notify_overdue` does not repeat it; else None."""
    if worker is not None and next_due is not None and next_due < today():
        return next_due
    return None


def _worker_label(user: User) -> str:
    return f"{user.get_full_name() or user.username} ({user.get_role_display()})"


@transaction.atomic
def assign_case(
    case: Case,
    *,
    acting_user: User,
    worker,
    note: str = "",
    override_basis: str = "",
    override_reason: str = "",
) -> Case:
    """Assign (or reassign) the case's worker: handing a restricted person's case to
    a worker is processing too (decision 43)."""
    _check_area(acting_user, case.record)
    _require_manager(acting_user)
    current = _locked(case)
    errors = ErrorCollector()
    _require_open(errors, current)
    _check_worker(errors, case.record, worker)
    errors.raise_if_any()
    _check_restriction(case.record, acting_user, override_basis, override_reason, "tugaskan")
    previous = current.assigned_to
    current.assigned_to = worker
    fields = ["assigned_to", "updated_at"]
    if previous != worker and _told_overdue(worker, current.next_due):
        current.overdue_notified_due = current.next_due
        fields.append("overdue_notified_due")
    current.save(update_fields=fields)
    text = _worker_label(worker) + (f": {note.strip()}" if (note or "").strip() else "")
    _step(current, StepAction.ASSIGNED, acting_user, text)
    notify.assigned(current, worker=worker, previous=previous, acting_user=acting_user)
    return _refresh(case, current)


# Assessment and plan ---------------------------------------------------------


@transaction.atomic
def assess_case(case: Case, *, acting_user: User, needs, notes: str = "", assessed_on=None) -> Case:
    """Record the needs found (checklist + free text). May be repeated while open."""
    _check_area(acting_user, case.record)
    _require_worker(acting_user, case)
    current = _locked(case)
    errors = ErrorCollector()
    _require_open(errors, current)
    if isinstance(needs, str):
        needs = [n.strip() for n in needs.replace(";", ",").split(",") if n.strip()]
    needs = list(dict.fromkeys(needs or []))
    for item in needs:
        if item not in NeedArea.values:
            errors.add("needs", f"Bidang kebutuhan '{item}' tidak dikenal.")
    notes = check_text(errors, "notes", notes, max_length=NOTE_MAX, multiline=True)
    if not needs and not notes and "notes" not in errors:
        errors.add("needs", "Pilih minimal satu bidang kebutuhan atau tulis hasil asesmen.")
    date = parse_date(
        errors,
        "assessed_on",
        assessed_on,
        "Tanggal asesmen",
        not_before=current.intake_date,
        past=True,
        default=today(),
    )
    errors.raise_if_any()
    current.needs = needs
    current.assessment_notes = notes
    current.assessed_on = date
    current.assessed_by = acting_user
    if current.status == CaseStatus.INTAKE:
        current.status = CaseStatus.ASSESSED
    current.save()
    labels = dict(NeedArea.choices)
    _step(
        current,
        StepAction.ASSESSED,
        acting_user,
        "; ".join(str(labels[n]) for n in needs) + (f". {notes}" if notes else ""),
    )
    return _refresh(case, current)


@transaction.atomic
def add_intervention(
    case: Case,
    *,
    acting_user: User,
    kind: str,
    target: str = "",
    program=None,
    enrollment=None,
    planned_date=None,
) -> Intervention:
    """Add a plan item. Needs an assessment first; the case moves to "plan"."""
    _check_area(acting_user, case.record)
    _require_worker(acting_user, case)
    current = _locked(case)
    errors = ErrorCollector()
    _require_open(errors, current)
    if current.status == CaseStatus.INTAKE:
        errors.add("__all__", "Lakukan asesmen kebutuhan sebelum menyusun rencana intervensi.")
    if kind not in InterventionType.values:
        errors.add("kind", "Pilih jenis intervensi.")
    target = check_text(errors, "target", target, max_length=200)
    if kind == InterventionType.PROGRAM and program is None:
        errors.add("program", "Pilih programnya.")
    elif kind and kind != InterventionType.PROGRAM and not target and "target" not in errors:
        errors.add("target", "Isi tujuan (nama panti, LKS, rumah sakit, jenis bantuan...).")
    if enrollment is not None:
        if program is not None and enrollment.program_id != program.pk:
            errors.add("enrollment", "Kepesertaan itu bukan dari program yang dipilih.")
        if enrollment.household_id != current.record.household_id:
            errors.add("enrollment", "Kepesertaan itu milik keluarga lain.")
    date = parse_date(errors, "planned_date", planned_date, "Tanggal rencana") or (
        None if "planned_date" in errors else today()
    )
    if date is not None and date < current.intake_date:
        errors.add("planned_date", "Tanggal rencana tidak boleh sebelum tanggal penerimaan.")
    errors.raise_if_any()
    item = Intervention.objects.create(
        case=current,
        kind=kind,
        target=target,
        program=program,
        enrollment=enrollment,
        planned_date=date or today(),
        created_by=acting_user,
    )
    if current.status == CaseStatus.ASSESSED:
        current.status = CaseStatus.PLAN
        current.save(update_fields=["status", "updated_at"])
    _step(
        current, StepAction.PLANNED, acting_user, f"{item.get_kind_display()}: {item.target_label}"
    )
    _refresh(case, current)
    return item


@transaction.atomic
def record_intervention_result(
    item: Intervention, *, acting_user: User, status: str, result_note: str = "", done_on=None
) -> Intervention:
    """Mark a plan item done (the case is then "in progress") or cancelled."""
    case = item.case
    _check_area(acting_user, case.record)
    _require_worker(acting_user, case)
    current = _locked(case)
    item = Intervention.objects.select_for_update().get(pk=item.pk)
    errors = ErrorCollector()
    _require_open(errors, current)
    if item.status != InterventionStatus.PLANNED:
        errors.add("__all__", "Hasil intervensi ini sudah dicatat.")
    if status not in (InterventionStatus.DONE, InterventionStatus.CANCELLED):
        errors.add("status", "Pilih: terlaksana atau dibatalkan.")
    result_note = check_text(
        errors, "result_note", result_note, max_length=NOTE_MAX, multiline=True
    )
    if not result_note and "result_note" not in errors:
        errors.add("result_note", "Tulis hasil atau alasan pembatalannya.")
    date = parse_date(
        errors,
        "done_on",
        done_on,
        "Tanggal",
        not_before=current.intake_date,
        past=True,
        default=today(),
    )
    errors.raise_if_any()
    item.status = status
    item.result_note = result_note
    item.done_on = date
    item.save()
    if status == InterventionStatus.DONE and current.status in (
        CaseStatus.ASSESSED,
        CaseStatus.PLAN,
    ):
        current.status = CaseStatus.IN_PROGRESS
        current.save(update_fields=["status", "updated_at"])
    _step(
        current,
        StepAction.INTERVENTION,
        acting_user,
        f"{item.get_kind_display()} ({item.target_label}): {item.get_status_display().lower()}. "
        f"{result_note}",
    )
    _refresh(case, current)
    return item


# Follow-up visits --------------------------------------------------------------


def _coordinate(errors: ErrorCollector, field: str, value, limit: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        errors.add(field, "Koordinat harus berupa angka desimal, misalnya -6.178306.")
        return None
    if not -limit <= number <= limit:
        errors.add(field, f"Koordinat harus di antara -{limit} dan {limit}.")
        return None
    return number


@transaction.atomic
def record_visit(
    case: Case,
    *,
    acting_user: User,
    visited_on=None,
    notes: str = "",
    latitude=None,
    longitude=None,
) -> Visit:
    """A follow-up visit; the next due date becomes the latest visit + the interval."""
    _check_area(acting_user, case.record)
    _require_worker(acting_user, case)
    current = _locked(case)
    errors = ErrorCollector()
    _require_open(errors, current)
    date = parse_date(
        errors,
        "visited_on",
        visited_on,
        "Tanggal kunjungan",
        not_before=current.intake_date,
        past=True,
        default=today(),
    )
    notes = check_text(errors, "notes", notes, max_length=NOTE_MAX, multiline=True)
    if not notes and "notes" not in errors:
        errors.add("notes", "Tulis catatan kunjungan.")
    lat = _coordinate(errors, "latitude", latitude, 90)
    lon = _coordinate(errors, "longitude", longitude, 180)
    if (lat is None) != (lon is None) and "latitude" not in errors and "longitude" not in errors:
        errors.add("latitude", "Isi lintang dan bujur, atau kosongkan keduanya.")
    errors.raise_if_any()
    assert date is not None  # an unreadable date raised above; empty is today
    visit = Visit.objects.create(
        case=current, visited_on=date, visitor=acting_user, notes=notes, latitude=lat, longitude=lon
    )
    # A late-entered older visit does not pull the due date back.
    latest = (
        current.visits.order_by("-visited_on").values_list("visited_on", flat=True).first()
        or date
        or today()
    )
    current.next_due = latest + datetime.timedelta(days=current.followup_days)
    if current.status == CaseStatus.PLAN:
        current.status = CaseStatus.IN_PROGRESS
    current.save(update_fields=["next_due", "status", "updated_at"])
    _step(current, StepAction.VISITED, acting_user, f"{date:%d-%m-%Y}: {notes}")
    _refresh(case, current)
    return visit


# Closure ----------------------------------------------------------------------


@transaction.atomic
def close_case(
    case: Case, *, acting_user: User, outcome: str, closed_on=None, note: str = ""
) -> Case:
    """Close with an outcome. Resolved, died and moved end the PPKS record too
    (ENDING_OUTCOMES, same transaction); planned interventions left are cancelled."""
    _check_area(acting_user, case.record)
    _require_manager(acting_user)
    current = _locked(case)
    errors = ErrorCollector()
    _require_open(errors, current)
    if outcome not in Outcome.values:
        errors.add("outcome", "Pilih hasil akhir penanganan.")
    date = parse_date(
        errors,
        "closed_on",
        closed_on,
        "Tanggal ditutup",
        not_before=current.intake_date,
        past=True,
        default=today(),
    )
    note = check_text(errors, "closure_note", note, max_length=NOTE_MAX, multiline=True)
    if outcome in (Outcome.REFERRED, Outcome.REFUSED) and not note and "closure_note" not in errors:
        errors.add("closure_note", "Tulis ke mana dirujuk atau alasan penolakannya.")
    errors.raise_if_any()
    current.status = CaseStatus.CLOSED
    current.outcome = outcome
    current.closed_on = date
    current.closure_note = note
    current.closed_by = acting_user
    current.next_due = None
    current.save()
    current.interventions.filter(status=InterventionStatus.PLANNED).update(
        status=InterventionStatus.CANCELLED, result_note="Dibatalkan: penanganan ditutup."
    )
    label = Outcome(outcome).label
    _step(current, StepAction.CLOSED, acting_user, f"{label}" + (f". {note}" if note else ""))
    if outcome in ENDING_OUTCOMES:
        record = (
            PpksRecord.objects.select_for_update()
            .select_related("household")
            .get(pk=current.record_id)
        )
        if record.status == RecordStatus.ACTIVE:
            reason = ENDING_OUTCOMES[Outcome(outcome)].format(case=current.pk)
            end_ppks_record(record, acting_user=acting_user, ended_on=date, reason=reason)
    return _refresh(case, current)
