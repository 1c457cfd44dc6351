"""The vocabulary of rules: field types, operators and their Indonesian labels, the
compile context, and `RuleField` (one entry of the field registry in fields.py)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from pilar.programs.choices import Level

# Types a field can have.
NUMBER = "number"
TEXT = "text"
CHOICE = "choice"
MULTI = "multichoice"  # an array column (disabilities): "has any of" / "has none of"
BOOLEAN = "boolean"
AGE = "age"  # a number of years computed from birth_date on a reference date

OPERATORS: dict[str, str] = {
    "eq": "sama dengan",
    "ne": "tidak sama dengan",
    "lt": "kurang dari",
    "lte": "paling banyak (≤)",
    "gt": "lebih dari",
    "gte": "paling sedikit (≥)",
    "between": "antara (inklusif)",
    "in": "salah satu dari",
    "not_in": "bukan salah satu dari",
    "contains": "memuat teks",
    "is": "adalah",
}

TYPE_OPERATORS: dict[str, tuple[str, ...]] = {
    NUMBER: ("eq", "ne", "lt", "lte", "gt", "gte", "between"),
    AGE: ("eq", "lt", "lte", "gt", "gte", "between"),
    TEXT: ("eq", "ne", "contains"),
    CHOICE: ("eq", "ne", "in", "not_in"),
    MULTI: ("in", "not_in"),
    BOOLEAN: ("is",),
}

TYPE_LABELS = {
    NUMBER: "angka",
    AGE: "usia (tahun)",
    TEXT: "teks",
    CHOICE: "pilihan",
    MULTI: "pilihan ganda",
    BOOLEAN: "ya/tidak",
}

GROUP_LABELS = {
    "household": "Keluarga",
    "area": "Wilayah",
    "survey": "Survei rumah terakhir",
    "assessment": "Asesmen terakhir",
    "ppks": "PPKS",
    "person": "Individu",
}


@dataclass(frozen=True)
class Context:
    """What a compiled condition needs besides the rule: where the household is
    relative to the queried model ("" for Household, "household" for Person),
    and the date ages are computed on."""

    level: str
    reference_date: datetime.date
    # Whether the rule runs for someone who may see restricted health types (ODHA,
    # NAPZA): for others a PPKS condition reads those records as absent, as
    # PpksRecord.objects.restrict() does, so a preview cannot list who has them.
    health_data: bool = True

    @property
    def hh(self) -> str:
        return "" if self.level == Level.HOUSEHOLD else "household"

    def hh_path(self, suffix: str) -> str:
        return f"{self.hh}__{suffix}" if self.hh else suffix

    @property
    def hh_pk(self) -> str:
        return "household_id" if self.hh else "pk"


Builder = Callable[[str, Any, Context], Q]


@dataclass(frozen=True)
class RuleField:
    key: str
    label: str
    type: str
    group: str
    build: Builder
    levels: tuple[str, ...] = (Level.HOUSEHOLD, Level.PERSON)
    choices: Callable[[], list[tuple[Any, str]]] | None = None
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    help: str = ""
    operators: tuple[str, ...] = field(default=())

    def allowed_operators(self) -> tuple[str, ...]:
        return self.operators or TYPE_OPERATORS[self.type]

    def choice_list(self) -> list[tuple[Any, str]]:
        return self.choices() if self.choices else []
