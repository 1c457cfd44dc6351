"""Flag on create: is the person being registered already in the registry?

`find_lookalikes` narrows the registry with one indexed SQL query (trigram name
similarity through the GIN index `person_name_trgm`, with the same or day/month-
swapped birth date; or a NIK differing in at most two digits, through the NIK index),
inside the deployment's regency, then lets the linkage engine's `compare` score the
few candidates. `LookalikeGuard` is what the registry's create forms use: it lists
lookalikes and requires the tick "Saya sudah memeriksa; ini orang yang berbeda".
"""

from __future__ import annotations

import datetime
import itertools
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import Q
from django.db.models.expressions import RawSQL

from pilar.dedup import linkage
from pilar.dedup.actions import latest_model_params
from pilar.dedup.forms import LookalikeConfirmForm
from pilar.dedup.types import CandidatePair, PersonRecord
from pilar.registry.identity import clean_digits
from pilar.registry.models import Person

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

logger = logging.getLogger(__name__)

# How many prefiltered persons the engine scores at most (the most similar names first).
MAX_CANDIDATES = 50
NEW_ID = 0  # the id a not-yet-saved person carries into the engine


def birth_dates(value: datetime.date | None) -> list[datetime.date]:
    """The date itself and, when it exists, the date with day and month swapped."""
    if value is None:
        return []
    out = [value]
    if value.day <= 12 and value.day != value.month:
        try:
            out.append(value.replace(month=value.day, day=value.month))
        except ValueError:
            pass
    return out


def nik_variants(nik: str) -> list[str]:
    """Every 16-digit string differing from `nik` in at most two positions (9,865
    values: one array parameter, answered by the NIK index)."""
    digits = "0123456789"
    out = {nik}
    for i in range(len(nik)):
        for d in digits:
            if d != nik[i]:
                out.add(nik[:i] + d + nik[i + 1 :])
    for i, j in itertools.combinations(range(len(nik)), 2):
        for di in digits:
            if di == nik[i]:
                continue
            for dj in digits:
                if dj == nik[j]:
                    continue
                chars = list(nik)
                chars[i], chars[j] = di, dj
                out.add("".join(chars))
    return sorted(out)


def _record(person: Person) -> PersonRecord:
    return PersonRecord(
        id=person.pk,
        name=person.name,
        source_id=person.source_id,
        nik=person.nik,
        sex=person.sex,
        birth_place=person.birth_place,
        birth_date=person.birth_date,
        village_id=person.household.village_id,
        household_id=person.household_id,
        no_kk=person.household.no_kk,
    )


def candidates(data: PersonRecord, *, exclude_ids: Iterable[int] = ()) -> list[Person]:
    """The SQL prefilter: active persons of the regency that look like `data`."""
    name = " ".join((data.name or "").split())
    nik = clean_digits(data.nik or "")
    table = Person._meta.db_table
    # A UNION of index lookups, then `id IN (...)`: an OR of the two conditions made
    # PostgreSQL test every person's name (a sequential scan; see registry/search.py).
    parts: list[str] = []
    params: list = []
    if name:
        dates = birth_dates(data.birth_date)
        # "%%" is the pg_trgm similarity operator (escaped for the driver).
        sql = f"SELECT id FROM {table} WHERE name %% %s"
        params.append(name)
        if dates:
            sql += " AND (birth_date = ANY(%s) OR birth_date IS NULL)"
            params.append(dates)
        parts.append(sql)
    if len(nik) == 16 and nik.isdigit():
        parts.append(f"SELECT id FROM {table} WHERE nik = ANY(%s)")
        params.append(nik_variants(nik))
    if not parts:
        return []
    wanted = Q(pk__in=RawSQL(" UNION ".join(parts), params))
    qs = (
        Person.objects.filter(wanted, is_active=True)
        .filter(household__village__code__startswith=settings.PILAR_REGION + ".")
        .exclude(pk__in=[i for i in exclude_ids if i])
        .select_related("household")
    )
    if name:
        qs = qs.annotate(name_similarity=TrigramSimilarity("name", name)).order_by(
            "-name_similarity", "id"
        )
    return list(qs[:MAX_CANDIDATES])


def other_id(pair: CandidatePair, new_id: int) -> int:
    return pair.id_b if pair.id_a == new_id else pair.id_a


def find_lookalikes(data: PersonRecord, *, exclude_ids: Iterable[int] = ()) -> list[CandidatePair]:
    """Registered persons the engine scores at or above its threshold as possibly
    `data`, most likely first. `data.id` is 0 for a person not yet saved."""

    found = candidates(data, exclude_ids=[*exclude_ids, data.id])
    if not found:
        return []
    # The model of the latest run (estimated on this registry), else the shipped one.
    pairs = linkage.compare(data, [_record(p) for p in found], params=latest_model_params())
    threshold = getattr(linkage, "FLAG_THRESHOLD", getattr(linkage, "DEFAULT_THRESHOLD", 0.0))
    pairs = [p for p in pairs if p.probability >= threshold]
    return sorted(pairs, key=lambda p: -p.probability)


# The registry forms' guard ---------------------------------------------------


@dataclass
class Lookalike:
    person: Person
    probability: float
    # False when the person lies outside the user's area: the warning then names only
    # the kecamatan, never the person (out-of-area data stays hidden).
    visible: bool = True

    @property
    def percent(self) -> int:
        value = round(self.probability * 100)
        return min(value, 99) if self.probability < 1 else value


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(str(value or "").strip(), fmt).date()
        except ValueError:
            continue
    return None


def record_from_values(values: Mapping, *, village_id: str = "", household=None) -> PersonRecord:
    """A PersonRecord from a registry form's raw values (not validated yet)."""
    nik = clean_digits(values.get("nik") or "")
    return PersonRecord(
        id=NEW_ID,
        name=" ".join(str(values.get("name") or "").split()),
        nik=nik if len(nik) == 16 and nik.isdigit() else None,
        sex=str(values.get("sex") or ""),
        birth_place=str(values.get("birth_place") or "").strip(),
        birth_date=_date(values.get("birth_date")),
        village_id=str(village_id or ""),
        household_id=getattr(household, "pk", None),
        no_kk=getattr(household, "no_kk", None),
    )


class LookalikeGuard:
    """Used by a create form: `passes()` is False while lookalikes exist and the
    confirmation is not ticked; the template `dedup/_lookalikes.html` shows them."""

    def __init__(self, data=None, *, user: User, prefix: str = "dedup"):
        self.user = user
        self.form = LookalikeConfirmForm(data, prefix=prefix)
        self.lookalikes: list[Lookalike] = []

    @property
    def confirmed(self) -> bool:
        return (
            self.form.is_bound
            and self.form.is_valid()
            and self.form.cleaned_data["confirm_different"]
        )

    def passes(self, values: Mapping, *, village_id: str = "", household=None) -> bool:
        record = record_from_values(values, village_id=village_id, household=household)
        try:
            pairs = find_lookalikes(record)
        except Exception:  # a broken engine must not stop people being registered
            logger.exception("lookalike check failed")
            return True
        if pairs:
            persons = Person.objects.select_related("household__village__district").in_bulk(
                [other_id(p, NEW_ID) for p in pairs]
            )
            visible = set(
                Person.objects.restrict(self.user, "view")
                .filter(pk__in=list(persons))
                .values_list("pk", flat=True)
            )
            self.lookalikes = [
                Lookalike(persons[pk], p.probability, pk in visible)
                for p in pairs
                if (pk := other_id(p, NEW_ID)) in persons
            ]
        return not self.lookalikes or self.confirmed
