"""What a submission proposes, item by item, next to the registry as it is now.

`proposals(submission, reader=user)` lists every proposed value with its path, label,
the registry's current value and the value the reporter saw (`base`). The current
values are read through the reader's scoped querysets and the health-data rule, so
a submission never shows a reader more of the registry than they may see elsewhere. A path is in
conflict when the registry changed since (current != base) to something other
than the proposal: the reviewer must then choose, nothing is overwritten silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pilar.accounts.models import User
from pilar.core.disclosure import note_disclosed
from pilar.core.identity import mask
from pilar.ppks.access import hidden_type_ids
from pilar.ppks.models import PpksRecord, PpksType
from pilar.registry import choices as reg
from pilar.registry.models import SURVEY_FIELDS, Household, HousingSurvey, Person
from pilar.submissions import choices
from pilar.submissions.paths import norm

HOUSEHOLD_LABELS = {
    "no_kk": "No. KK",
    "no_kk_missing_reason": "Alasan No. KK kosong",
    "no_kk_missing_note": "Keterangan No. KK kosong",
    "address": "Alamat",
    "rt": "RT",
    "rw": "RW",
    "kelurahan": "Kelurahan",
    "latitude": "Lintang",
    "longitude": "Bujur",
    "house_ownership": "Status kepemilikan rumah",
    "land_status": "Status lahan",
}
PERSON_LABELS = {
    "nik": "NIK",
    "nik_missing_reason": "Alasan NIK kosong",
    "nik_missing_note": "Keterangan NIK kosong",
    "nik_mismatch_reason": "Alasan konfirmasi NIK",
    "name": "Nama",
    "sex": "Jenis kelamin",
    "birth_place": "Tempat lahir",
    "birth_date": "Tanggal lahir",
    "relation": "Hubungan keluarga",
    "marital_status": "Status perkawinan",
    "education": "Pendidikan",
    "occupation": "Pekerjaan",
    "disabilities": "Disabilitas",
    "chronic_illness": "Penyakit kronis",
    "life_status": "Status kehidupan",
    "reason": "Alasan",
}
SURVEY_LABELS = {
    name: str(HousingSurvey._meta.get_field(name).verbose_name).capitalize()  # type: ignore[union-attr]
    for name in SURVEY_FIELDS
}
CHOICE_LABELS: dict[str, dict[str, str]] = {
    "sex": dict(reg.Sex.choices),
    "relation": dict(reg.Relation.choices),
    "marital_status": dict(reg.MaritalStatus.choices),
    "education": dict(reg.Education.choices),
    "life_status": dict(reg.LifeStatus.choices),
    "house_ownership": dict(reg.HouseOwnership.choices),
    "land_status": dict(reg.LandStatus.choices),
    "no_kk_missing_reason": dict(reg.MissingIdReason.choices),
    "nik_missing_reason": dict(reg.MissingIdReason.choices),
    "floor_material": dict(reg.FloorMaterial.choices),
    "wall_material": dict(reg.WallMaterial.choices),
    "roof_material": dict(reg.RoofMaterial.choices),
    "floor_condition": dict(reg.Condition.choices),
    "wall_condition": dict(reg.Condition.choices),
    "roof_condition": dict(reg.Condition.choices),
    "water_source": dict(reg.WaterSource.choices),
    "lighting_source": dict(reg.LightingSource.choices),
    "toilet": dict(reg.Toilet.choices),
    "cooking_fuel": dict(reg.CookingFuel.choices),
    "reason": dict(choices.NewMemberReason.choices),
}
# Identity numbers: the registry's value is shown masked (revealing it is a logged act).
MASKED_CURRENT = {"no_kk", "nik"}


@dataclass
class Proposal:
    path: str
    label: str
    proposed: Any
    current: Any = None
    base: Any = None
    # Whether the registry may have changed under this value (corrections only).
    checks_conflict: bool = False
    group: str = ""

    def _norm(self, value: Any) -> str:
        text = norm(value)
        # The registry stores RT/RW as three digits; "7" proposes the same as "007".
        if field_of(self.path) in ("rt", "rw") and text.isdigit():
            return text.zfill(3)
        if field_of(self.path) in ("name", "address"):
            return " ".join(text.split())
        return text

    @property
    def changed(self) -> bool:
        return self._norm(self.proposed) != self._norm(self.current)

    @property
    def conflict(self) -> bool:
        if not self.checks_conflict or self.base is None:
            return False
        current, base = self._norm(self.current), self._norm(self.base)
        return current != base and current != self._norm(self.proposed)


def display(field: str, value: Any) -> str:
    """A value as a reviewer reads it (choice labels, dd-mm-yyyy dates, lists)."""
    if value is None or value == "" or value == []:
        return "–"
    options = CHOICE_LABELS.get(field)
    if isinstance(value, list):
        labels = dict(reg.Disability.choices)
        return ", ".join(str(labels.get(v, v)) for v in value)
    if options is not None:
        return str(options.get(str(value), value))
    text = norm(value)
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        return f"{text[8:10]}-{text[5:7]}-{text[0:4]}"
    return text


def household_value(household: Household, field: str) -> Any:
    if field == "kelurahan":
        return household.village_id
    return getattr(household, field)


def person_value(person: Person, field: str) -> Any:
    return getattr(person, field)


def _person_label(person: Person | None, fallback: str) -> str:
    return person.name if person is not None else fallback


def proposals(submission, *, reader: User) -> list[Proposal]:
    """Every proposed value of the submission, with the registry's current value as
    `reader` may see it (objects outside their scope read as absent)."""
    payload = submission.payload or {}
    base = submission.base or {}
    out: list[Proposal] = []
    household = (
        Household.objects.restrict(reader, "view").filter(pk=submission.household_id).first()
        if submission.household_id
        else None
    )
    kind = submission.kind

    if kind == choices.Kind.NEW_HOUSEHOLD:
        for field, value in (payload.get("household") or {}).items():
            if value not in (None, "") and field in HOUSEHOLD_LABELS:
                out.append(
                    Proposal(f"household.{field}", HOUSEHOLD_LABELS[field], value, group="Keluarga")
                )
        for i, member in enumerate(payload.get("members") or []):
            group = f"Anggota {i + 1}: {member.get('name') or ''}".strip()
            for field, value in member.items():
                if value not in (None, "", []) and field in PERSON_LABELS:
                    out.append(
                        Proposal(f"member.{i}.{field}", PERSON_LABELS[field], value, group=group)
                    )
        return out

    if kind == choices.Kind.CHANGE:
        for field, value in (payload.get("household") or {}).items():
            if value is None or field not in HOUSEHOLD_LABELS:
                continue
            path = f"household.{field}"
            out.append(
                Proposal(
                    path,
                    HOUSEHOLD_LABELS[field],
                    value,
                    current=household_value(household, field) if household else None,
                    base=base.get(path),
                    checks_conflict=True,
                    group="Keluarga",
                )
            )
        ids = [item.get("person_id") for item in payload.get("persons") or []]
        people = {p.pk: p for p in Person.objects.restrict(reader, "view").filter(pk__in=ids)}
        for item in payload.get("persons") or []:
            person = people.get(item.get("person_id"))
            pid = item.get("person_id")
            group = _person_label(person, f"Individu #{pid}")
            change = item.get("change")
            if change == choices.PersonChange.CORRECTION:
                for field, value in (item.get("fields") or {}).items():
                    if value is None or field not in PERSON_LABELS:
                        continue
                    path = f"person.{pid}.{field}"
                    out.append(
                        Proposal(
                            path,
                            PERSON_LABELS[field],
                            value,
                            current=person_value(person, field) if person else None,
                            base=base.get(path),
                            checks_conflict=True,
                            group=group,
                        )
                    )
            else:
                path = f"person.{pid}.life_status"
                out.append(
                    Proposal(
                        path,
                        "Status kehidupan",
                        change,
                        current=person.life_status if person else None,
                        base=base.get(path),
                        checks_conflict=True,
                        group=group,
                    )
                )
                out.append(Proposal(f"person.{pid}.date", "Tanggal", item.get("date"), group=group))
                out.append(
                    Proposal(f"person.{pid}.reason", "Keterangan", item.get("reason"), group=group)
                )
        for i, member in enumerate(payload.get("new_members") or []):
            group = f"Anggota baru {i + 1}: {member.get('name') or ''}".strip()
            for field, value in member.items():
                if value not in (None, "", []) and field in PERSON_LABELS:
                    out.append(
                        Proposal(
                            f"new_member.{i}.{field}", PERSON_LABELS[field], value, group=group
                        )
                    )
        return out

    if kind == choices.Kind.PPKS:
        types = {t.number: t for t in PpksType.objects.exclude(pk__in=hidden_type_ids(reader))}
        add = payload.get("add") or []
        end = payload.get("end") or []
        people = {
            p.pk: p
            for p in Person.objects.restrict(reader, "view").filter(
                pk__in=[a.get("person_id") for a in add if a.get("person_id")]
            )
        }
        for i, item in enumerate(add):
            ppks_type = types.get(item.get("ppks_type"))
            who = people.get(item.get("person_id")) if item.get("person_id") else None
            if item.get("person_id"):
                target = who.name if who else f"individu #{item['person_id']}"
            else:
                target = "keluarga"
            name = ppks_type.name if ppks_type else "Data PPKS (tidak dapat ditampilkan)"
            text = f"{name} untuk {target}"
            if item.get("disability_subtypes"):
                text += f" ({display('disabilities', item['disability_subtypes'])})"
            out.append(Proposal(f"ppks_add.{i}", "PPKS baru", text, group="PPKS baru"))
        records = {
            r.pk: r
            for r in PpksRecord.objects.restrict(reader, "view")
            .select_related("ppks_type", "person")
            .filter(pk__in=[e.get("record_id") for e in end])
        }
        for i, item in enumerate(end):
            record = records.get(item.get("record_id"))
            label = (
                f"{record.ppks_type.name} – {record.person.name if record.person else 'keluarga'}"
                if record
                else f"Data PPKS #{item.get('record_id')}"
            )
            path = f"ppks_end.{i}"
            out.append(
                Proposal(
                    path,
                    label,
                    "selesai",
                    current=record.status if record else None,
                    base=base.get(path, "aktif"),
                    checks_conflict=True,
                    group="PPKS selesai",
                )
            )
            out.append(
                Proposal(
                    f"ppks_end.{i}.reason",
                    "Alasan selesai",
                    item.get("reason"),
                    group="PPKS selesai",
                )
            )
        return out

    if kind == choices.Kind.HOUSING:
        last = (
            HousingSurvey.objects.filter(household=household)
            .order_by("-surveyed_on", "-pk")
            .first()
            if household
            else None
        )
        for field, label in SURVEY_LABELS.items():
            if field not in payload:
                continue
            current = getattr(last, field) if last else None
            if (
                current is None
                and household is not None
                and field in ("house_ownership", "land_status")
            ):
                current = getattr(household, field) or None
            out.append(
                Proposal(
                    f"survey.{field}", label, payload[field], current=current, group="Survei rumah"
                )
            )
    return out


def field_of(path: str) -> str:
    return path.rsplit(".", 1)[-1]


def rows_for_display(items: list[Proposal], *, user: User) -> list[dict]:
    """Review-table rows: values as words. The registry's NIK/KK is masked (revealing
    it is a logged act of its own); the proposed one is shown in full only to roles
    that may reveal numbers, and noted as disclosed for the access log."""
    rows = []
    for p in items:
        field = field_of(p.path)
        current = p.current
        base = p.base
        proposed = p.proposed
        if field in MASKED_CURRENT:
            current = mask(current) if isinstance(current, str) else current
            base = mask(base) if isinstance(base, str) and "*" not in base else base
            proposed = show_number(user, proposed)
        rows.append(
            {
                "path": p.path,
                "label": p.label,
                "group": p.group,
                "current": display(field, current),
                "proposed": display(field, proposed),
                "base": display(field, base),
                "changed": p.changed,
                "conflict": p.conflict,
            }
        )
    return rows


def show_number(user: User, value: Any) -> Any:
    """A proposed NIK / No. KK as `user` may receive it."""
    if not isinstance(value, str) or not value:
        return value
    if not getattr(user, "can_reveal_ids", False):
        return mask(value)
    note_disclosed(value)
    return value


def payload_for(user: User, payload: Any) -> Any:
    """The submission's payload with every NIK / No. KK shown as `user` may receive it."""
    if isinstance(payload, dict):
        return {
            k: show_number(user, v) if k in MASKED_CURRENT else payload_for(user, v)
            for k, v in payload.items()
        }
    if isinstance(payload, list):
        return [payload_for(user, v) for v in payload]
    return payload


def touched_person_ids(kind: str, payload: dict) -> list[int]:
    if kind == choices.Kind.CHANGE:
        return [int(p["person_id"]) for p in payload.get("persons") or []]
    if kind == choices.Kind.PPKS:
        return [int(a["person_id"]) for a in payload.get("add") or [] if a.get("person_id")]
    return []
