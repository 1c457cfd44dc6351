"""Writes of PPKS records: register, correct, validate, end. Rules from domain.md.

Who writes: Dinas Sosial and admins (REGISTRY_WRITE_ROLES); PSM and TKSK propose
a new PPKS record or the end of one through a field report (pilar.submissions),
applied through these actions when Dinas Sosial validates it. The area is checked
before the role (NotAllowed -> 404 before PermissionDenied -> 403).

Validation: Dinas Sosial is the validating authority (domain.md, verivali). A
record entered or corrected by `dinsos`/`admin` is validated at once. Records a
field worker entered directly before field reports existed still wait for a
"Validasi" by Dinas Sosial. The branches below for an acting user who may write
but not validate are kept: REGISTRY_WRITE_ROLES and VALIDATOR_ROLES are separate
settings that happen to hold the same roles today.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from pilar.accounts.choices import Role
from pilar.accounts.scope import village_allowed
from pilar.core.dates import age_on, parse_date, today
from pilar.core.errors import ErrorCollector, NotAllowed
from pilar.core.text import check_text
from pilar.ppks.access import may_see_health_data
from pilar.ppks.choices import Level, RecordStatus
from pilar.ppks.models import PpksRecord, PpksType
from pilar.registry.actions import require_registry_writer
from pilar.registry.choices import Disability, LifeStatus
from pilar.registry.models import Household, Person

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

# Roles that validate PPKS records (Dinas Sosial, and admins acting for it).
VALIDATOR_ROLES = frozenset({Role.ADMIN, Role.DINSOS})

# A text column without a limit; a note a person writes is far shorter.
NOTES_MAX = 5000


def may_validate(user: User) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "role", None) in VALIDATOR_ROLES
    )


MSG_UNKNOWN_TYPE = "Jenis PPKS '{}' tidak dikenal (isi nomor 1–26 atau nama)."


def resolve_type(errors: ErrorCollector, value) -> PpksType | None:
    if isinstance(value, PpksType):
        return value
    text = str(value or "").strip()
    ppks_type = None
    if text.isdigit():
        ppks_type = PpksType.objects.filter(number=int(text), is_active=True).first()
    elif text:
        ppks_type = (
            PpksType.objects.filter(is_active=True, name__iexact=text).first()
            or PpksType.objects.filter(is_active=True, short_name__iexact=text).first()
        )
    if ppks_type is None:
        errors.add("ppks_type", MSG_UNKNOWN_TYPE.format(text))
    return ppks_type


def check_person_rules(errors: ErrorCollector, ppks_type: PpksType, person: Person, on) -> None:
    """Age, sex and life-status rules of a PPKS type for one person."""
    if person.life_status != LifeStatus.ALIVE:
        errors.add(
            "person",
            f"{person.name} berstatus {person.get_life_status_display().lower()}; "
            "tidak dapat didaftarkan sebagai PPKS.",
        )
    if ppks_type.min_age is not None or ppks_type.max_age is not None:
        if person.birth_date is None:
            errors.add(
                "ppks_type",
                f"{ppks_type.name} hanya untuk {ppks_type.age_rule_label}; "
                f"tanggal lahir {person.name} belum diisi.",
            )
        elif on is not None:
            age = age_on(person.birth_date, on)
            too_young = ppks_type.min_age is not None and age < ppks_type.min_age
            too_old = ppks_type.max_age is not None and age > ppks_type.max_age
            if too_young or too_old:
                errors.add(
                    "ppks_type",
                    f"{ppks_type.name} hanya untuk {ppks_type.age_rule_label}; "
                    f"usia {person.name} pada tanggal ditemukan adalah {age} tahun.",
                )
    if ppks_type.sex and person.sex != ppks_type.sex:
        label = "perempuan" if ppks_type.sex == "P" else "laki-laki"
        errors.add("ppks_type", f"{ppks_type.name} hanya untuk {label}.")
    if person.birth_date and on is not None and on < person.birth_date:
        errors.add("date_found", "Tanggal ditemukan tidak boleh sebelum tanggal lahir.")


def _clean(data: dict, *, user: User, instance: PpksRecord | None = None) -> dict:
    errors = ErrorCollector()
    ppks_type = resolve_type(errors, data.get("ppks_type", instance and instance.ppks_type))
    person = data.get("person", instance.person if instance else None)
    household = data.get("household", instance.household if instance else None)
    date_found = parse_date(
        errors,
        "date_found",
        data.get("date_found", instance and instance.date_found),
        "Tanggal ditemukan",
    )
    if date_found is None and "date_found" not in errors:
        date_found = today()
    if date_found and date_found > today():
        errors.add("date_found", "Tanggal ditemukan tidak boleh di masa depan.")

    subtypes = data.get("disability_subtypes", instance.disability_subtypes if instance else [])
    if isinstance(subtypes, str):
        subtypes = [s.strip() for s in subtypes.replace(";", ",").split(",") if s.strip()]
    subtypes = list(dict.fromkeys(subtypes or []))
    for item in subtypes:
        if item not in Disability.values:
            errors.add("disability_subtypes", f"Jenis disabilitas '{item}' tidak dikenal.")

    if ppks_type is not None:
        if ppks_type.level == Level.PERSON:
            if not isinstance(person, Person):
                errors.add("person", f"{ppks_type.name} dicatat per individu: pilih individunya.")
            else:
                household = person.household
                check_person_rules(errors, ppks_type, person, date_found)
        else:
            if person is not None:
                errors.add(
                    "person",
                    f"{ppks_type.name} dicatat per {ppks_type.get_level_display().lower()}, "
                    "bukan per individu.",
                )
            if not isinstance(household, Household):
                errors.add("household", "Pilih keluarganya.")
        if ppks_type.has_disability_subtypes and not subtypes:
            errors.add("disability_subtypes", "Pilih minimal satu jenis disabilitas.")
        if not ppks_type.has_disability_subtypes and subtypes:
            errors.add("disability_subtypes", f"{ppks_type.name} tidak memakai jenis disabilitas.")

    if isinstance(household, Household) and not village_allowed(user, household.village_id):
        raise NotAllowed
    if ppks_type is not None and "ppks_type" not in errors and isinstance(household, Household):
        duplicates = PpksRecord.objects.filter(ppks_type=ppks_type, status=RecordStatus.ACTIVE)
        if ppks_type.level == Level.PERSON and isinstance(person, Person):
            duplicates = duplicates.filter(person=person)
        else:
            duplicates = duplicates.filter(household=household, person__isnull=True)
        if instance is not None:
            duplicates = duplicates.exclude(pk=instance.pk)
        if duplicates.exists():
            errors.add("ppks_type", f"Sudah tercatat sebagai {ppks_type.name} yang masih aktif.")
    notes = check_text(
        errors,
        "notes",
        data.get("notes", instance.notes if instance else ""),
        max_length=NOTES_MAX,
        multiline=True,
    )
    reporter_name = check_text(
        errors,
        "reporter_name",
        data.get("reporter_name", instance.reporter_name if instance else ""),
        max_length=150,
    )
    errors.raise_if_any()
    return {
        "ppks_type": ppks_type,
        "person": person if ppks_type and ppks_type.level == Level.PERSON else None,
        "household": household,
        "date_found": date_found,
        "disability_subtypes": subtypes,
        "notes": notes,
        "reporter_name": reporter_name,
    }


@transaction.atomic
def create_ppks_record(*, acting_user: User, data: dict, reporter=None) -> PpksRecord:
    """`data`: ppks_type (PpksType, number or name), person or household (objects the
    caller fetched through scoped querysets), date_found, disability_subtypes, notes.
    `reporter`: who found the person, when not the acting user (a validated field report)."""
    person, household = data.get("person"), data.get("household")
    subject = person.household if isinstance(person, Person) else household
    if isinstance(subject, Household) and not village_allowed(acting_user, subject.village_id):
        raise NotAllowed
    require_registry_writer(acting_user)
    values = _clean(data, user=acting_user)
    validator = acting_user if may_validate(acting_user) else None
    if reporter is None and getattr(acting_user, "is_authenticated", False):
        reporter = acting_user
    return PpksRecord.objects.create(
        reporter=reporter,
        reporter_name=values.pop("reporter_name")
        or (acting_user.get_full_name() or acting_user.username if acting_user else ""),
        # Entered by Dinas Sosial: validated by the same act (decisions.md).
        validated_at=timezone.now() if validator else None,
        validated_by=validator,
        **values,
    )


@transaction.atomic
def update_ppks_record(record: PpksRecord, *, acting_user: User, data: dict) -> PpksRecord:
    if not village_allowed(acting_user, record.household.village_id):
        raise NotAllowed
    require_registry_writer(acting_user)
    if record.status != RecordStatus.ACTIVE:
        errors = ErrorCollector()
        errors.add("__all__", "Data PPKS yang sudah selesai tidak dapat diubah.")
        errors.raise_if_any()
    values = _clean(data, user=acting_user, instance=record)
    changed = any(getattr(record, field) != value for field, value in values.items())
    for field, value in values.items():
        setattr(record, field, value)
    if changed and may_validate(acting_user):
        record.validated_at = timezone.now()
        record.validated_by = acting_user
    elif changed and record.validated_at is not None:
        # A field worker's correction is not what Dinas Sosial validated.
        record.validated_at = None
        record.validated_by = None
    record.save()
    return record


@transaction.atomic
def validate_record(record: PpksRecord, *, acting_user: User) -> PpksRecord:
    """Dinas Sosial (or an admin) confirms an active PPKS record. Idempotent: an
    already validated record is returned unchanged (no new history event).

    Raises NotAllowed for other roles and for records outside the user's area or of
    a restricted type the user may not see; InvalidInput for an ended record."""
    if not may_validate(acting_user):
        raise NotAllowed
    if not village_allowed(acting_user, record.household.village_id, "change"):
        raise NotAllowed
    if record.ppks_type.is_restricted and not may_see_health_data(acting_user):
        raise NotAllowed
    # Lock the row: two validators clicking at once write one validation.
    current = PpksRecord.objects.select_for_update().get(pk=record.pk)
    if current.status != RecordStatus.ACTIVE:
        errors = ErrorCollector()
        errors.add("__all__", "Data PPKS yang sudah selesai tidak dapat divalidasi.")
        errors.raise_if_any()
    if current.validated_at is None:
        current.validated_at = timezone.now()
        current.validated_by = acting_user
        current.save(update_fields=["validated_at", "validated_by", "updated_at"])
    record.validated_at = current.validated_at
    record.validated_by_id = current.validated_by_id
    record.updated_at = current.updated_at
    return record


@transaction.atomic
def end_ppks_record(
    record: PpksRecord, *, acting_user: User, ended_on=None, reason: str = ""
) -> PpksRecord:
    """Close a PPKS record (handled, died, moved, wrong entry...) with a reason."""
    if not village_allowed(acting_user, record.household.village_id):
        raise NotAllowed
    require_registry_writer(acting_user)
    errors = ErrorCollector()
    if record.status != RecordStatus.ACTIVE:
        errors.add("__all__", "Data PPKS ini sudah selesai.")
    date = parse_date(errors, "ended_on", ended_on, "Tanggal selesai") or today()
    if date > today():
        errors.add("ended_on", "Tanggal selesai tidak boleh di masa depan.")
    if date < record.date_found:
        errors.add("ended_on", "Tanggal selesai tidak boleh sebelum tanggal ditemukan.")
    reason = check_text(errors, "end_reason", reason, max_length=300)
    if not reason and "end_reason" not in errors:
        errors.add("end_reason", "Alasan selesai wajib diisi.")
    errors.raise_if_any()
    record.status = RecordStatus.ENDED
    record.ended_on = date
    record.end_reason = reason
    record.save()
    return record
