"""Synthetic person records with known duplicates, to train and measure the engine.

`generate(n_households, seed=...)` draws households of Kota Tangerang with the
registry's own synthetic generator (`pilar.demo.generator.Generator`: names by
culture, valid NIKs, No. KK), then

- adds duplicate records of some persons, each changed the way real registrations
  differ: the same NIK, a NIK one or two digits off, no NIK, a different NIK; Indonesian
  name variants (Muhammad / Muhamad / Moh. / M., old spellings oe/dj/tj/ch/sj/nj,
  titles H. / Hj. / Dr. / S.Pd., bin / binti, word order, a dropped word, a typo); the
  birth date with day and month swapped, a one-digit typo, transposed day digits or
  missing; in the same KK, the same kelurahan or elsewhere. A duplicate without NIK
  evidence (no NIK, different NIK) always shares the kelurahan or the KK: without
  either, two records with one name and one birth date cannot be told apart from
  namesakes, and the model is not asked to;
- adds hard negatives (different people): sons named after their father (same name,
  same KK, other birth year), twins (same birth date and KK, consecutive NIK serials,
  other given name) and namesakes (same name and birth date, elsewhere in the city,
  own NIK).

The result is a pandas DataFrame with `types.RECORD_COLUMNS` plus `entity` (the true
person) and `kind` (how the record was made). `true_pairs` and `evaluate` score a
list of CandidatePairs against it. No database is needed.
"""

from __future__ import annotations

import csv
import datetime
import os
import random
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.apps import apps

from pilar.dedup.types import RECORD_COLUMNS, CandidatePair
from pilar.demo.generator import Generator

if TYPE_CHECKING:
    import pandas as pd

REGENCY = "36.71"
ON = datetime.date(2026, 11, 29)

TITLES_BEFORE = ("H.", "Hj.", "Dr.", "Drs.", "Ir.", "KH.")
DEGREES_AFTER = (", S.Pd.", ", S.E.", ", S.H.", ", S.Kom.", ", S.Ag.", ", Amd.", " S.Pd", ", M.Si.")
MUHAMMAD_FORMS = ("Muhammad", "Muhamad", "Mohammad", "Mochammad", "Moh.", "Moch.", "M.", "Muh.")
# modern -> old spelling (the reverse of names.OLD_SPELLINGS), applied to one occurrence
OLD_FORMS = (("u", "oe"), ("j", "dj"), ("c", "tj"), ("kh", "ch"), ("sy", "sj"), ("ny", "nj"))
# and the loose spellings people type
LOOSE_FORMS = (
    ("y", "i"),
    ("i", "y"),
    ("y", "j"),
    ("kh", "h"),
    ("h", "kh"),
    ("f", "p"),
    ("d", "dh"),
    ("t", "th"),
)


@dataclass
class Row:
    entity: int
    kind: str
    nik: str | None
    name: str
    sex: str
    birth_place: str
    birth_date: datetime.date | None
    village_id: str
    household_id: int
    no_kk: str | None
    source_id: str = ""


def _villages() -> list[tuple[str, str]]:

    regions = Path(__file__).resolve().parent.parent / "regions" / "data"
    out = []
    with open(regions / "villages.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["code"].startswith(REGENCY + "."):
                out.append((row["code"], row["district_code"]))
    return out


def ensure_django() -> None:
    """The registry's generator imports Django models: set Django up when a script
    (train, benchmarks) runs outside manage.py / pytest. No database is touched."""

    if not apps.ready:
        import django  # only when run as a script, before any Django import

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilar.settings")
        django.setup()


class TruthSetGenerator:
    def __init__(self, seed: int = 7, *, duplicate_share: float = 0.12):
        ensure_django()

        self.rng = random.Random(seed)
        self.villages = _villages()
        self.districts = sorted({d for _, d in self.villages})
        self.gen = Generator(seed, self.villages, {}, on=ON, tag=f"truth-{seed}", now_text="x")
        self.duplicate_share = duplicate_share
        self.rows: list[Row] = []
        self.next_entity = 1
        self.next_household = 1
        self.kk_serial: dict[str, int] = {}

    # -- base population ------------------------------------------------------

    def _kk(self, district: str) -> str:
        rng = self.rng
        formed = datetime.date.fromordinal(ON.toordinal() - rng.randint(30, 20 * 365))
        prefix = f"{district.replace('.', '')}{formed:%d%m%y}"
        serial = self.kk_serial.get(prefix, 0) + 1
        self.kk_serial[prefix] = serial
        return f"{prefix}{serial:04d}"

    def _birth(self, age: int) -> datetime.date:
        return datetime.date.fromordinal(ON.toordinal() - age * 365 - self.rng.randint(0, 364))

    def _person(
        self,
        *,
        name: str,
        sex: str,
        birth: datetime.date,
        village: str,
        district: str,
        household: int,
        kk: str | None,
        kind: str = "asli",
        nik_missing: float = 0.05,
    ) -> Row:
        rng = self.rng
        region = district.replace(".", "")
        if rng.random() < 0.1:  # born in another kecamatan of the city
            region = rng.choice(self.districts).replace(".", "")
        nik = None if rng.random() < nik_missing else self.gen.nik(region, sex, birth, [])
        place = rng.choice(("Tangerang",) * 12 + ("Jakarta",) * 4 + ("Serang", "Bogor", "Lebak"))
        row = Row(self.next_entity, kind, nik, name, sex, place, birth, village, household, kk)
        self.next_entity += 1
        self.rows.append(row)
        return row

    def household(self) -> list[Row]:
        rng = self.rng
        gen = self.gen
        village, district = rng.choice(self.villages)
        kk = self._kk(district) if rng.random() > 0.02 else None
        hh = self.next_household
        self.next_household += 1
        culture = rng.randrange(4)
        members: list[Row] = []
        head_age = rng.randint(22, 80)
        head_sex = "L" if rng.random() < 0.85 else "P"
        by = ON.year - head_age
        head = self._person(
            name=gen.name(head_sex, by, culture),
            sex=head_sex,
            birth=self._birth(head_age),
            village=village,
            district=district,
            household=hh,
            kk=kk,
        )
        members.append(head)
        mother_age = head_age
        if head_sex == "L" and rng.random() < 0.85:
            wife_age = max(18, head_age - rng.randint(0, 8))
            members.append(
                self._person(
                    name=gen.name("P", ON.year - wife_age, culture),
                    sex="P",
                    birth=self._birth(wife_age),
                    village=village,
                    district=district,
                    household=hh,
                    kk=kk,
                )
            )
            mother_age = wife_age
        child_age = mother_age - rng.randint(20, 32)
        surname = head.name.split()[-1] if len(head.name.split()) > 1 else ""
        for _ in range(rng.choice((0, 1, 1, 2, 2, 2, 3, 3, 4))):
            if child_age < 0:
                break
            sex = "L" if rng.random() < 0.51 else "P"
            name = gen.name(sex, ON.year - child_age, culture)
            if surname and sex == "L" and rng.random() < 0.3 and len(name.split()) > 1:
                name = f"{' '.join(name.split()[:-1])} {surname}"
            kind = "asli"
            if sex == "L" and head_sex == "L" and rng.random() < 0.04:
                name, kind = head.name, "anak senama ayah"  # hard negative: Jr.
            child = self._person(
                name=name,
                sex=sex,
                birth=self._birth(child_age),
                village=village,
                district=district,
                household=hh,
                kk=kk,
                kind=kind,
                nik_missing=0.08,
            )
            members.append(child)
            if rng.random() < 0.03:  # hard negative: a twin, other given name
                members.append(self._twin(child, surname, culture, district))
            child_age -= rng.randint(1, 6)
        return members

    def _twin(self, child: Row, surname: str, culture: int, district: str) -> Row:
        rng = self.rng
        sex = child.sex if rng.random() < 0.6 else ("P" if child.sex == "L" else "L")
        for _ in range(20):
            name = self.gen.name(sex, child.birth_date.year if child.birth_date else 2000, culture)
            first = name.split()[0]
            if first.lower() != child.name.split()[0].lower():
                break
        if surname and len(name.split()) > 1 and rng.random() < 0.5:
            name = f"{' '.join(name.split()[:-1])} {surname}"
        row = Row(
            self.next_entity,
            "kembar",
            None,
            name,
            sex,
            child.birth_place,
            child.birth_date,
            child.village_id,
            child.household_id,
            child.no_kk,
        )
        if child.nik and child.birth_date:
            row.nik = self.gen.nik(child.nik[:6], sex, child.birth_date, [])
        self.next_entity += 1
        self.rows.append(row)
        return row

    def namesake(self, original: Row) -> Row:
        """A different person with the same name and birth date elsewhere in the city
        (any other kelurahan, so about one in thirteen in the same kecamatan)."""
        rng = self.rng
        village, district = rng.choice(self.villages)
        while village == original.village_id:
            village, district = rng.choice(self.villages)
        row = self._person(
            name=original.name,
            sex=original.sex,
            birth=original.birth_date or self._birth(40),
            village=village,
            district=district,
            household=self.next_household,
            kk=self._kk(district),
            kind="senama",
        )
        self.next_household += 1
        return row

    # -- duplicates -----------------------------------------------------------

    def vary_name(self, name: str, sex: str) -> tuple[str, str]:
        rng = self.rng
        words = name.split()
        choice = rng.choice(
            (
                "sama",
                "sama",
                "muhammad",
                "ejaan lama",
                "ejaan lama",
                "gelar",
                "gelar",
                "bin/binti",
                "urutan kata",
                "satu kata",
                "salah ketik",
                "ejaan longgar",
                "huruf besar/kecil",
            )
        )
        if choice == "muhammad":
            if words[0].rstrip(".").lower() in {"muhammad", "muhamad", "mohammad", "moh", "m"}:
                words[0] = rng.choice(MUHAMMAD_FORMS)
            elif sex == "L":
                words.insert(0, rng.choice(MUHAMMAD_FORMS))
            else:
                choice = "sama"
        elif choice == "ejaan lama":
            candidates = [(i, m, o) for i, w in enumerate(words) for m, o in OLD_FORMS if m in w]
            if candidates:
                i, m, o = rng.choice(candidates)
                w = words[i]
                words[i] = w.replace(m, o, 1) if w[0].isupper() or m not in w[:1] else w
                if words[i] == w:  # first letter: keep its case
                    lower = w.lower().replace(m, o, 1)
                    words[i] = lower[:1].upper() + lower[1:]
            else:
                choice = "sama"
        elif choice == "gelar":
            if rng.random() < 0.5:
                title = rng.choice(TITLES_BEFORE)
                if title == "Hj." and sex == "L":
                    title = "H."
                if title == "H." and sex == "P":
                    title = "Hj."
                words.insert(0, title)
            else:
                words[-1] = words[-1] + rng.choice(DEGREES_AFTER)
        elif choice == "bin/binti":
            father = self.gen.name("L", 1950, rng.randrange(4)).split()[0]
            words += ["bin" if sex == "L" else "binti", father]
        elif choice == "urutan kata":
            if len(words) >= 2:
                words = words[1:] + words[:1]
            else:
                choice = "sama"
        elif choice == "satu kata":
            if len(words) >= 2:
                keep = (
                    words[1] if words[0].rstrip(".").lower() in {"muhammad", "m", "moh"} else None
                )
                words = [keep or words[0]] if keep or rng.random() < 0.7 else [words[0], words[-1]]
                if len(words) == len(name.split()):
                    choice = "sama"
            else:
                choice = "sama"
        elif choice == "salah ketik":
            i = max(range(len(words)), key=lambda k: len(words[k]))
            w = words[i]
            if len(w) >= 5:
                pos = rng.randint(1, len(w) - 2)
                op = rng.random()
                if op < 0.4:
                    w = w[:pos] + w[pos + 1 :]
                elif op < 0.7:
                    w = w[:pos] + w[pos + 1] + w[pos] + w[pos + 2 :]
                else:
                    w = w[:pos] + rng.choice("aiueonrst") + w[pos + 1 :]
                words[i] = w
            else:
                choice = "sama"
        elif choice == "ejaan longgar":
            candidates = [(i, a, b) for i, w in enumerate(words) for a, b in LOOSE_FORMS if a in w]
            if candidates:
                i, a, b = rng.choice(candidates)
                words[i] = words[i].replace(a, b, 1)
            else:
                choice = "sama"
        elif choice == "huruf besar/kecil":
            return name.upper(), choice
        return " ".join(words), choice

    def vary_date(self, birth: datetime.date | None) -> tuple[datetime.date | None, str]:
        rng = self.rng
        if birth is None:
            return None, "tanggal kosong"
        r = rng.random()
        if r < 0.55:
            return birth, "tanggal sama"
        if r < 0.72 and birth.day <= 12 and birth.day != birth.month:
            return birth.replace(day=birth.month, month=birth.day), "hari-bulan tertukar"
        if r < 0.9:
            for _ in range(10):
                text = list(birth.isoformat())
                pos = rng.choice((2, 3, 5, 6, 8, 9))
                text[pos] = rng.choice("0123456789")
                try:
                    changed = datetime.date.fromisoformat("".join(text))
                except ValueError:
                    continue
                if changed != birth and changed < ON:
                    return changed, "salah ketik tanggal"
            return birth, "tanggal sama"
        if r < 0.95 and birth.day >= 10 and birth.day % 10 != birth.day // 10:
            day = int(str(birth.day)[::-1])
            try:
                return birth.replace(day=day), "digit hari tertukar"
            except ValueError:
                return birth, "tanggal sama"
        return (None, "tanggal kosong") if r >= 0.95 else (birth, "tanggal sama")

    def vary_nik(
        self, nik: str | None, sex: str, birth: datetime.date | None, *, elsewhere: bool = False
    ) -> tuple[Any, str]:
        """A NIK for the duplicate. `elsewhere` (another kelurahan): a typo never only in
        the kecamatan code or serial, since a NIK off just there, with one name and birth
        date, is what two namesakes born on one day in two kecamatan have."""
        rng = self.rng
        if nik is None:
            return None, "tanpa NIK"
        r = rng.random()
        if r < 0.4:
            return nik, "NIK sama"
        if r < 0.62:
            digits = list(nik)
            positions = [0, 1, 2, 3, *range(6, 12)] if elsewhere else list(range(16))
            for pos in rng.sample(positions, 1 if rng.random() < 0.7 else 2):
                digits[pos] = rng.choice([d for d in "0123456789" if d != digits[pos]])
            return "".join(digits), "NIK salah ketik"
        if r < 0.87:
            return None, "tanpa NIK"
        region = rng.choice(self.districts).replace(".", "")
        if birth is None:
            return None, "tanpa NIK"
        return self.gen.nik(region, sex, birth, []), "NIK berbeda"

    def duplicate(self, original: Row) -> Row:
        rng = self.rng
        name, name_kind = self.vary_name(original.name, original.sex)
        birth, date_kind = self.vary_date(original.birth_date)
        r = rng.random()
        nik, nik_kind = self.vary_nik(
            original.nik, original.sex, original.birth_date, elsewhere=r >= 0.6
        )
        village, household, kk = original.village_id, original.household_id, original.no_kk
        where = "KK sama"
        nik_evidence = nik_kind in ("NIK sama", "NIK salah ketik")
        if not nik_evidence and birth is None and original.birth_date is not None:
            # Neither NIK nor birth date: only a name and an address, which namesakes
            # share too. Such a record is not a duplicate the model is asked to find.
            birth, date_kind = original.birth_date, "tanggal sama"
        if r < 0.25:
            pass
        elif r < 0.6 or not nik_evidence:
            district = village.rsplit(".", 1)[0]
            household = self.next_household
            self.next_household += 1
            kk = self._kk(district) if rng.random() > 0.1 else None
            where = "kelurahan sama"
        else:
            village, district = rng.choice(self.villages)
            household = self.next_household
            self.next_household += 1
            kk = self._kk(district) if rng.random() > 0.1 else None
            where = "kelurahan lain"
        sex = original.sex if rng.random() > 0.01 else ("P" if original.sex == "L" else "L")
        place = original.birth_place
        if rng.random() < 0.1:
            place = rng.choice(("", "Tangerang", "Kota Tangerang", "Tanggerang", "Jakarta"))
        kind = f"duplikat: {nik_kind}; {name_kind}; {date_kind}; {where}"
        row = Row(original.entity, kind, nik, name, sex, place, birth, village, household, kk)
        self.rows.append(row)
        return row

    # -- the whole set ---------------------------------------------------------

    def generate(self, n_households: int) -> list[Row]:
        rng = self.rng
        for _ in range(n_households):
            self.household()
        originals = [r for r in self.rows if r.kind == "asli"]
        for row in originals:
            if rng.random() < 0.015:
                self.namesake(row)
        for row in list(self.rows):
            if row.kind == "asli" and rng.random() < self.duplicate_share:
                self.duplicate(row)
                if rng.random() < 0.05:
                    self.duplicate(row)
        return self.rows


def generate(
    n_households: int = 1000, *, seed: int = 7, duplicate_share: float = 0.12
) -> pd.DataFrame:
    """A truth set of about 3.3 persons per household plus duplicates, as a
    DataFrame (RECORD_COLUMNS + entity + kind), rows shuffled, ids 1..n."""
    # Loaded on first use: a heavy library, kept out of start-up.
    import pandas as pd

    gen = TruthSetGenerator(seed, duplicate_share=duplicate_share)
    rows = gen.generate(n_households)
    order = list(range(len(rows)))
    random.Random(seed + 1).shuffle(order)
    data: dict[str, list[Any]] = {c: [] for c in (*RECORD_COLUMNS, "entity", "kind")}
    for new_id, index in enumerate(order, start=1):
        row = rows[index]
        data["id"].append(new_id)
        data["source_id"].append(f"T{new_id}")
        data["nik"].append(row.nik)
        data["name"].append(row.name)
        data["sex"].append(row.sex)
        data["birth_place"].append(row.birth_place)
        data["birth_date"].append(row.birth_date)
        data["village_id"].append(row.village_id)
        data["household_id"].append(row.household_id)
        data["no_kk"].append(row.no_kk)
        data["entity"].append(row.entity)
        data["kind"].append(row.kind)
    return pd.DataFrame(data)


def true_pairs(frame: pd.DataFrame) -> set[tuple[int, int]]:
    """Every (low id, high id) pair of records of one entity."""
    out: set[tuple[int, int]] = set()
    for ids in frame.groupby("entity")["id"].apply(list):
        if len(ids) > 1:
            ids = sorted(int(i) for i in ids)
            for i, a in enumerate(ids):
                for b in ids[i + 1 :]:
                    out.add((a, b))
    return out


@dataclass(frozen=True)
class Quality:
    true_pairs: int
    found: int
    true_positives: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __str__(self) -> str:
        return (
            f"pairs {self.true_pairs}, found {self.found}, correct {self.true_positives}: "
            f"precision {self.precision:.4f}, recall {self.recall:.4f}, F1 {self.f1:.4f}"
        )


def evaluate(pairs: Iterable[CandidatePair], truth: set[tuple[int, int]]) -> Quality:
    found = {(p.id_a, p.id_b) for p in pairs}
    return Quality(len(truth), len(found), len(found & truth))
