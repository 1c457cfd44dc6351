"""Test data for the review side: persons built through the registry actions, pairs
stored through `actions.store_pairs` (what a run does with the engine's output)."""

from __future__ import annotations

from pilar.conftest import VILLAGE_A, make_household, make_nik
from pilar.dedup import actions
from pilar.dedup.models import CandidatePair
from pilar.dedup.types import CandidatePair as ScoredPair
from pilar.dedup.types import FieldEvidence
from pilar.registry.actions import create_person
from pilar.registry.models import Person

EVIDENCE = (
    FieldEvidence("nik", "NIK", "beda 1-2 digit", 6.5),
    FieldEvidence("name", "Nama", "mirip (ejaan lama)", 4.2),
    FieldEvidence("birth_date", "Tanggal lahir", "hari dan bulan tertukar", 2.1),
    FieldEvidence("village", "Kelurahan", "berbeda", -1.3),
)


def person_in_new_household(
    user,
    village: str = VILLAGE_A,
    *,
    name: str,
    sex: str = "L",
    birth: str = "1980-05-17",
    nik: str | None = "auto",
    **extra,
) -> Person:
    member = {
        "nik": make_nik(sex, birth) if nik == "auto" else nik,
        "name": name,
        "sex": sex,
        "birth_date": birth,
        "relation": "kepala",
        **extra,
    }
    if not member["nik"]:
        member["nik_missing_reason"] = "belum_rekam"
    household = make_household(user, village, members=[member], address=f"Jl. {name} No. 1")
    return household.members.get()


def add_member(user, household, *, name: str, relation: str = "anak", **data) -> Person:
    values = {"name": name, "sex": "L", "relation": relation, "birth_date": "2001-02-03"}
    values.update(data)
    if "nik" not in values:
        values["nik"] = make_nik(values["sex"], str(values["birth_date"]))
    return create_person(acting_user=user, household=household, data=values)


def make_pair(a: Person, b: Person, probability: float = 0.97) -> CandidatePair:
    """An open pair as a run would store it (added, leaving other open pairs alone)."""
    lo, hi = sorted([a.pk, b.pk])
    return CandidatePair.objects.create(
        person_a_id=lo,
        person_b_id=hi,
        probability=probability,
        evidence=actions.evidence_json(ScoredPair(lo, hi, probability, EVIDENCE)),
    )
