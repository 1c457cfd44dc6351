"""The contract between the linkage engine (Splink) and the rest of the dedup app.

The engine (`pilar.dedup.linkage`) turns person records into scored candidate pairs;
the review side (models, queue, merge) stores and shows them. Neither knows the
other's internals: they meet only in these types.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

# The columns a person record carries into linkage. `id` is Person.pk; `source_id` is
# the source system's id (`id_sumber` on import); `no_kk` is the current household's.
RECORD_COLUMNS = (
    "id",
    "source_id",
    "nik",
    "name",
    "sex",
    "birth_place",
    "birth_date",
    "village_id",
    "household_id",
    "no_kk",
)


@dataclass(frozen=True)
class PersonRecord:
    id: int
    name: str
    source_id: str = ""
    nik: str | None = None
    sex: str = ""
    birth_place: str = ""
    birth_date: datetime.date | None = None
    village_id: str = ""
    household_id: int | None = None
    no_kk: str | None = None


@dataclass(frozen=True)
class FieldEvidence:
    """How one field compared for a pair, in words a reviewer understands.

    `field` is a stable key ("nik", "name", "birth_date", "village", "no_kk", "sex",
    "birth_place"); `label` the Indonesian field name; `level` the Indonesian
    description of the comparison level reached (e.g. "sama persis", "beda 1-2 digit",
    "hari dan bulan tertukar", "tidak ada data"); `weight` the match weight (log2 of
    the Bayes factor) that level contributed: positive pushes towards "same person".
    """

    field: str
    label: str
    level: str
    weight: float


@dataclass(frozen=True)
class CandidatePair:
    """Two persons the engine thinks may be one. `id_a < id_b` always."""

    id_a: int
    id_b: int
    probability: float
    evidence: tuple[FieldEvidence, ...] = field(default_factory=tuple)
