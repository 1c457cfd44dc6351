"""Writes to the registry. Every page, API endpoint, seed and import goes through here.

Each action validates everything first (InvalidInput, nothing written), then
writes in one transaction; row history is captured by pghistory triggers with
the request's user and URL as context.

Who writes: Dinas Sosial and admins (REGISTRY_WRITE_ROLES). PSM and TKSK propose
changes through field reports (pilar.submissions), which Dinas Sosial applies
through these same actions when it validates them. The area is checked before the
role, so a record outside the user's area stays invisible (NotAllowed -> 404)
rather than refused (PermissionDenied -> 403).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

import pghistory
from django.core.exceptions import PermissionDenied
from django.db import transaction

from pilar.accounts.scope import village_allowed
from pilar.core.dates import parse_date, today
from pilar.core.errors import ErrorCollector, InvalidInput, NotAllowed
from pilar.core.text import check_text
from pilar.registry import choices
from pilar.registry.models import Household, Membership, Person
from pilar.registry.validation import (
    HOUSEHOLD_FIELDS,
    PERSON_FIELDS,
    clean_household,
    clean_person,
)

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

MSG_FIELD_REPORT = (
    "Perubahan registri oleh PSM/TKSK diajukan lewat laporan lapangan (menu Laporan / "
    "aplikasi /lapangan/) dan berlaku setelah diverifikasi TKSK dan divalidasi Dinas Sosial."
)


def require_registry_writer(user: User) -> None:
    """PermissionDenied unless `user` writes the registry directly (Dinas Sosial, admin)."""
    if not getattr(user, "can_write_registry", False):
        raise PermissionDenied(MSG_FIELD_REPORT)


def _check_can_write(user: User, household: Household) -> None:
    if not village_allowed(user, household.village_id, "change"):
        raise NotAllowed


def _merge(instance, data: dict, fields: list[str]) -> dict:
    """Current values overlaid with the submitted ones (partial updates)."""
    merged = {f: getattr(instance, f) for f in fields}
    if "village" in fields:
        merged["village"] = instance.village
    merged.update({k: v for k, v in data.items() if k in fields})
    return merged


@transaction.atomic
def create_household(
    *, acting_user: User, data: dict, members: list[dict] | None = None
) -> Household:
    """Create a household, optionally with its members (all validated before any write)."""
    require_registry_writer(acting_user)
    # Household and member problems are reported together, so a form shows all of them.
    member_errors: dict[str, list[str]] = {}
    member_codes: dict[str, str] = {}
    values: dict = {}
    try:
        values = clean_household(data, user=acting_user)
    except InvalidInput as exc:
        member_errors.update(exc.errors)
        member_codes.update(exc.codes)
    cleaned_members = []
    for index, member in enumerate(members or []):
        try:
            cleaned_members.append(clean_person(member, household=None))
        except InvalidInput as exc:
            for field, messages in exc.errors.items():
                member_errors[f"members[{index}].{field}"] = messages
            for field, code in exc.codes.items():
                member_codes[f"members[{index}].{field}"] = code
    heads = [m for m in cleaned_members if m["relation"] == choices.Relation.HEAD]
    if len(heads) > 1:
        member_errors.setdefault("members", []).append(
            "Satu keluarga hanya boleh punya satu kepala keluarga."
        )
    niks = [m["nik"] for m in cleaned_members if m["nik"]]
    if len(niks) != len(set(niks)):
        member_errors.setdefault("members", []).append("NIK yang sama muncul lebih dari sekali.")
    if member_errors:
        raise InvalidInput(member_errors, codes=member_codes)
    household = Household.objects.create(**values)
    for member in cleaned_members:
        _insert_person(household, member)
    return household


@transaction.atomic
def update_household(household: Household, *, acting_user: User, data: dict) -> Household:
    _check_can_write(acting_user, household)
    require_registry_writer(acting_user)
    values = clean_household(
        _merge(household, data, HOUSEHOLD_FIELDS), user=acting_user, instance=household
    )
    changed = False
    for field, value in values.items():
        if getattr(household, field) != value:
            setattr(household, field, value)
            changed = True
    if changed:
        household.save()
    return household


def _insert_person(
    household: Household, values: dict, start: datetime.date | None = None
) -> Person:
    person = Person.objects.create(household=household, **values)
    Membership.objects.create(
        person=person, household=household, relation=person.relation, start_date=start or today()
    )
    return person


@transaction.atomic
def create_person(*, acting_user: User, household: Household, data: dict) -> Person:
    """Add a person to a household (a birth, a newcomer, a member not yet recorded)."""
    _check_can_write(acting_user, household)
    require_registry_writer(acting_user)
    values = clean_person(data, household=household)
    return _insert_person(household, values)


@transaction.atomic
def update_person(person: Person, *, acting_user: User, data: dict) -> Person:
    """Correct a person's data or record a death / move away (life_status)."""
    _check_can_write(acting_user, person.household)
    require_registry_writer(acting_user)
    values = clean_person(
        _merge(person, data, PERSON_FIELDS), household=person.household, instance=person
    )
    changed = False
    for field, value in values.items():
        if getattr(person, field) != value:
            setattr(person, field, value)
            changed = True
    if changed:
        person.save()
        if person.relation != _current_membership(person).relation:
            Membership.objects.filter(pk=_current_membership(person).pk).update(
                relation=person.relation
            )
    return person


def _current_membership(person: Person) -> Membership:
    membership = person.memberships.filter(end_date__isnull=True).first()
    if membership is None:  # data created before memberships existed; repair it
        membership = Membership.objects.create(
            person=person, household=person.household, relation=person.relation
        )
    return membership


@transaction.atomic
def move_person(
    person: Person,
    *,
    acting_user: User,
    to_household: Household,
    relation: str,
    moved_on: Any = None,
    reason: str = "",
) -> Person:
    """Move a person to another household: the old membership is closed, a new one opened,
    and the person's active PPKS records follow them."""
    _check_can_write(acting_user, person.household)
    _check_can_write(acting_user, to_household)
    require_registry_writer(acting_user)
    errors = ErrorCollector()
    date = parse_date(errors, "moved_on", moved_on, "Tanggal pindah") or today()
    if to_household.pk == person.household_id:
        errors.add("to_household", "Individu sudah menjadi anggota keluarga ini.")
    if relation not in choices.Relation.values:
        errors.add("relation", "Hubungan dengan kepala keluarga tidak dikenal.")
    reason = check_text(errors, "reason", reason, max_length=200)
    if not reason and "reason" not in errors:
        errors.add("reason", "Alasan pindah wajib diisi.")
    errors.raise_if_any()
    clean_person(
        {**{f: getattr(person, f) for f in PERSON_FIELDS}, "relation": relation},
        household=to_household,
        instance=person,
    )
    current = _current_membership(person)
    current.end_date = date
    current.end_reason = reason
    current.save()
    Membership.objects.create(
        person=person, household=to_household, relation=relation, start_date=date
    )
    person.household = to_household
    person.relation = relation
    person.save()
    # Through the reverse relation pilar.ppks declares: the registry names no ppks module.
    person.ppks_records.filter(status="aktif").update(household=to_household)
    return person


# Restriction of processing (UU 27/2022 art. 10-11; decision 43) -----------------------


def _save_restriction(row: Person, *, acting_user: User, request_id: int) -> Person:
    """Store the restriction fields; the row history names the pdp request."""
    with pghistory.context(pdp_request=request_id, user=acting_user.pk):
        row.save(
            update_fields=[
                "processing_restricted_since",
                "processing_restriction_request",
                "processing_restriction_kind",
                "updated_at",
            ]
        )
    return row


@transaction.atomic
def restrict_processing(
    person: Person,
    *,
    acting_user: User,
    request_id: int,
    kind: str,
    since: datetime.datetime,
) -> Person:
    """Mark `person` restricted by the pdp request `request_id` (called by pilar.pdp's
    actions only). The row history names the request (`pdp_request` context)."""
    _check_can_write(acting_user, person.household)
    require_registry_writer(acting_user)
    if kind not in choices.RestrictionBasis.values:
        raise InvalidInput({"kind": ["Dasar pembatasan tidak dikenal."]})
    row = Person.objects.select_for_update().get(pk=person.pk)
    if (
        row.processing_restriction_request == request_id
        and row.processing_restriction_kind == kind
        and row.processing_restricted_since == since
    ):
        return row
    row.processing_restricted_since = since
    row.processing_restriction_request = request_id
    row.processing_restriction_kind = kind
    return _save_restriction(row, acting_user=acting_user, request_id=request_id)


@transaction.atomic
def lift_processing_restriction(person: Person, *, acting_user: User, request_id: int) -> Person:
    """End the restriction of `person` (its request refused, lifted, or no longer in
    force); the row history names the request that ended it."""
    _check_can_write(acting_user, person.household)
    require_registry_writer(acting_user)
    row = Person.objects.select_for_update().get(pk=person.pk)
    if row.processing_restricted_since is None:
        return row
    row.processing_restricted_since = None
    row.processing_restriction_request = None
    row.processing_restriction_kind = ""
    return _save_restriction(row, acting_user=acting_user, request_id=request_id)
