"""The rest of the demo's story for the logins the README names (`pilar demo`), all
through the real actions: part of the PPKS validated (so the BNBA has rows), a few
people registered twice and a duplicate search run (so the review queue has pairs),
cases at every stage, and a candidate list for the seeded program.

Every step runs once: it does nothing when its data already exists, so a second
`pilar demo` keeps what the first made (and what users did since)."""

from __future__ import annotations

import datetime
import random

from django.db.models import Q

from pilar.accounts.models import User
from pilar.cases import actions as case_actions
from pilar.cases.choices import IntakeSource, InterventionStatus, InterventionType, Outcome
from pilar.cases.models import Case
from pilar.core.dates import today
from pilar.dedup.actions import run_dedup
from pilar.dedup.models import CandidatePair, DedupRun
from pilar.demo.users import psm_username, tksk_username
from pilar.ppks.actions import validate_record
from pilar.ppks.choices import RecordStatus
from pilar.ppks.models import PpksRecord
from pilar.programs.enrollment import generate_candidates
from pilar.programs.models import Candidate, Program
from pilar.regions.deployment import villages
from pilar.registry.actions import create_person
from pilar.registry.choices import LifeStatus, MissingIdReason, Relation
from pilar.registry.models import Household, Person

# The program whose candidate list the demo generates (seeded by programs' migration).
CANDIDATE_PROGRAM = "tangerang-terang"


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def story_area() -> tuple[str, str] | None:
    """(kelurahan code, kecamatan code) of the README's PSM and TKSK logins: the first
    kelurahan of the deployment and its kecamatan."""
    village = villages().first()
    return (village.code, village.district_id) if village is not None else None


def validate_ppks(share: float = 0.6, seed: int = 2026) -> int:
    """Dinas Sosial validates about `share` of the active PPKS records (all of them in
    the story's kecamatan, so its BNBA is full), through `validate_record`."""
    if PpksRecord.objects.filter(validated_at__isnull=False).exists():
        return 0
    dinsos = _user("dinsos")
    area = story_area()
    if dinsos is None or area is None:
        return 0
    rng = random.Random(seed)
    done = 0
    records = (
        PpksRecord.objects.filter(status=RecordStatus.ACTIVE, ppks_type__is_restricted=False)
        .select_related("household", "ppks_type")
        .order_by("pk")
    )
    for record in records.iterator(chunk_size=500):
        in_story = record.household.village_id.startswith(area[1])
        # Leave a few unvalidated in the story's kecamatan too: the list filter shows both.
        if (in_story and rng.random() < 0.85) or (not in_story and rng.random() < share):
            validate_record(record, acting_user=dinsos)
            done += 1
    return done


# How a person registered twice differs from the first record: a spelling, a title,
# a missing NIK (the usual way one person ends up in two KK).
def _variant(name: str, rng: random.Random) -> str:
    swaps = [("y", "i"), ("oe", "u"), ("u", "oe"), ("dj", "j"), ("h", ""), ("i", "y")]
    lowered = name.lower()
    for old, new in rng.sample(swaps, len(swaps)):
        if old in lowered:
            index = lowered.index(old)
            changed = name[:index] + new + name[index + len(old) :]
            return changed if changed[:1].isupper() else changed.capitalize()
    return name + " Bin " + rng.choice(["Ahmad", "Sulaiman", "Hasan"])


def add_duplicates(count: int = 8, seed: int = 2026) -> int:
    """Register `count` people of the story's kecamatan a second time in another
    household of the same kecamatan (name spelled differently, no NIK), as happens when
    someone moves in with relatives and is written onto their KK too."""
    if CandidatePair.objects.exists() or DedupRun.objects.exists():
        return 0
    dinsos = _user("dinsos")
    area = story_area()
    if dinsos is None or area is None:
        return 0
    rng = random.Random(seed)
    people = list(
        Person.objects.filter(
            is_active=True,
            life_status=LifeStatus.ALIVE,
            household__village__district_id=area[1],
            birth_date__isnull=False,
        )
        .exclude(relation=Relation.HEAD)
        .select_related("household")
        .order_by("pk")[:400]
    )
    households = list(
        Household.objects.filter(is_active=True, village__district_id=area[1]).order_by("pk")[:200]
    )
    if len(people) < count or len(households) < 2:
        return 0
    made = 0
    for person in rng.sample(people, count):
        target = rng.choice([h for h in households if h.pk != person.household_id])
        create_person(
            acting_user=dinsos,
            household=target,
            data={
                "nik": "",
                "nik_missing_reason": MissingIdReason.NOT_RECORDED,
                "name": _variant(person.name, rng),
                "sex": person.sex,
                "birth_place": person.birth_place,
                "birth_date": str(person.birth_date),
                "relation": Relation.OTHER_FAMILY,
                "marital_status": person.marital_status,
                "education": person.education,
                "occupation": person.occupation,
                "life_status": LifeStatus.ALIVE,
            },
        )
        made += 1
    return made


def find_duplicates() -> int:
    """Run the duplicate search over the registry (as Dinas Sosial would from
    /duplikat/). Returns the number of pairs waiting for review."""
    if DedupRun.objects.exists():
        return 0
    dinsos = _user("dinsos")
    if dinsos is None:
        return 0
    run_dedup(acting_user=dinsos)
    return CandidatePair.objects.count()


def open_cases(seed: int = 2026) -> int:
    """Cases of the story's kecamatan at every stage: just received, assessed, planned,
    in progress (an intervention done, a visit), closed; assigned to its TKSK."""
    if Case.objects.exists():
        return 0
    dinsos = _user("dinsos")
    area = story_area()
    if dinsos is None or area is None:
        return 0
    tksk = _user(tksk_username(area[1]))
    psm = _user(psm_username(area[0]))
    records = list(
        PpksRecord.objects.filter(
            status=RecordStatus.ACTIVE,
            ppks_type__is_restricted=False,
            household__village__district_id=area[1],
            date_found__lte=today() - datetime.timedelta(days=60),
        )
        .filter(Q(person__isnull=True) | Q(person__is_active=True))
        .select_related("household", "ppks_type")
        .order_by("household__village_id", "pk")[:10]
    )
    rng = random.Random(seed)
    stages = ["baru", "baru", "asesmen", "rencana", "proses", "proses", "ditutup", "ditutup"]
    made = 0
    for stage, record in zip(stages, records, strict=False):
        worker = psm if psm is not None and record.household.village_id == area[0] else tksk
        intake = today() - datetime.timedelta(days=rng.randint(25, 50))
        case = case_actions.open_case(
            record,
            acting_user=dinsos,
            intake_date=intake,
            source=rng.choice(IntakeSource.values),
            notes="Laporan warga melalui RT setempat.",
            assigned_to=worker,
        )
        made += 1
        if stage == "baru":
            continue
        actor = worker or dinsos
        case = case_actions.assess_case(
            case,
            acting_user=actor,
            needs=rng.sample(["ekonomi", "pangan", "kesehatan", "adminduk", "psikososial"], 2),
            notes="Kunjungan rumah: kebutuhan dicatat bersama keluarga.",
            assessed_on=intake + datetime.timedelta(days=3),
        )
        if stage == "asesmen":
            continue
        item = case_actions.add_intervention(
            case,
            acting_user=actor,
            kind=InterventionType.AID,
            target="Paket sembako dan pendampingan pengurusan KTP",
            planned_date=intake + datetime.timedelta(days=10),
        )
        if stage == "rencana":
            continue
        case_actions.record_intervention_result(
            item,
            acting_user=actor,
            status=InterventionStatus.DONE,
            result_note="Bantuan diterima keluarga.",
            done_on=intake + datetime.timedelta(days=12),
        )
        case_actions.record_visit(
            case,
            acting_user=actor,
            visited_on=intake + datetime.timedelta(days=20),
            notes="Kondisi membaik; kunjungan berikutnya bulan depan.",
        )
        if stage == "proses":
            continue
        case_actions.close_case(
            case,
            acting_user=dinsos,
            outcome=rng.choice([Outcome.REFERRED, Outcome.RESOLVED]),
            closed_on=intake + datetime.timedelta(days=22),
            note="Penanganan selesai sesuai rencana.",
        )
    return made


def generate_candidate_list() -> int:
    """Dinas Sosial generates the seeded program's candidate list. Returns its size."""
    program = Program.objects.filter(code=CANDIDATE_PROGRAM).first()
    dinsos = _user("dinsos")
    if program is None or dinsos is None or not program.has_rule:
        return 0
    if Candidate.objects.filter(program=program).exists():
        return 0
    return int(generate_candidates(program, acting_user=dinsos)["created"])
