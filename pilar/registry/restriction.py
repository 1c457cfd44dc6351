"""Restriction of processing (UU 27/2022 art. 10-11; decision 43), as the apps that
process people read it. The state lives on the person (`Person.processing_*`, set by
`registry.actions.restrict_processing` from pilar.pdp); the apps above ask here:

- `unrestricted_persons_q` / `unrestricted_households_q`: what set-based paths
  (candidate lists, exports) keep;
- `check_processing`: a single act on one person (a program enrollment or delivery, a
  case, a Bedah Rumah). Refused with an Indonesian message unless the caller gives an
  override basis and reason (art. 20(2)); an override is recorded
  (`ProcessingOverride`);
- `hold_write`: a field report or an import writing to the person: held, no override
  (storage stays as it is until the restriction ends; a correction request runs
  through pilar.pdp).

Storage and viewing are never refused: a restriction means "store only".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from pilar.core.errors import ErrorCollector, InvalidInput
from pilar.core.formatting import long_date
from pilar.core.text import check_text
from pilar.registry import choices
from pilar.registry.models import Person, ProcessingOverride

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

CODE = "processing_restricted"
MSG_OVERRIDE = (
    "Jika pemrosesan tetap wajib dilakukan (kewajiban hukum, kepentingan vital, tugas "
    "pelayanan publik; UU 27/2022 pasal 20), pilih dasarnya dan tuliskan alasannya: "
    "alasan itu dicatat."
)


def describe(person: Person) -> str:
    """'Pemrosesan data Siti dibatasi sejak 7 Desember 2026 (permintaan PDP #12,
    pembatasan pemrosesan)'."""
    since = person.processing_restricted_since
    basis = (
        "keberatan dikabulkan"
        if person.processing_restriction_kind == choices.RestrictionBasis.OBJECTION
        else "permintaan pembatasan pemrosesan"
    )
    when = f" sejak {long_date(timezone.localtime(since).date())}" if since else ""
    return (
        f"Pemrosesan data {person.name} dibatasi{when} "
        f"({basis}, permintaan PDP #{person.processing_restriction_request})"
    )


def unrestricted_persons_q(prefix: str = "") -> Q:
    """Persons whose processing is not restricted (`prefix` e.g. "person__")."""
    return Q(**{f"{prefix}processing_restricted_since__isnull": True})


def restricted_head_exists(household_ref: str = "pk") -> Exists:
    """The household's current head is restricted (a household-level program or
    export names and pays the head; decision 43)."""
    return Exists(
        Person.objects.filter(
            household_id=OuterRef(household_ref),
            relation=choices.Relation.HEAD,
            is_active=True,
            processing_restricted_since__isnull=False,
        )
    )


def restricted_head(household_id: int | None) -> Person | None:
    """The household's active head when their processing is restricted, else None:
    what a household-level act is checked against."""
    if household_id is None:
        return None
    return (
        Person.objects.filter(
            household_id=household_id,
            relation=choices.Relation.HEAD,
            is_active=True,
            processing_restricted_since__isnull=False,
        )
        .order_by("pk")
        .first()
    )


def subject_of(*, person_id: int | None, household_id: int | None) -> Person | None:
    """The person a program/case/renovation row is about for the restriction check:
    its person, else (household level) a restricted head."""
    if person_id is not None:
        return Person.objects.filter(pk=person_id).first()
    return restricted_head(household_id)


def restricted_subject(*, person_id: int | None, household_id: int | None) -> Person | None:
    """`subject_of` when their processing is restricted, else None (pages use it to
    ask for an override)."""
    subject = subject_of(person_id=person_id, household_id=household_id)
    return subject if subject is not None and subject.processing_restricted else None


def _fresh(person: Person, *, lock: bool = False) -> Person:
    """The person's restriction as stored now (the caller's copy may be older). With
    `lock` (inside the caller's transaction) the row is held FOR NO KEY UPDATE, so a
    restriction being written at the same moment is waited for and then seen."""
    rows = Person.objects.filter(pk=person.pk)
    if lock:
        rows = rows.select_for_update(no_key=True)
    row = rows.values(
        "processing_restricted_since",
        "processing_restriction_request",
        "processing_restriction_kind",
    ).first()
    if row:
        for field, value in row.items():
            setattr(person, field, value)
    return person


def check_processing(
    person: Person | None,
    *,
    acting_user: User,
    purpose: str,
    target: str = "",
    override_basis: str = "",
    override_reason: str = "",
) -> ProcessingOverride | None:
    """Refuse `purpose` on a restricted `person` (InvalidInput, code
    "processing_restricted", nothing written) unless an override basis and reason
    are given; then the override is recorded (in the caller's transaction) and
    returned. None when the person is not restricted."""
    if person is None:
        return None
    person = _fresh(person, lock=True)
    if not person.processing_restricted:
        return None
    label = choices.RestrictedProcessing(purpose).label.lower()
    errors = ErrorCollector()
    reason = check_text(errors, "override_reason", override_reason, max_length=2000, multiline=True)
    if not override_basis and not reason and not errors.errors:
        message = f"{describe(person)}: {label} tidak dapat dilakukan. {MSG_OVERRIDE}"
        raise InvalidInput({"__all__": [message]}, message=message, codes={"__all__": CODE})
    if override_basis not in choices.OverrideBasis.values:
        errors.add("override_basis", "Pilih dasar pemrosesan meski dibatasi.", CODE)
    if not reason and "override_reason" not in errors:
        errors.add("override_reason", "Tuliskan alasan pemrosesan meski dibatasi.", CODE)
    elif reason and len(reason) < 10:
        errors.add("override_reason", "Alasan terlalu singkat: jelaskan kewajibannya.", CODE)
    errors.raise_if_any()
    assert person.processing_restriction_request is not None
    return ProcessingOverride.objects.create(
        person=person,
        restriction_request=person.processing_restriction_request,
        purpose=purpose,
        target=target[:200],
        basis=override_basis,
        reason=reason,
        actor=acting_user,
    )


def refuse_batch(rows: list, *, purpose: str) -> None:
    """A batch act (propose, approve, pay a month) on rows with `person_id` /
    `household_id`: refused, all or none, when one of them is about a restricted
    person (an override is given one row at a time)."""
    person_ids = {r.person_id for r in rows if r.person_id is not None}
    household_ids = {r.household_id for r in rows if r.person_id is None}
    if not person_ids and not household_ids:
        return
    restricted = list(
        Person.objects.filter(processing_restricted_since__isnull=False)
        .filter(
            Q(pk__in=person_ids)
            | Q(household_id__in=household_ids, relation=choices.Relation.HEAD, is_active=True)
        )
        .order_by("name", "pk")
        .values_list("name", "processing_restriction_request")
    )
    if not restricted:
        return
    names = ", ".join(f"{name} (permintaan PDP #{ref})" for name, ref in restricted[:5])
    more = f" dan {len(restricted) - 5} lainnya" if len(restricted) > 5 else ""
    label = choices.RestrictedProcessing(purpose).label.lower()
    message = (
        f"Pemrosesan data {len(restricted)} individu dibatasi (UU 27/2022): {names}{more}. "
        f"{label.capitalize()} tidak dapat dilakukan untuk mereka; keluarkan dari pilihan. "
        "Tidak ada yang diubah."
    )
    raise InvalidInput({"__all__": [message]}, message=message, codes={"__all__": CODE})


def hold_write(person: Person, *, field: str = "__all__", what: str = "Perubahan") -> None:
    """A field report or import may not change a restricted person: InvalidInput."""
    person = _fresh(person)
    if person.processing_restricted:
        message = (
            f"{describe(person)}: {what.lower()} atas individu ini ditahan sampai "
            "pembatasan dicabut. Perbaikan data yang diminta subjek data dicatat lewat "
            "register PDP."
        )
        raise InvalidInput({field: [message]}, message=message, codes={field: CODE})
