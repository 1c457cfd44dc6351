"""What a submission must satisfy before it is queued for review: the shape of its
payload (schemas.py) and the registry's own rules (NIK, No. KK, one head per
family, PPKS age and sex rules, scope). Run when a submission is submitted, again
when it is verified and, through the registry actions, when it is applied.
Errors are keyed by field path (paths.py) and in Indonesian."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import pydantic

from pilar.accounts.models import User
from pilar.core.api import pydantic_message
from pilar.core.dates import today
from pilar.core.errors import InvalidInput, NotAllowed
from pilar.ppks.access import may_see_health_data
from pilar.ppks.actions import MSG_UNKNOWN_TYPE
from pilar.ppks.actions import _clean as clean_ppks
from pilar.ppks.models import PpksRecord, PpksType, RecordStatus
from pilar.registry import choices as reg
from pilar.registry.models import Household, Person
from pilar.registry.restriction import hold_write
from pilar.registry.validation import HOUSEHOLD_FIELDS, PERSON_FIELDS, clean_household, clean_person
from pilar.submissions import choices
from pilar.submissions.paths import prefixed
from pilar.submissions.schemas import PAYLOADS

SEGMENT_NAMES = {
    "members": "member",
    "new_members": "new_member",
    "add": "ppks_add",
    "end": "ppks_end",
}


def _schema_path(kind: str, loc: tuple) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in SEGMENT_NAMES:
        parts[0] = SEGMENT_NAMES[parts[0]]
    if parts and parts[0] == "persons":
        parts[0] = "person_item"
    parts = [p for p in parts if p != "fields"]
    if kind == choices.Kind.HOUSING:
        parts = ["survey", *parts]
    return ".".join(parts) or "payload"


def parse_payload(kind: str, payload: Any) -> dict:
    """The payload in its canonical JSON form; InvalidInput for a wrong shape."""
    model = PAYLOADS[kind]
    try:
        parsed = model.model_validate(payload if isinstance(payload, dict) else {})
    except pydantic.ValidationError as exc:
        errors: dict[str, list[str]] = {}
        for error in exc.errors():
            path = _schema_path(kind, tuple(error.get("loc", ())))
            errors.setdefault(path, []).append(pydantic_message(dict(error)))
        raise InvalidInput(errors) from exc
    return parsed.model_dump(mode="json", exclude_none=True)


def household_data(fields: dict) -> dict:
    """Payload household fields as the registry actions name them (kelurahan -> village)."""
    data = {k: v for k, v in fields.items() if k != "kelurahan"}
    if "kelurahan" in fields:
        data["village"] = fields["kelurahan"]
    return data


def _current_household(household: Household) -> dict:
    data: dict[str, Any] = {f: getattr(household, f) for f in HOUSEHOLD_FIELDS if f != "village"}
    data["village"] = household.village
    return data


def _current_person(person: Person) -> dict:
    return {f: getattr(person, f) for f in PERSON_FIELDS}


MSG_NOT_MEMBER = "Individu ini bukan anggota keluarga yang dilaporkan."
MSG_NOT_RECORD = "Data PPKS ini bukan milik keluarga yang dilaporkan."


@dataclass
class References:
    """The registry objects a submission names by id, fetched through the reporter's scope."""

    members: dict[int, Person] = field(default_factory=dict)
    records: dict[int, PpksRecord] = field(default_factory=dict)


def is_restricted(kind: str, payload: dict) -> bool:
    """Whether the submission carries restricted health data (a PPKS type such as ODHA or
    NAPZA to add or end): such a submission is seen and handled by Dinas Sosial only."""
    if kind != choices.Kind.PPKS:
        return False
    added = {item.get("ppks_type") for item in payload.get("add") or []}
    ended = [item.get("record_id") for item in payload.get("end") or []]
    return (
        PpksType.objects.filter(number__in=added, is_restricted=True).exists()
        or PpksRecord.objects.filter(pk__in=ended, ppks_type__is_restricted=True).exists()
    )


def _hold(person: Person, field: str, errors: dict) -> None:
    """A report changing a person whose processing is restricted is held (decision
    43): the reporter sees why (the person is in their own area, so naming the
    restriction reveals nothing they may not see)."""
    try:
        hold_write(person, field=field, what="Laporan lapangan")
    except InvalidInput as exc:
        for key, messages in exc.errors.items():
            errors.setdefault(key, []).extend(messages)


def _references(
    kind: str, payload: dict, *, user: User, household: Household | None, errors: dict
) -> References:
    """Fetch every object the submission names through `user`'s scoped querysets and the
    health-data rule; a name outside them gets the same message as a missing one.

    This runs on drafts as much as on submitted ones: a draft's detail shows the
    registry's current values of what it names, so an unchecked draft would let a
    reporter read any person or PPKS record by id (issue 11)."""
    refs = References()
    if kind == choices.Kind.NEW_HOUSEHOLD:
        return refs
    if household is None:
        raise InvalidInput({"household_id": ["Pilih keluarga yang dilaporkan."]})
    if not Household.objects.restrict(user, "change").filter(pk=household.pk).exists():
        raise NotAllowed
    if kind == choices.Kind.CHANGE:
        wanted = [item.get("person_id") for item in payload.get("persons") or []]
    elif kind == choices.Kind.PPKS:
        wanted = [item.get("person_id") for item in payload.get("add") or []]
    else:
        wanted = []
    wanted = [pid for pid in wanted if pid]
    if wanted:
        refs.members = {
            p.pk: p
            for p in Person.objects.restrict(user, "change").filter(
                household=household, is_active=True, pk__in=wanted
            )
        }
    if kind == choices.Kind.CHANGE:
        for item in payload.get("persons") or []:
            if item["person_id"] not in refs.members:
                errors.setdefault(f"person.{item['person_id']}", []).append(MSG_NOT_MEMBER)
            else:
                _hold(refs.members[item["person_id"]], f"person.{item['person_id']}", errors)
    if kind == choices.Kind.PPKS:
        for i, item in enumerate(payload.get("add") or []):
            if item.get("person_id") and item["person_id"] not in refs.members:
                errors.setdefault(f"ppks_add.{i}.person_id", []).append(MSG_NOT_MEMBER)
            elif item.get("person_id"):
                _hold(refs.members[item["person_id"]], f"ppks_add.{i}.person_id", errors)
            if not may_see_health_data(user) and item.get("ppks_type") in _restricted_numbers():
                # Answered exactly like a type that does not exist.
                errors.setdefault(f"ppks_add.{i}.ppks_type", []).append(
                    MSG_UNKNOWN_TYPE.format(item["ppks_type"])
                )
        ended = [item.get("record_id") for item in payload.get("end") or []]
        if ended:
            refs.records = {
                r.pk: r
                for r in PpksRecord.objects.restrict(user, "change")
                .filter(household=household, pk__in=ended)
                .select_related("ppks_type")
            }
        for i, item in enumerate(payload.get("end") or []):
            if item["record_id"] not in refs.records:
                errors.setdefault(f"ppks_end.{i}", []).append(MSG_NOT_RECORD)
    return refs


def _restricted_numbers() -> set[int]:
    return set(PpksType.objects.filter(is_restricted=True).values_list("number", flat=True))


def check_references(kind: str, payload: dict, *, user: User, household: Household | None) -> None:
    """InvalidInput (paths as keys) when the submission names a person or PPKS record the
    reporter may not see, or one that does not exist; NotAllowed for a household
    outside the reporter's area. Run when a draft is created or changed."""
    errors: dict[str, list[str]] = {}
    _references(kind, payload, user=user, household=household, errors=errors)
    if errors:
        raise InvalidInput(errors)


def check(kind: str, payload: dict, *, user: User, household: Household | None) -> None:
    """Raise InvalidInput (paths as keys) for anything the registry would refuse;
    NotAllowed for a household outside the user's area."""
    errors: dict[str, list[str]] = {}

    def absorb(exc: InvalidInput, prefix: str) -> None:
        for key, messages in prefixed(exc, prefix).items():
            errors.setdefault(key, []).extend(messages)

    refs = _references(kind, payload, user=user, household=household, errors=errors)
    if kind == choices.Kind.NEW_HOUSEHOLD:
        try:
            clean_household(household_data(payload.get("household") or {}), user=user)
        except InvalidInput as exc:
            absorb(exc, "household.")
        niks: dict[str, int] = {}
        heads = 0
        for i, member in enumerate(payload.get("members") or []):
            try:
                values = clean_person(member, household=None)
            except InvalidInput as exc:
                absorb(exc, f"member.{i}.")
                continue
            if values["relation"] == reg.Relation.HEAD:
                heads += 1
            if values["nik"]:
                if values["nik"] in niks:
                    errors.setdefault(f"member.{i}.nik", []).append(
                        f"NIK yang sama sudah diisi untuk anggota {niks[values['nik']] + 1}."
                    )
                niks.setdefault(values["nik"], i)
        if heads != 1:
            errors.setdefault("members", []).append(
                "Keluarga baru harus punya tepat satu kepala keluarga."
            )
    elif household is not None and not household.is_active:
        raise InvalidInput({"household_id": ["Keluarga ini sudah tidak aktif."]})

    if kind == choices.Kind.CHANGE:
        assert household is not None
        fields = payload.get("household") or {}
        if fields:
            try:
                clean_household(
                    {**_current_household(household), **household_data(fields)},
                    user=user,
                    instance=household,
                )
            except InvalidInput as exc:
                absorb(exc, "household.")
        seen: set[int] = set()
        for item in payload.get("persons") or []:
            pid = item["person_id"]
            prefix = f"person.{pid}."
            person = refs.members.get(pid)
            if person is None:
                continue  # reported by _references
            if pid in seen:
                errors.setdefault(f"person.{pid}", []).append(
                    "Individu yang sama dilaporkan lebih dari sekali."
                )
            seen.add(pid)
            change = item["change"]
            if change == choices.PersonChange.CORRECTION:
                if not item.get("fields"):
                    errors.setdefault(f"person.{pid}", []).append("Tidak ada isian yang dikoreksi.")
                    continue
                try:
                    clean_person(
                        {**_current_person(person), **item["fields"]},
                        household=household,
                        instance=person,
                    )
                except InvalidInput as exc:
                    absorb(exc, prefix)
            else:
                if person.life_status != reg.LifeStatus.ALIVE:
                    errors.setdefault(prefix + "life_status", []).append(
                        f"{person.name} sudah tercatat {person.get_life_status_display().lower()}."
                    )
                if not item.get("date"):
                    errors.setdefault(prefix + "date", []).append("Tanggal wajib diisi.")
                else:
                    date = datetime.date.fromisoformat(item["date"])
                    if date > today():
                        errors.setdefault(prefix + "date", []).append(
                            "Tanggal tidak boleh di masa depan."
                        )
                    if person.birth_date and date < person.birth_date:
                        errors.setdefault(prefix + "date", []).append(
                            "Tanggal tidak boleh sebelum tanggal lahir."
                        )
                if change == choices.PersonChange.MOVED and not (item.get("reason") or "").strip():
                    errors.setdefault(prefix + "reason", []).append(
                        "Alasan/tujuan pindah wajib diisi."
                    )
        niks: dict[str, int] = {}  # type: ignore[no-redef]
        for i, member in enumerate(payload.get("new_members") or []):
            data = {k: v for k, v in member.items() if k != "reason"}
            try:
                values = clean_person(data, household=household)
            except InvalidInput as exc:
                absorb(exc, f"new_member.{i}.")
                continue
            if values["nik"]:
                if values["nik"] in niks:
                    errors.setdefault(f"new_member.{i}.nik", []).append(
                        "NIK yang sama sudah diisi untuk anggota baru lain."
                    )
                niks.setdefault(values["nik"], i)
        if not fields and not payload.get("persons") and not payload.get("new_members"):
            errors.setdefault("payload", []).append(
                "Laporan perubahan belum berisi perubahan apa pun."
            )

    if kind == choices.Kind.PPKS:
        assert household is not None
        for i, item in enumerate(payload.get("add") or []):
            person = refs.members.get(item["person_id"]) if item.get("person_id") else None
            if (item.get("person_id") and person is None) or f"ppks_add.{i}.ppks_type" in errors:
                continue  # reported by _references
            data = {
                "ppks_type": item["ppks_type"],
                "person": person,
                "household": household,
                "date_found": item.get("date_found"),
                "disability_subtypes": item.get("disability_subtypes") or [],
                "notes": item.get("notes", ""),
            }
            try:
                clean_ppks(data, user=user)
            except InvalidInput as exc:
                absorb(exc, f"ppks_add.{i}.")
        for i, item in enumerate(payload.get("end") or []):
            record = refs.records.get(item["record_id"])
            if record is None:
                continue  # reported by _references
            if record.status != RecordStatus.ACTIVE:
                errors.setdefault(f"ppks_end.{i}", []).append("Data PPKS ini sudah selesai.")
            if not (item.get("reason") or "").strip():
                errors.setdefault(f"ppks_end.{i}.reason", []).append("Alasan selesai wajib diisi.")
        if not payload.get("add") and not payload.get("end"):
            errors.setdefault("payload", []).append("Laporan PPKS belum berisi data PPKS apa pun.")

    if errors:
        raise InvalidInput(errors)
