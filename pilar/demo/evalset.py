"""A second, independent labelled set of person records with known duplicates, for
measuring the duplicate engine on data it was not built on.

    frame = evalset.generate(6000, seed=7)     # DataFrame: RECORD_COLUMNS + entity, kind
    truth = evalset.true_pairs(frame)

Written apart from the training generator (`truthset.py`, which draws on the demo
registry generator): its own name pools, its own household and NIK code, and its own
corruption model, taken from the office's description of the errors real registers
contain (issue 14) rather than from the engine's comparison levels:

- a person who **moved**: registered again in another kelurahan under a new KK, the
  name re-typed with other capitals, a title (H., Hj., Drs.) or "bin/binti <father>"
  added, the same birth date, the NIK missing or one digit different;
- a **typing slip** in the name (two letters swapped, one dropped or doubled, one
  replaced by its keyboard neighbour) with the same birth date and kelurahan, and a
  NIK with another serial (issued again) or missing;
- **part of the name**: only the given name or only the family name recorded, with the
  birth date kept;
- **no NIK** and the birth date off by one day or one year, with a name variant, in the
  same kelurahan;
- plain **re-entries** (same NIK, small changes) and **spelling habits** (old spellings
  oe/dj/tj, the many ways to write Muhammad, a dropped "h", a day and month written the
  other way round).

Hard negatives are generated too: twins (one KK, one birth date, other names,
consecutive NIK serials), a son named after his father, and namesakes (common names
born in the same year elsewhere in the city). The generator never looks at what the
engine compares; it only knows what clerks do.
"""

from __future__ import annotations

import csv
import datetime
import random
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

VILLAGES_CSV = Path(__file__).resolve().parent.parent / "regions" / "data" / "villages.csv"
REGION = "36.71"

# Given names, by habit rather than by any list the registry generator uses.
_MEN = (
    "Agus Ahmad Andi Arif Asep Bambang Budi Cecep Dadang Dani Dedi Deden Dimas Eko Endang "
    "Fajar Fauzi Firman Gilang Hadi Hendra Heru Ikhsan Iwan Jajang Joko Kurniawan Lukman "
    "Maman Mulyadi Nana Nanang Rahmat Rudi Ridwan Rizal Saepul Slamet Sugeng Sutrisno Tatang "
    "Teguh Ujang Wahyu Yayan Yusuf Zainal Hakim Haris Hasan Husein Ilham Imam Irfan Jaka "
    "Koswara Mamat Nurdin Oman Opik Pandu Rahmad Reza Samsudin Sobari Subur Suhendar Suherman "
    "Syamsul Taufik Tono Ucup Wawan Yadi Yogi Zulkifli Abdul Aziz Darmawan Encep Herman"
).split()
_WOMEN = (
    "Ani Ayu Cucu Dewi Dian Eka Eneng Euis Fitri Ida Ika Imas Indah Intan Iis Kartini Lilis "
    "Lina Mega Neneng Nia Nining Nur Nurul Popon Putri Ratna Rina Rini Rohmah Sari Siti Sri "
    "Suharti Sumiati Tuti Umi Wati Wulan Yani Yati Yuli Yuyun Zahra Aisyah Anisa Aminah "
    "Dede Desi Elis Erni Evi Fatimah Halimah Hartini Heni Ikah Juju Khodijah Maryam Mimin "
    "Nani Nengsih Nurhayati Oom Partini Rosita Saodah Suryani Tini Titin Uum Yanti"
).split()
_FAMILY = (
    "Suherman Hidayat Saputra Setiawan Gunawan Hermawan Kurnia Permana Ramdani Nugraha "
    "Wijaya Santoso Susanto Pratama Maulana Hakim Firdaus Rahayu Lestari Wahyuni Handayani "
    "Kusuma Purnama Sulaeman Supriatna Sopandi Rusmana Hasanah Fitriani Anggraeni Mulyana "
    "Sudrajat Sutisna Wiguna Yulianti Kartika Sunarya Ruhiyat Syahputra Nasution Siregar "
    "Harahap Lubis Simanjuntak Sitompul Tanjung Daulay Rangkuti Effendi Iskandar Kosasih "
    "Hamdani Hasibuan Marpaung Fauzan Syarifudin Rosadi Zulkarnain Aziz Sholeh Mansur Jaelani"
).split()
_PLACES = (
    "Tangerang Jakarta Serang Bandung Bogor Lebak Pandeglang Brebes Tegal Cirebon Garut "
    "Kuningan Cianjur Sukabumi Tasikmalaya Padang Medan Palembang Lampung Semarang Solo "
    "Surabaya Indramayu Karawang Bekasi Purwakarta Kebumen Cilacap Pemalang Makassar"
).split()
_TITLES_MEN = ("H.", "Drs.", "Ir.", "KH.")
_TITLES_WOMEN = ("Hj.", "Dra.")
# How clerks write Muhammad; how older documents spell some sounds.
_MUHAMMAD = ("Muhammad", "Muhamad", "Mohammad", "Mochamad", "Moh.", "M.", "Mhd.")
_OLD_SPELLING = (("u", "oe"), ("j", "dj"), ("c", "tj"), ("y", "j"), ("sy", "sj"), ("kh", "ch"))
_KEY_NEIGHBOURS = {
    "a": "sq",
    "e": "wr",
    "i": "uo",
    "o": "ip",
    "u": "yi",
    "n": "bm",
    "m": "n",
    "r": "et",
    "s": "ad",
    "t": "ry",
    "h": "gj",
    "d": "sf",
    "k": "jl",
    "l": "k",
    "g": "fh",
    "y": "tu",
}


@dataclass
class _Person:
    entity: int
    nik: str | None
    name: str
    given: str
    family: str
    sex: str
    birth_date: datetime.date
    birth_place: str
    village: str
    household: int
    no_kk: str | None


def _villages() -> list[str]:
    with open(VILLAGES_CSV, encoding="utf-8") as fh:
        return [r["code"] for r in csv.DictReader(fh) if r["code"].startswith(REGION + ".")]


def _nik(village: str, birth: datetime.date, sex: str, serial: int) -> str:
    province, regency, district = village.split(".")[:3]
    day = birth.day + (40 if sex == "P" else 0)
    return f"{province}{regency}{district}{day:02d}{birth:%m%y}{serial:04d}"


def _kk(village: str, issued: datetime.date, serial: int) -> str:
    province, regency, district = village.split(".")[:3]
    return f"{province}{regency}{district}{issued:%d%m%y}{serial:04d}"


class _Maker:
    """Households of Kota Tangerang with people in them (the clean population)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.villages = _villages()
        self.serials: dict[str, int] = {}
        self.kk_serial = 0
        self.entity = 0
        self.household = 0

    def serial(self, prefix: str) -> int:
        self.serials[prefix] = self.serials.get(prefix, 0) + 1
        return self.serials[prefix]

    def birth(self, low: int, high: int) -> datetime.date:
        year = self.rng.randint(low, high)
        start = datetime.date(year, 1, 1)
        return start + datetime.timedelta(days=self.rng.randrange(365))

    def name(self, sex: str, family: str | None = None) -> tuple[str, str, str]:
        rng = self.rng
        given = rng.choice(_MEN if sex == "L" else _WOMEN)
        family = family if family is not None else rng.choice(_FAMILY)
        shape = rng.random()
        if sex == "L" and shape < 0.12:
            full = f"Muhammad {given} {family}"
        elif sex == "P" and shape < 0.10:
            full = f"Siti {given} {family}" if given != "Siti" else f"Siti {family}"
        elif shape < 0.30:
            full = given  # one-word names are common in Java
            family = ""
        elif shape < 0.40:
            second = rng.choice(_MEN if sex == "L" else _WOMEN)
            full = f"{given} {second} {family}" if second != given else f"{given} {family}"
        else:
            full = f"{given} {family}"
        return full, given, family

    def person(self, sex: str, birth: datetime.date, village: str, kk: str, family=None):
        self.entity += 1
        full, given, fam = self.name(sex, family)
        nik = None
        if self.rng.random() > 0.04:  # a few residents never had a NIK recorded
            prefix = _nik(village, birth, sex, 0)[:12]
            nik = _nik(village, birth, sex, self.serial(prefix))
        return _Person(
            self.entity,
            nik,
            full,
            given,
            fam,
            sex,
            birth,
            self.rng.choice(_PLACES[:3]) if self.rng.random() < 0.6 else self.rng.choice(_PLACES),
            village,
            self.household,
            kk,
        )

    def household_people(self) -> list[_Person]:
        rng = self.rng
        self.household += 1
        village = rng.choice(self.villages)
        self.kk_serial += 1
        kk = _kk(village, self.birth(2005, 2024), self.kk_serial % 10000)
        people = []
        head_birth = self.birth(1945, 1998)
        head = self.person("L", head_birth, village, kk)
        people.append(head)
        if rng.random() < 0.8:
            people.append(
                self.person("P", self.birth(head_birth.year - 2, head_birth.year + 8), village, kk)
            )
        children = rng.choice((0, 1, 1, 2, 2, 2, 3, 3, 4))
        first = max(head_birth.year + 20, 1965)
        for i in range(children):
            sex = rng.choice("LP")
            family = head.family if head.family and rng.random() < 0.3 else None
            birth = self.birth(min(first + 2 * i, 2023), min(first + 2 * i + 3, 2024))
            if i == 0 and rng.random() < 0.03:
                # twins: one birth date, other names, consecutive serials in one KK
                first_twin = self.person(sex, birth, village, kk, family)
                second = self.person(rng.choice("LP"), birth, village, kk, family)
                while second.given == first_twin.given:  # parents name twins apart
                    second.name, second.given, second.family = self.name(second.sex, family)
                people.extend((first_twin, second))
                continue
            if i == 0 and sex == "L" and rng.random() < 0.04:
                # a son named after his father, in the same KK
                son = self.person("L", birth, village, kk)
                son.name, son.given, son.family = head.name, head.given, head.family
                people.append(son)
                continue
            people.append(self.person(sex, birth, village, kk, family))
        return people


# --- what clerks do to a name, a date, a NIK -------------------------------


def _swap_letters(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _drop_letter(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word))
    return word[:i] + word[i + 1 :]


def _double_letter(rng: random.Random, word: str) -> str:
    i = rng.randrange(1, len(word))
    return word[:i] + word[i] + word[i:]


def _neighbour_key(rng: random.Random, word: str) -> str:
    spots = [i for i in range(1, len(word)) if word[i].lower() in _KEY_NEIGHBOURS]
    if not spots:
        return word
    i = rng.choice(spots)
    return word[:i] + rng.choice(_KEY_NEIGHBOURS[word[i].lower()]) + word[i + 1 :]


def slip(rng: random.Random, name: str) -> str:
    """One typing slip in one word of the name."""
    words = name.split()
    long_words = [i for i, w in enumerate(words) if len(w) >= 4 and not w.endswith(".")]
    if not long_words:
        return name
    i = rng.choice(long_words)
    action = rng.choice((_swap_letters, _drop_letter, _drop_letter, _double_letter, _neighbour_key))
    words[i] = action(rng, words[i])
    return " ".join(words)


def recase(rng: random.Random, name: str) -> str:
    return rng.choice((name.upper(), name.lower(), name.title(), "  ".join(name.split())))


def dress(rng: random.Random, p: _Person, fathers_given: str) -> str:
    """The name as written by someone who adds a title or the father's name."""
    name = p.name
    choice = rng.random()
    if choice < 0.4:
        title = rng.choice(_TITLES_MEN if p.sex == "L" else _TITLES_WOMEN)
        name = f"{title} {name}"
    elif choice < 0.75:
        name = f"{name} {'bin' if p.sex == 'L' else 'binti'} {fathers_given}"
    return recase(rng, name) if rng.random() < 0.6 else name


def respell(rng: random.Random, name: str) -> str:
    words = name.split()
    if words[0] == "Muhammad":
        words[0] = rng.choice(_MUHAMMAD[1:])
        return " ".join(words)
    lowered = name
    options = [(new, old) for new, old in _OLD_SPELLING if new in lowered]
    if options and rng.random() < 0.6:
        new, old = rng.choice(options)
        return lowered.replace(new, old, 1)
    if name.endswith("ah"):
        return name[:-1]
    return slip(rng, name)


def nik_digit_off(rng: random.Random, nik: str) -> str:
    i = rng.randrange(16)
    digit = rng.choice([d for d in "0123456789" if d != nik[i]])
    return nik[:i] + digit + nik[i + 1 :]


def _move_day(rng: random.Random, d: datetime.date) -> datetime.date:
    return d + datetime.timedelta(days=rng.choice((-1, 1)))


def _move_year(rng: random.Random, d: datetime.date) -> datetime.date:
    year = d.year + rng.choice((-1, 1))
    try:
        return d.replace(year=year)
    except ValueError:  # 29 February
        return d.replace(year=year, day=28)


# The kinds of duplicate and how often each occurs among duplicated persons.
KINDS = (
    ("moved", 0.22),
    ("typo", 0.18),
    ("part_name", 0.12),
    ("no_nik_date", 0.14),
    ("reentry", 0.18),
    ("spelling", 0.16),
)


def _duplicate(m: _Maker, p: _Person, fathers: dict[int, str], kind: str) -> _Person:
    rng = m.rng
    q = _Person(**p.__dict__)
    father = fathers.get(p.household, rng.choice(_MEN))
    if kind == "moved":
        q.name = dress(rng, p, father) if rng.random() < 0.8 else recase(rng, p.name)
        q.nik = None if (p.nik is None or rng.random() < 0.5) else nik_digit_off(rng, p.nik)
        others = [v for v in m.villages if v != p.village]
        q.village = rng.choice(others)
        m.kk_serial += 1
        q.no_kk = _kk(q.village, m.birth(2015, 2025), m.kk_serial % 10000)
        m.household += 1
        q.household = m.household
    elif kind == "typo":
        q.name = slip(rng, p.name)
        if p.nik and rng.random() < 0.7:
            prefix = p.nik[:12]
            q.nik = prefix + f"{m.serial(prefix):04d}"
        else:
            q.nik = None
        if rng.random() < 0.5:
            q.no_kk = None  # entered as an individual, not with the household
    elif kind == "part_name":
        words = [w for w in p.name.split() if w not in ("Muhammad", "Siti")]
        if len(words) >= 2:
            q.name = words[0] if rng.random() < 0.5 else words[-1]
        else:
            q.name = f"{p.name} {rng.choice(_FAMILY)}"  # the other way: a name added
        q.nik = p.nik if rng.random() < 0.4 else None
        if rng.random() < 0.4:
            q.birth_place = rng.choice(_PLACES)
    elif kind == "no_nik_date":
        q.nik = None
        q.birth_date = (
            _move_day(rng, p.birth_date) if rng.random() < 0.5 else _move_year(rng, p.birth_date)
        )
        q.name = respell(rng, p.name) if rng.random() < 0.7 else recase(rng, p.name)
        if rng.random() < 0.5:
            q.no_kk = None
    elif kind == "reentry":
        q.name = recase(rng, p.name) if rng.random() < 0.5 else p.name
        if rng.random() < 0.3:
            q.birth_place = ""
        if rng.random() < 0.2:
            q.sex = ""
        if rng.random() < 0.2 and p.birth_date.day <= 12:
            q.birth_date = datetime.date(p.birth_date.year, p.birth_date.day, p.birth_date.month)
    elif kind == "spelling":
        q.name = respell(rng, p.name)
        if p.nik and rng.random() < 0.3:
            q.nik = nik_digit_off(rng, p.nik)
        elif rng.random() < 0.3:
            q.nik = None
    return q


def generate(households: int, *, seed: int = 7, duplicate_share: float = 0.11) -> pd.DataFrame:
    """Records of `households` households (about 3.5 persons each) plus duplicates of
    about `duplicate_share` of the persons; columns RECORD_COLUMNS + entity + kind
    ("asli" for originals and hard negatives, the duplicate kind otherwise)."""
    import pandas as pd  # heavy: loaded on first use

    rng = random.Random(seed)
    maker = _Maker(rng)
    people: list[_Person] = []
    fathers: dict[int, str] = {}
    for _ in range(households):
        members = maker.household_people()
        fathers[members[0].household] = members[0].given
        people.extend(members)
    # Namesakes: a few common full names given again to other residents born in the same
    # year (different people, as common in a city of two million).
    for p in rng.sample(people, k=max(1, len(people) // 200)):
        other = rng.choice(people)
        if other.entity != p.entity and other.sex == p.sex and other.household != p.household:
            other.name, other.given, other.family = p.name, p.given, p.family
    kinds, weights = zip(*KINDS, strict=True)
    rows = [(p, "asli") for p in people]
    for p in people:
        if rng.random() >= duplicate_share:
            continue
        kind = rng.choices(kinds, weights)[0]
        rows.append((_duplicate(maker, p, fathers, kind), kind))
        if rng.random() < 0.08:  # a few are registered three times
            rows.append((_duplicate(maker, p, fathers, rng.choices(kinds, weights)[0]), "ketiga"))
    rng.shuffle(rows)
    out = []
    for i, (p, kind) in enumerate(rows, start=1):
        out.append(
            {
                "id": i,
                "source_id": f"E{i}",
                "nik": p.nik,
                "name": p.name,
                "sex": p.sex,
                "birth_place": p.birth_place,
                "birth_date": p.birth_date,
                "village_id": p.village,
                "household_id": p.household,
                "no_kk": p.no_kk,
                "entity": p.entity,
                "kind": kind,
            }
        )
    return pd.DataFrame(out)


def true_pairs(frame: pd.DataFrame) -> set[tuple[int, int]]:
    """Every (low id, high id) pair of records of one person."""
    out: set[tuple[int, int]] = set()
    for ids in frame.groupby("entity")["id"].apply(list):
        ids = sorted(int(i) for i in ids)
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                out.add((a, b))
    return out


def pair_kinds(frame: pd.DataFrame) -> dict[tuple[int, int], str]:
    """For each true pair, the kind of duplicate that made it (the non-original side's
    kind; "ketiga" for a pair of two copies)."""
    kind = dict(zip(frame["id"].astype(int), frame["kind"], strict=True))
    out = {}
    for a, b in true_pairs(frame):
        ka, kb = kind[a], kind[b]
        out[(a, b)] = kb if ka == "asli" else ka if kb == "asli" else "ketiga"
    return out
