"""Everything Pilar holds on one person (UU 27/2022 art. 32), table by table.

`collect(person)` walks from the person to every table that holds them: their own
rows (the person, records merged into them, memberships), their households (as far
as art. 33 allows: the household's own data, its house, household-level PPKS
records, assessments, programs and renovations; the other members only as a masked
line), field reports, cases, programs and payments, duplicate checks, imports
waiting, and the data-protection registers themselves.

`SPECS` is the one list of those tables. `COVERED` and `NOT_ABOUT_THE_PERSON` are
checked by a test against every model that points at a person or a household, so a
new table holding people's data cannot be left out of the export silently.

Art. 33 in code: a row about another person is never copied; a field that would
name one (a duplicate pair's other person, a report's other members) is masked or
filtered; free JSON holding several people (a merge's snapshot) is left out.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from pilar.assessments.models import PovertyAssessment, RtlhAssessment
from pilar.cases.models import Case, CaseStep, Intervention, Visit
from pilar.dedup.models import CandidatePair, Merge
from pilar.freshness.models import HouseholdFreshness
from pilar.imports.models import StagedRow
from pilar.pdp.models import (
    Breach,
    BreachStep,
    RequestStep,
    RetainedPerson,
    SubjectRequest,
)
from pilar.ppks.models import PpksRecord
from pilar.programs.models import Candidate, Delivery, Enrollment, EnrollmentStep
from pilar.registry.models import (
    Household,
    HousingSurvey,
    Membership,
    Person,
    ProcessingOverride,
)
from pilar.renovations.models import (
    CostItem,
    ProgressReport,
    Renovation,
    RenovationPhoto,
    RenovationStep,
)
from pilar.submissions.models import (
    Deliberation,
    Ratification,
    Submission,
    SubmissionPhoto,
    SubmissionStep,
)

OTHER_PERSON = "(orang lain, disamarkan sesuai pasal 33)"
EMPTY = ""

# Tables that point at a person or a household but hold nothing about the person
# beyond that link, with the reason (checked by tests/test_access_coverage.py).
NOT_ABOUT_THE_PERSON = {
    "submissions.notification": "pesan kepada petugas tentang sebuah laporan; laporan itu "
    "sendiri (dan langkah-langkahnya) sudah termasuk",
    "imports.importproblem": "masalah baris berkas impor yang ditolak; tidak dikaitkan ke "
    "individu di registri",
}


@dataclass
class Ctx:
    """Ids gathered while walking from the person outwards."""

    person: Person
    person_ids: list[int] = field(default_factory=list)
    household_ids: list[int] = field(default_factory=list)
    ids: dict[str, list] = field(default_factory=lambda: defaultdict(list))

    def of(self, model: type[models.Model]) -> list:
        return self.ids[model._meta.label_lower]


@dataclass
class Spec:
    model: type[models.Model]
    title: str
    rows: Callable[[Ctx], QuerySet]
    # Fields never copied (they would name other people, or are bookkeeping).
    exclude: tuple[str, ...] = ()
    # Per-row rewrite of fields that mix the person with others (art. 33).
    filters: dict[str, Callable[[Any, Ctx], Any]] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.model._meta.label_lower


@dataclass
class Section:
    key: str
    title: str
    model: type[models.Model]
    ids: list
    rows: list[dict[str, Any]]
    spec: Spec


@dataclass
class SubjectData:
    person: Person
    persons: list[Person]
    households: list[Household]
    sections: list[Section]
    # Other members of the person's current household: relation and a masked name
    # (no NIK, no birth date: art. 33).
    others: list[dict[str, str]]
    generated_at: datetime.datetime

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)


# Filters for fields that mix the person with other people ------------------------------


def _person_paths(ctx: Ctx) -> set[str]:
    return {str(pk) for pk in ctx.person_ids}


def _keep_path(path: str, ctx: Ctx) -> bool:
    """Field paths of a report ("person.12.name", "member.0.nik", "household.address")
    that concern the person or the household as a whole."""
    parts = path.split(".")
    if parts[0] in ("household", "survey", "evidence", "__all__"):
        return True
    if parts[0] == "person" and len(parts) >= 2:
        return parts[1] in _person_paths(ctx)
    # "member.N" / "new_member.N" / "ppks_add.N": positions, not ids; kept out unless
    # the report's own person list is this person alone (filtered by the caller).
    return False


def _filter_paths(value: Any, ctx: Ctx) -> Any:
    if not isinstance(value, dict):
        return value
    return {k: v for k, v in value.items() if _keep_path(str(k), ctx)}


def _is_subject_member(member: dict, ctx: Ctx) -> bool:
    nik = ctx.person.nik
    return bool(nik) and member.get("nik") == nik


def _filter_payload(payload: Any, ctx: Ctx) -> Any:
    """A report's proposal, without what it proposes about other people."""
    if not isinstance(payload, dict):
        return payload
    out: dict[str, Any] = {}
    hidden = 0
    for key, value in payload.items():
        if key == "household":
            out[key] = value
        elif key in ("members", "new_members") and isinstance(value, list):
            mine = [m for m in value if isinstance(m, dict) and _is_subject_member(m, ctx)]
            hidden += len(value) - len(mine)
            out[key] = mine
        elif key == "persons" and isinstance(value, list):
            mine = [
                p for p in value if isinstance(p, dict) and p.get("person_id") in ctx.person_ids
            ]
            hidden += len(value) - len(mine)
            out[key] = mine
        elif key in ("add", "end") and isinstance(value, list):
            # PPKS proposals: about the person or the household as a whole.
            ppks_ids = set(ctx.of(PpksRecord))
            mine = [
                p
                for p in value
                if isinstance(p, dict)
                and (
                    (key == "add" and p.get("person_id") in (None, *ctx.person_ids))
                    or (key == "end" and p.get("record_id") in ppks_ids)
                )
            ]
            hidden += len(value) - len(mine)
            out[key] = mine
        elif key in ("persons", "members", "new_members", "add", "end"):
            continue
        else:
            # Housing survey (block III): the house, not a person.
            out[key] = value
    if hidden:
        out["disamarkan"] = f"{hidden} usulan tentang orang lain tidak ditampilkan (pasal 33)"
    return out


def _filter_frozen(rows: Any, ctx: Ctx) -> Any:
    """An SK's frozen BNBA list: only the person's own lines."""
    if not isinstance(rows, list):
        return rows
    nik = ctx.person.nik
    reports = set(ctx.of(Submission))
    return [
        r
        for r in rows
        if isinstance(r, dict)
        and (
            (nik and r.get("nik") == nik)
            or (not nik and r.get("nama") == ctx.person.name and r.get("laporan") in reports)
        )
    ]


# Which rows of each table concern the person -------------------------------------------


def _own_or_household(ctx: Ctx) -> Q:
    """Rows about the person, or about their household as a whole (no person)."""
    return Q(person_id__in=ctx.person_ids) | Q(
        person__isnull=True, household_id__in=ctx.household_ids
    )


SPECS: list[Spec] = [
    Spec(Person, "Data individu", lambda c: Person.objects.filter(pk__in=c.person_ids)),
    Spec(
        Membership,
        "Riwayat keanggotaan keluarga",
        lambda c: Membership.objects.filter(person_id__in=c.person_ids),
    ),
    Spec(
        ProcessingOverride,
        "Pemrosesan meski dibatasi (UU 27/2022 pasal 20)",
        lambda c: ProcessingOverride.objects.filter(person_id__in=c.person_ids),
    ),
    Spec(
        Household,
        "Keluarga (Kartu Keluarga)",
        lambda c: Household.objects.filter(pk__in=c.household_ids),
    ),
    Spec(
        HousingSurvey,
        "Survei rumah",
        lambda c: HousingSurvey.objects.filter(household_id__in=c.household_ids),
    ),
    Spec(
        HouseholdFreshness,
        "Jadwal kunjungan keluarga (kunjungan dan verifikasi terakhir)",
        lambda c: HouseholdFreshness.objects.filter(household_id__in=c.household_ids),
    ),
    Spec(
        PpksRecord,
        "Data PPKS",
        lambda c: PpksRecord.objects.filter(_own_or_household(c)),
    ),
    Spec(
        Submission,
        "Laporan lapangan",
        lambda c: Submission.objects.filter(
            Q(persons__in=c.person_ids) | Q(household_id__in=c.household_ids)
        ).distinct(),
        filters={
            "payload": _filter_payload,
            "base": _filter_paths,
            "resolutions": _filter_paths,
            "return_reasons": _filter_paths,
            # Ids of what validation wrote, other members' among them.
            "result": lambda v, c: {},
        },
    ),
    Spec(
        SubmissionPhoto,
        "Foto laporan lapangan",
        lambda c: SubmissionPhoto.objects.filter(submission_id__in=c.of(Submission)),
        exclude=("sha256",),
    ),
    Spec(
        SubmissionStep,
        "Langkah verifikasi dan validasi laporan",
        lambda c: SubmissionStep.objects.filter(submission_id__in=c.of(Submission)),
        filters={"field_reasons": _filter_paths, "resolutions": _filter_paths},
    ),
    Spec(
        Deliberation,
        "Musyawarah kelurahan",
        lambda c: Deliberation.objects.filter(submissions__in=c.of(Submission)).distinct(),
        # The attendee list names officials, not the person; the signed minutes stay a file.
        exclude=("attendees",),
    ),
    Spec(
        Ratification,
        "SK penetapan",
        lambda c: Ratification.objects.filter(submissions__in=c.of(Submission)).distinct(),
        filters={"frozen": _filter_frozen},
    ),
    Spec(
        PovertyAssessment,
        "Asesmen kemiskinan (14 kriteria BPS)",
        lambda c: PovertyAssessment.objects.filter(household_id__in=c.household_ids),
    ),
    Spec(
        RtlhAssessment,
        "Asesmen rumah tidak layak huni (RTLH)",
        lambda c: RtlhAssessment.objects.filter(household_id__in=c.household_ids),
    ),
    Spec(
        Candidate,
        "Daftar kandidat program dan skor prioritas",
        lambda c: Candidate.objects.filter(_own_or_household(c)),
    ),
    Spec(
        Enrollment,
        "Kepesertaan program",
        lambda c: Enrollment.objects.filter(_own_or_household(c)),
    ),
    Spec(
        EnrollmentStep,
        "Langkah kepesertaan program",
        lambda c: EnrollmentStep.objects.filter(enrollment_id__in=c.of(Enrollment)),
    ),
    Spec(
        Delivery,
        "Penyaluran bantuan",
        lambda c: Delivery.objects.filter(enrollment_id__in=c.of(Enrollment)),
    ),
    Spec(
        Case,
        "Kasus penanganan",
        lambda c: Case.objects.filter(record_id__in=c.of(PpksRecord)),
    ),
    Spec(
        Intervention,
        "Intervensi penanganan",
        lambda c: Intervention.objects.filter(case_id__in=c.of(Case)),
    ),
    Spec(Visit, "Kunjungan penanganan", lambda c: Visit.objects.filter(case_id__in=c.of(Case))),
    Spec(
        CaseStep,
        "Langkah penanganan",
        lambda c: CaseStep.objects.filter(case_id__in=c.of(Case)),
    ),
    Spec(
        Renovation,
        "Bedah Rumah",
        lambda c: Renovation.objects.filter(household_id__in=c.household_ids),
    ),
    Spec(
        CostItem,
        "Rincian RAB Bedah Rumah",
        lambda c: CostItem.objects.filter(renovation_id__in=c.of(Renovation)),
    ),
    Spec(
        ProgressReport,
        "Laporan progres Bedah Rumah",
        lambda c: ProgressReport.objects.filter(renovation_id__in=c.of(Renovation)),
    ),
    Spec(
        RenovationPhoto,
        "Foto Bedah Rumah",
        lambda c: RenovationPhoto.objects.filter(renovation_id__in=c.of(Renovation)),
        exclude=("sha256",),
    ),
    Spec(
        RenovationStep,
        "Langkah Bedah Rumah",
        lambda c: RenovationStep.objects.filter(renovation_id__in=c.of(Renovation)),
    ),
    Spec(
        CandidatePair,
        "Pemeriksaan data ganda",
        lambda c: CandidatePair.objects.filter(
            Q(person_a_id__in=c.person_ids) | Q(person_b_id__in=c.person_ids)
        ),
    ),
    Spec(
        Merge,
        "Penggabungan data ganda",
        lambda c: Merge.objects.filter(
            Q(survivor_id__in=c.person_ids) | Q(merged_id__in=c.person_ids)
        ),
        # Both persons' rows before and after, and the chosen values of each: other
        # people's data (art. 33). The merge itself (who, when, why) stays.
        exclude=(
            "snapshot",
            "chosen",
            "moved_memberships",
            "moved_ppks",
            "closed_memberships",
            "closed_ppks",
        ),
    ),
    Spec(
        StagedRow,
        "Data impor yang belum diterapkan",
        lambda c: StagedRow.objects.filter(
            Q(person_id__in=c.person_ids) | (Q(nik=c.person.nik) if c.person.nik else Q(pk__in=[]))
        ),
        exclude=("group_key",),
    ),
    Spec(
        SubjectRequest,
        "Permintaan subjek data (UU PDP)",
        lambda c: SubjectRequest.objects.filter(person_id__in=c.person_ids),
    ),
    Spec(
        RequestStep,
        "Langkah permintaan subjek data",
        lambda c: RequestStep.objects.filter(request_id__in=c.of(SubjectRequest)),
    ),
    Spec(
        Breach,
        "Insiden data pribadi yang mengenai Anda",
        lambda c: Breach.objects.filter(persons__in=c.person_ids).distinct(),
    ),
    Spec(
        BreachStep,
        "Langkah penanganan insiden",
        lambda c: BreachStep.objects.filter(breach_id__in=c.of(Breach)),
    ),
    Spec(
        RetainedPerson,
        "Retensi data",
        lambda c: RetainedPerson.objects.filter(person_id__in=c.person_ids),
    ),
]

COVERED = {spec.key for spec in SPECS}


# Display --------------------------------------------------------------------------------


class _Names:
    """Names for foreign keys, one query per model; other people masked."""

    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.wanted: dict[Any, set] = defaultdict(set)
        self.found: dict[Any, dict] = {}

    def want(self, model: Any, pk: Any) -> None:
        if pk is not None:
            self.wanted[model].add(pk)

    def load(self) -> None:
        User = get_user_model()
        for model, pks in self.wanted.items():
            rows = model._default_manager.filter(pk__in=pks)
            if model is User:
                self.found[model] = {u.pk: u.get_full_name() or u.username for u in rows}
            elif model is Person:
                self.found[model] = {
                    p.pk: (p.name if p.pk in self.ctx.person_ids else OTHER_PERSON) for p in rows
                }
            elif hasattr(model, "history_label"):
                self.found[model] = {o.pk: o.history_label() for o in rows}
            else:
                self.found[model] = {o.pk: str(o) for o in rows}

    def name(self, model: Any, pk: Any) -> str:
        if pk is None:
            return EMPTY
        if model is Person and pk not in self.ctx.person_ids:
            return OTHER_PERSON
        return self.found.get(model, {}).get(pk, f"#{pk}")


def display(f: models.Field, value: Any, names: _Names) -> Any:
    """A readable value for the export: labels for choices, names for links,
    dates as dd-mm-yyyy; JSON stays structured."""
    if value is None or value == "":
        return EMPTY
    if f.is_relation:
        return names.name(f.related_model, value)
    if isinstance(f, models.JSONField):
        return value
    if isinstance(f, models.FileField):
        return str(value)
    base = getattr(f, "base_field", None)
    if base is not None and base.choices:
        labels = dict(base.flatchoices)
        return ", ".join(str(labels.get(v, v)) for v in value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value if v is not None)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d-%m-%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f").replace(".", ",")
    return str(value) if not isinstance(value, int) else value


# Foreign keys declared without a verbose name would be labelled in English.
FIELD_WORDS = {"person": "individu", "household": "keluarga", "submission": "laporan"}


def field_label(f: models.Field) -> str:
    return FIELD_WORDS.get(str(f.verbose_name), str(f.verbose_name))


def _fields(spec: Spec) -> list[models.Field]:
    return [
        f for f in spec.model._meta.concrete_fields if f.name not in spec.exclude and f.name != "id"
    ]


def _start(person: Person) -> Ctx:
    ctx = Ctx(person=person)
    # Records merged into this person are the same human (dedup.Merge, not undone).
    merged = list(
        Merge.objects.filter(survivor=person, undone_at__isnull=True).values_list(
            "merged_id", flat=True
        )
    )
    ctx.person_ids = [person.pk, *[pk for pk in merged if pk != person.pk]]
    households = set(
        Membership.objects.filter(person_id__in=ctx.person_ids).values_list(
            "household_id", flat=True
        )
    )
    households.add(person.household_id)
    ctx.household_ids = sorted(households)
    return ctx


def collect(person: Person) -> SubjectData:
    """Every row about `person` in every table of SPECS, art. 33 applied."""
    ctx = _start(person)
    fetched: list[tuple[Spec, list]] = []
    for spec in SPECS:
        objects = list(spec.rows(ctx).order_by("pk"))
        ctx.ids[spec.key] = [o.pk for o in objects]
        fetched.append((spec, objects))

    names = _Names(ctx)
    for spec, objects in fetched:
        for f in _fields(spec):
            if f.is_relation:
                for o in objects:
                    names.want(f.related_model, getattr(o, f.attname))
    names.load()

    sections = []
    for spec, objects in fetched:
        rows = []
        for o in objects:
            row: dict[str, Any] = {"ID": o.pk}
            for f in _fields(spec):
                value = getattr(o, f.attname)
                if f.name in spec.filters:
                    value = spec.filters[f.name](value, ctx)
                row[field_label(f)] = display(f, value, names)
            rows.append(row)
        sections.append(
            Section(
                key=spec.key,
                title=spec.title,
                model=spec.model,
                ids=ctx.ids[spec.key],
                rows=rows,
                spec=spec,
            )
        )

    persons = list(Person.objects.filter(pk__in=ctx.person_ids).order_by("pk"))
    households = list(Household.objects.filter(pk__in=ctx.household_ids).order_by("pk"))
    return SubjectData(
        person=person,
        persons=persons,
        households=households,
        sections=sections,
        others=other_members(person, ctx),
        generated_at=timezone.now(),
    )


def masked_name(name: str) -> str:
    """ "Siti Aminah" -> "S*** A*****": enough for the person to recognise their
    household's line, not enough to learn someone's name (art. 33)."""
    return " ".join(w[0] + "*" * (len(w) - 1) for w in name.split() if w)


def other_members(person: Person, ctx: Ctx) -> list[dict[str, str]]:
    members = (
        Person.objects.filter(household_id=person.household_id, is_active=True)
        .exclude(pk__in=ctx.person_ids)
        .order_by("pk")
    )
    return [
        {
            "hubungan": m.get_relation_display(),
            "nama": masked_name(m.name),
        }
        for m in members
    ]


def as_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
