"""Synthetic registry data that looks like Kota Tangerang, for the demo and the benchmarks.

Fast by design (500,000 households, about 1.9 million persons, in minutes on two
cores): name, street and place pools are built once (from Faker's `id_ID` lists
plus regional names), rows are drawn with one seeded `random.Random`, written as
COPY text and loaded with psycopg 3 `cursor.copy()` in chunks of households.
Ids are reserved from the tables' sequences, so persons can point at their
household without a round trip per row.

What the data respects (so the rest of Pilar can trust it):
- every NIK is valid (`validate_nik`) and agrees with sex (day +40 for women)
  and birth date; the serial is never 0000, varies like real ones (not always 0001) and never
  collides with an existing NIK (the current maximum serial per 12-digit prefix is
  read first);
- No. KK likewise: 3671 + kecamatan + issue date + serial, unique;
- a person or household without a number carries a `MissingIdReason`;
- one current membership per person; one living head per household;
- PPKS records obey each type's age/sex/level rules at the date found, are
  only given to living persons, and at most one active record per person/type.

Seeding is a synthetic bulk load, not a change made by a user, so the row-history
triggers (django-pghistory) are switched off for the loading transaction only
(`SET LOCAL session_replication_role = replica`, which needs a superuser, as the
embedded server's `postgres` is). Without superuser rights the triggers stay
on and simply record one insert event per row (slower, still correct). The
command output says which happened.
"""

from __future__ import annotations

import bisect
import csv
import datetime
import random
from dataclasses import dataclass, field
from pathlib import Path

from pilar.core.dates import age_on, today

REGIONS_DATA = Path(__file__).resolve().parent.parent / "regions" / "data"

# ---------------------------------------------------------------------------
# Pools (built once; static lists so the same seed gives the same data)
# ---------------------------------------------------------------------------

JAVANESE_M = (
    "Slamet Sutrisno Suparno Sugiyono Bambang Joko Agus Budi Heru Eko Hadi Wahyu Sigit "
    "Purnomo Supriyadi Sunarto Waluyo Mulyono Haryanto Setiawan Nugroho Prasetyo Wibowo "
    "Santoso Kurniawan Susanto Sugeng Paijo Tukiman Karno Darmaji Suyanto Triyono Warsito"
).split()
JAVANESE_F = (
    "Suparmi Sumiati Wartini Suwarni Sulastri Endang Tuti Sumarni Rahayu Wulandari Lestari "
    "Purwanti Yuliani Ningsih Wahyuni Sutini Ratna Dewi Sukarti Painem Tumini Rukmini Sumirah"
).split()
SUNDANESE_M = (
    "Asep Ujang Cecep Dadang Dede Engkus Iwan Jajang Mamad Ade Encep Aep Deden Yayan Hendra "
    "Rudi Dadan Ujang Nana Usep Odih Maman Oman Kosasih Sukmana"
).split()
SUNDANESE_F = (
    "Euis Neng Iis Imas Enok Eneng Nining Cucu Ai Yanti Titin Entin Popon Nenden Lilis Rina "
    "Yati Teti Elis Cicih Onih Enah Iyah"
).split()
BETAWI_M = (
    "Mamat Udin Rojali Juned Samsudin Mursidi Sabeni Entong Mandra Rohim Zaenal Saiful Muhidin "
    "Sanusi Marzuki Jamaludin Nasrudin Mahmud Sarmili Rusli Bakri Ali Hasan Husin"
).split()
BETAWI_F = (
    "Rohimah Saodah Romlah Jaenab Aminah Maimunah Muzayanah Nurhayati Fatimah Hasanah Rokayah "
    "Khadijah Salmah Mariam Zubaedah Juleha Munah Rodiah"
).split()
MODERN_M = (
    "Rizky Rizki Fajar Dimas Bayu Reza Rafi Arka Alif Fadli Aditya Farhan Galih Raka Zidan "
    "Naufal Akbar Ilham Andika Yoga Rendi Arya Dafa Rayyan Abizar Kenzo Fikri Gilang Rangga"
).split()
MODERN_F = (
    "Putri Nabila Aulia Salsabila Zahra Aisyah Nayla Keisha Alya Syifa Dinda Anisa Annisa Nurul "
    "Intan Rahma Tiara Amelia Citra Fitri Nadia Khanza Azzahra Nurhaliza Kayla Adinda Shafira"
).split()
SURNAMES_M = (
    "Hidayat Ramadhan Saputra Pratama Hakim Rahman Maulana Firmansyah Nurdin Syahputra "
    "Kurniawan Setiawan Hidayatullah Gunawan Wijaya Permana Hermawan Sofyan Fauzi Nugraha"
).split()
SURNAMES_F = (
    "Saputri Rahmawati Permatasari Fitriani Handayani Lestari Maharani Puspitasari Anggraeni "
    "Oktaviani Safitri Kurniasih Nuraeni Yuliani Susanti Marlina Novianti"
).split()
MUHAMMAD = ("Muhammad", "Muhammad", "Muhammad", "Muhamad", "Mohammad", "Moh.", "M.")
SITI = ("Siti", "Siti", "Siti", "Sri", "Sri")

STREETS_TANGERANG = [
    "KH. Hasyim Ashari",
    "Imam Bonjol",
    "MH. Thamrin",
    "Daan Mogot",
    "Perintis Kemerdekaan",
    "Jenderal Sudirman",
    "Gatot Subroto",
    "Raden Fatah",
    "Ciledug Raya",
    "Hos Cokroaminoto",
    "Moh. Toha",
    "Prabu Kian Santang",
    "Teuku Umar",
    "Husein Sastranegara",
    "Marsekal Suryadarma",
    "Benteng Betawi",
    "Otista",
    "Kisamaun",
    "Ki Asnawi",
    "Cipondoh Raya",
    "Maulana Hasanudin",
    "Pembangunan",
    "Bouraq",
    "Proklamasi",
    "Veteran",
    "Aria Santika",
    "Ks. Tubun",
    "Pasar Baru",
    "Kalipasir",
    "Gembor Raya",
]
GANG_NAMES = [
    "Masjid",
    "Mushola",
    "H. Ipin",
    "Swadaya",
    "Melati",
    "Mawar",
    "Kenanga",
    "Delima",
    "Rambutan",
    "Nangka",
    "Kelapa",
    "Haji Saleh",
    "Sawo",
    "Damai",
    "Rukun",
    "Bambu",
    "Kemuning",
    "Asem",
    "Pelita",
    "Langgar",
]
PERUM = [
    "Perum Puri Beta",
    "Perumnas Karawaci",
    "Perum Banjar Wijaya",
    "Perum Poris Indah",
    "Komplek Keuangan",
    "Perum Taman Cibodas",
    "Perum Pondok Arum",
    "Perum Griya Sangiang",
    "Perum Duta Bintaro",
    "Perum Ciledug Indah",
]
BIRTH_PLACES_LOCAL = ["Tangerang"] * 12 + ["Jakarta"] * 4 + ["Serang", "Bogor", "Bekasi"]
OCCUPATIONS_ADULT_M = (
    ["Karyawan Swasta"] * 8
    + ["Wiraswasta"] * 5
    + ["Buruh Harian Lepas"] * 5
    + ["Pedagang"] * 3
    + ["Sopir", "Pengemudi Ojek", "Buruh Pabrik", "Buruh Pabrik", "Satpam", "Montir"]
    + ["Pegawai Negeri Sipil", "Guru", "Belum/Tidak Bekerja", "Belum/Tidak Bekerja"]
)
OCCUPATIONS_ADULT_F = (
    ["Mengurus Rumah Tangga"] * 10
    + ["Karyawan Swasta"] * 5
    + ["Wiraswasta", "Pedagang", "Pedagang", "Buruh Pabrik", "Buruh Harian Lepas"]
    + ["Guru", "Perawat", "Pegawai Negeri Sipil", "Asisten Rumah Tangga", "Belum/Tidak Bekerja"]
)
CHRONIC = ["Hipertensi", "Diabetes", "Asma", "Penyakit jantung", "Stroke", "TBC", "Gagal ginjal"]
DISABILITY_KINDS = ["fisik", "fisik", "sensorik", "sensorik", "intelektual", "mental"]

# (weight, min age, max age) of heads by 5-year band: urban Indonesia, peak 35–50.
HEAD_AGE_BANDS = [
    (3, 20, 24),
    (8, 25, 29),
    (11, 30, 34),
    (13, 35, 39),
    (13, 40, 44),
    (12, 45, 49),
    (11, 50, 54),
    (9, 55, 59),
    (7, 60, 64),
    (5, 65, 69),
    (4, 70, 74),
    (2.5, 75, 79),
    (1.5, 80, 90),
]
# Household sizes 1..8, mean about 3.8 (BPS: Banten urban 3.7–3.9).
SIZE_WEIGHTS = [(1, 8), (2, 14), (3, 22), (4, 26), (5, 16), (6, 8), (7, 4), (8, 2)]

# PPKS person-level types: number -> (base probability among eligible persons,
# plausibility bounds (min age, max age) on top of the type's own rules).
PPKS_PERSON_WEIGHTS: dict[int, tuple[float, int | None, int | None]] = {
    1: (0.004, None, None),
    2: (0.004, None, None),
    3: (0.0008, None, None),
    4: (0.001, None, None),
    6: (0.0008, None, None),
    7: (0.0008, None, None),
    8: (0.03, None, None),
    10: (0.0001, 18, 50),
    11: (0.0002, 18, None),
    12: (0.0003, 12, None),
    13: (0.0008, 15, 70),
    14: (0.0002, None, None),
    15: (0.0005, 20, 70),
    16: (0.0002, 18, 60),
    17: (0.0004, 15, 50),
    18: (0.0001, 15, 40),
    19: (0.0005, 18, None),
    20: (0.0003, 20, 55),
    21: (0.002, None, None),
    22: (0.0003, None, None),
    23: (0.01, None, None),
}
POOR_SHARE = 0.12  # Fakir Miskin households (brief: 10–15 %)
KBSP_SHARE = 0.003  # Keluarga Bermasalah Sosial Psikologis


def _weighted(pairs: list[tuple[object, float]]) -> tuple[list, list[float]]:
    items, cum, total = [], [], 0.0
    for item, weight in pairs:
        total += weight
        items.append(item)
        cum.append(total)
    return items, [c / total for c in cum]


def _migrant_districts() -> tuple[list[str], list[float]]:
    """District codes (6 digits) of regencies migrants to Tangerang come from, weighted by
    province: Banten, Jakarta, West/Central/East Java, Lampung, then the rest."""
    province_weight = {"36": 30, "31": 25, "32": 25, "33": 20, "35": 8, "18": 5, "34": 2}
    rows = []
    with open(REGIONS_DATA / "districts.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["code"]
            if code.startswith("36.71."):
                continue
            rows.append((code.replace(".", ""), province_weight.get(code[:2], 0.3)))
    # Weight per regency, not per district: divide by the regency's district count.
    per_regency: dict[str, int] = {}
    for code, _ in rows:
        per_regency[code[:4]] = per_regency.get(code[:4], 0) + 1
    pairs = [(code, weight / per_regency[code[:4]]) for code, weight in rows]
    return _weighted(pairs)  # type: ignore[return-value]


def _regency_names() -> dict[str, str]:
    names = {}
    with open(REGIONS_DATA / "regencies.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            name = row["name"]
            for word in ("Kabupaten ", "Kota ", "Administrasi "):
                name = name.replace(word, "")
            names[row["code"].replace(".", "")] = name
    return names


def _faker_pools() -> dict[str, list[str]]:
    # Loaded on first use: a heavy library, kept out of start-up.
    from faker.providers.person.id_ID import Provider

    return {
        "first_m": list(Provider.first_names_male),
        "first_f": list(Provider.first_names_female),
        "last_m": list(Provider.last_names_male),
        "last_f": list(Provider.last_names_female),
    }


# ---------------------------------------------------------------------------
# The generator (pure Python, no database)
# ---------------------------------------------------------------------------


@dataclass
class PpksTypeRule:
    id: int
    number: int
    level: str
    min_age: int | None
    max_age: int | None
    sex: str
    has_subtypes: bool


@dataclass
class Chunk:
    """Generated rows of some households, without ids (assigned when loading).
    households: COPY text after the id column; persons: (household index, text
    after id and household_id, relation, membership start); ppks: (household index,
    person index or None, text after id/person_id/household_id)."""

    households: list[str] = field(default_factory=list)
    persons: list[tuple[int, str, str, str]] = field(default_factory=list)
    ppks: list[tuple[int, int | None, str]] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)


def _esc(text: str) -> str:
    # COPY text format: our pools hold no tabs/newlines/backslashes, but be safe.
    if "\\" in text or "\t" in text or "\n" in text:
        return text.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")
    return text


# Households are registered in Pilar over the last 18 months (created_at).
REGISTERED_SPAN_DAYS = 540


class Generator:
    """Draws households and their people from one seeded random stream.

    `nik_serials` / `kk_serials` map a 12-digit prefix to the last serial used
    (read from the database first), so numbers never collide with existing rows.
    """

    def __init__(
        self,
        seed: int,
        villages: list[tuple[str, str]],
        ppks_types: dict[int, PpksTypeRule],
        *,
        on: datetime.date | None = None,
        nik_serials: dict[str, int] | None = None,
        kk_serials: dict[str, int] | None = None,
        tag: str = "",
        now_text: str = "",
    ):
        self.rng = random.Random(seed)
        self.serial_rng = random.Random(seed * 7919 + 1)
        self.on = on or today()
        self.today_ord = self.on.toordinal()
        self.villages = villages
        self.ppks = ppks_types
        self.nik_serials = nik_serials if nik_serials is not None else {}
        self.kk_serials = kk_serials if kk_serials is not None else {}
        self.tag = tag or f"sintetis-{seed}"
        self.now = now_text or datetime.datetime.now(datetime.UTC).isoformat()
        # When each household was registered in Pilar, spread over the last
        # REGISTERED_SPAN_DAYS so monthly figures grow (issue 13: trends are not flat).
        # A stream of its own, so every other draw stays what the seed gave before.
        self.registered_rng = random.Random(f"registered-{seed}")
        try:
            self.now_dt = datetime.datetime.fromisoformat(self.now)
        except ValueError:
            # The dedup truth sets pass a placeholder (they never write created_at).
            self.now_dt = datetime.datetime.now(datetime.UTC)
        pools = _faker_pools()
        self.first_m = pools["first_m"]
        self.first_f = pools["first_f"]
        self.last_m = pools["last_m"] + SURNAMES_M * 3
        self.last_f = pools["last_f"] + SURNAMES_F * 3
        # Name "cultures" of Tangerang: Betawi and Sundanese natives, Javanese migrants.
        self.culture_m = [JAVANESE_M, SUNDANESE_M, BETAWI_M, self.first_m]
        self.culture_f = [JAVANESE_F, SUNDANESE_F, BETAWI_F, self.first_f]
        self.culture_cum = [0.35, 0.6, 0.82, 1.0]
        self.head_ages, self.head_age_cum = _weighted(
            [((lo, hi), w) for w, lo, hi in HEAD_AGE_BANDS]
        )
        self.sizes, self.size_cum = _weighted([(s, w) for s, w in SIZE_WEIGHTS])
        self.migrant_codes, self.migrant_cum = _migrant_districts()
        self.regency_names = _regency_names()
        # Villages get uneven populations (fixed per seed), like real kelurahan.
        self.village_items, self.village_cum = _weighted(
            [(v, 0.5 + self.rng.random()) for v in villages]
        )
        # RW count per village.
        self.rw_count = {v[0]: self.rng.randint(5, 15) for v in villages}
        self.person_ppks = [
            (t, PPKS_PERSON_WEIGHTS[t.number])
            for t in ppks_types.values()
            if t.level == "individu" and t.number in PPKS_PERSON_WEIGHTS
        ]
        self.ppks_disability = [
            t for t in ppks_types.values() if t.level == "individu" and t.has_subtypes
        ]
        self.ppks_fm = next((t for t in ppks_types.values() if t.number == 24), None)
        self.ppks_kbsp = next((t for t in ppks_types.values() if t.number == 25), None)
        self.reporters = [
            f"{self.rng.choice(self.first_m + self.first_f)} {self.rng.choice(self.last_m)}"
            for _ in range(300)
        ]

    # -- small helpers -------------------------------------------------------

    def _pick(self, items: list, cum: list[float]):
        return items[bisect.bisect_left(cum, self.rng.random())]

    def name(self, sex: str, birth_year: int, culture: int) -> str:
        rng = self.rng
        r = rng.random()
        young = birth_year >= 1995
        if sex == "L":
            pool = MODERN_M if young and rng.random() < 0.45 else self.culture_m[culture]
            if r < 0.12:
                rest = rng.choice(pool if rng.random() < 0.5 else MODERN_M)
                tail = f" {rng.choice(self.last_m)}" if rng.random() < 0.5 else ""
                return f"{rng.choice(MUHAMMAD)} {rest}{tail}"
            if r < 0.34:
                return rng.choice(pool)
            if r < 0.85:
                return f"{rng.choice(pool)} {rng.choice(self.last_m)}"
            return f"{rng.choice(pool)} {rng.choice(self.first_m)} {rng.choice(self.last_m)}"
        pool = MODERN_F if young and rng.random() < 0.45 else self.culture_f[culture]
        if r < 0.13:
            return f"{rng.choice(SITI)} {rng.choice(pool if rng.random() < 0.6 else self.last_f)}"
        if r < 0.38:
            return rng.choice(pool)
        if r < 0.88:
            return f"{rng.choice(pool)} {rng.choice(self.last_f)}"
        return f"{rng.choice(pool)} {rng.choice(self.first_f)} {rng.choice(self.last_f)}"

    def _serial(self, counters: dict[str, int], prefix: str) -> str | None:
        # Real serials run into the hundreds (counted per district and date over
        # decades), so a prefix starts anywhere up to 1,500 and later ones leave gaps:
        # masked numbers then end differently (3671********0427), as real ones do. A
        # stream of its own, so the rest of the data stays what the seed always gave.
        last = counters.get(prefix)
        step = self.serial_rng.randint(1, 1500) if last is None else self.serial_rng.randint(1, 60)
        serial = (last or 0) + step
        if serial > 9999:
            return None
        counters[prefix] = serial
        return f"{prefix}{serial:04d}"

    def nik(self, region6: str, sex: str, birth: datetime.date, district_digits: list[str]) -> str:
        day = birth.day + (40 if sex == "P" else 0)
        tail = f"{day:02d}{birth.month:02d}{birth.year % 100:02d}"
        value = self._serial(self.nik_serials, region6 + tail)
        if value is None:  # 9,999 people of one sex born the same day in one district
            for digits in district_digits:
                value = self._serial(self.nik_serials, f"3671{digits}{tail}")
                if value:
                    break
        assert value is not None, "NIK serials exhausted"
        return value

    def address(self) -> str:
        rng = self.rng
        r = rng.random()
        number = rng.randint(1, 150)
        if r < 0.45:
            return f"Jl. {rng.choice(STREETS_TANGERANG)} No. {number}"
        if r < 0.8:
            gang = rng.choice(GANG_NAMES)
            if rng.random() < 0.4:
                gang += f" {rng.randint(1, 9)}"
            return f"Gg. {gang} No. {number}"
        block = f"{rng.choice('ABCDEFGHJK')}{rng.randint(1, 12)}"
        return f"{rng.choice(PERUM)} Blok {block} No. {rng.randint(1, 40)}"

    # -- one household -------------------------------------------------------

    def household(self, chunk: Chunk, district_digits: list[str]) -> None:
        rng = self.rng
        on_ord = self.today_ord
        hh_index = len(chunk.households)
        village_code, district_code = self._pick(self.village_items, self.village_cum)
        region6 = district_code.replace(".", "")
        culture = bisect.bisect_left(self.culture_cum, rng.random())
        poor = rng.random() < POOR_SHARE
        size = self._pick(self.sizes, self.size_cum)
        if poor and size < 7 and rng.random() < 0.3:
            size += 1

        # KK: 3671 + kecamatan + issue date + serial; ~1 % of households have none.
        has_kk = rng.random() > (0.04 if poor else 0.006)
        formed = datetime.date.fromordinal(on_ord - rng.randint(30, 20 * 365))
        if has_kk:
            prefix = f"{region6}{formed.day:02d}{formed.month:02d}{formed.year % 100:02d}"
            no_kk = self._serial(self.kk_serials, prefix)
            if no_kk is None:
                has_kk = False
        stats = chunk.stats

        # Who lives here: (relation, sex, age, marital)
        lo, hi = self._pick(self.head_ages, self.head_age_cum)
        head_age = rng.randint(lo, hi)
        female_head = rng.random() < (0.35 if size == 1 else 0.12)
        head_sex = "P" if female_head else "L"
        members: list[tuple[str, str, int, str]] = []
        spouse = size >= 2 and not female_head and rng.random() < 0.9
        if size == 1:
            marital = (
                "belum_kawin"
                if head_age < 35
                else rng.choice(("cerai_mati", "cerai_mati", "cerai_hidup", "belum_kawin"))
            )
        elif spouse:
            marital = "kawin"
        else:
            marital = rng.choice(("cerai_mati", "cerai_hidup")) if head_age > 30 else "kawin"
        members.append(("kepala", head_sex, head_age, marital))
        mother_age = head_age
        if spouse:
            wife_age = max(18, head_age - rng.choice((0, 1, 2, 3, 3, 4, 5, 6, 8, 10)))
            members.append(("istri", "P", wife_age, "kawin"))
            mother_age = wife_age
        slots = size - len(members)
        extras: list[tuple[str, str, int, str]] = []
        if slots > 0 and head_age < 50 and rng.random() < 0.12:
            extras.append(
                (
                    rng.choice(("orang_tua", "mertua")),
                    "P" if rng.random() < 0.7 else "L",
                    min(95, head_age + rng.randint(22, 35)),
                    "cerai_mati" if rng.random() < 0.6 else "kawin",
                )
            )
        if slots - len(extras) > 1 and rng.random() < 0.05:
            extras.append(
                (
                    "famili_lain",
                    rng.choice("LP"),
                    rng.randint(15, 40),
                    "belum_kawin",
                )
            )
        n_children = max(0, slots - len(extras))
        child_age = mother_age - rng.randint(20, 30)
        grandkids = head_age >= 55 and n_children >= 3
        for i in range(n_children):
            if grandkids and i == 2:
                members.append(("menantu", rng.choice("LP"), max(18, head_age - 28), "kawin"))
                continue
            if grandkids and i > 2:
                members.append(("cucu", rng.choice("LP"), rng.randint(0, 14), "belum_kawin"))
                continue
            age = child_age if child_age >= 0 else rng.randint(0, 3)
            sex = "L" if rng.random() < 0.51 else "P"
            marital = "kawin" if age >= 25 and rng.random() < 0.3 else "belum_kawin"
            members.append(("anak", sex, age, marital))
            child_age -= rng.randint(1, 5)
        members.extend(extras)

        # Household row
        if has_kk:
            kk_text, kk_reason = no_kk, ""
            stats["with_kk"] = stats.get("with_kk", 0) + 1
        else:
            kk_text, kk_reason = "\\N", "tidak_punya_dokumen" if poor else "belum_rekam"
            stats["without_kk"] = stats.get("without_kk", 0) + 1
        rw = rng.randint(1, self.rw_count[village_code])
        rt = rng.randint(1, 12)
        if poor:
            ownership = rng.choice(
                ("kontrak_sewa", "kontrak_sewa", "bebas_sewa", "milik_sendiri", "lainnya")
            )
        else:
            ownership = rng.choice(("milik_sendiri",) * 7 + ("kontrak_sewa",) * 2 + ("dinas",))
        if ownership == "milik_sendiri":
            land = "milik_sendiri" if rng.random() < 0.88 else "tanah_negara"
        elif ownership in ("kontrak_sewa", "bebas_sewa", "dinas"):
            land = "milik_orang_lain" if ownership != "dinas" else "tanah_negara"
        else:
            land = rng.choice(("lainnya", "tanah_negara"))
        if rng.random() < 0.08:  # not surveyed yet
            ownership = land = ""
        if rng.random() < 0.6:
            lat = f"{-6.22 + rng.random() * 0.12:.6f}"
            lon = f"{106.58 + rng.random() * 0.14:.6f}"
        else:
            lat = lon = "\\N"
        reg = self.registered_rng
        registered = (
            self.now_dt - datetime.timedelta(days=reg.random() * REGISTERED_SPAN_DAYS)
        ).isoformat()
        # The national decile as the registry would receive it: poor households mostly
        # in desil 1-3, others spread over 2-10; one in six not (yet) ranked.
        if reg.random() < 0.16:
            desil = "\\N"
        elif poor:
            desil = str(reg.choice((1, 1, 2, 2, 3, 4)))
        else:
            desil = str(min(10, 2 + int(reg.random() * 9)))
        chunk.households.append(
            f"{kk_text}\t{kk_reason}\t\t{_esc(self.address())}\t{rt:03d}\t{rw:03d}\t"
            f"{village_code}\t{lat}\t{lon}\t{ownership}\t{land}\t{desil}\tt\t{self.tag}\t"
            f"{registered}\t{self.now}"
        )
        stats["poor"] = stats.get("poor", 0) + (1 if poor else 0)
        formed_text = formed.isoformat()

        # Persons
        migrant_family = rng.random() < 0.25
        for relation, sex, age, marital in members:
            birth = datetime.date.fromordinal(on_ord - age * 365 - rng.randint(0, 364))
            by = birth.year
            name = self.name(sex, by, culture)
            # NIK: kids born here get a local NIK; adults of migrant families often not.
            if age >= 17 and migrant_family and rng.random() < 0.6:
                region = self._pick(self.migrant_codes, self.migrant_cum)
                birth_place = self.regency_names.get(region[:4], "Tangerang")
            else:
                region = region6 if rng.random() < 0.85 else rng.choice(district_digits)
                region = region if len(region) == 6 else f"3671{region}"
                birth_place = rng.choice(BIRTH_PLACES_LOCAL) if age >= 17 else "Tangerang"
            missing_p = 0.5 if not has_kk else (0.03 if age < 1 else 0.004)
            if rng.random() < missing_p:
                nik_text = "\\N"
                reason = (
                    "belum_rekam"
                    if age < 1
                    else ("tidak_punya_dokumen" if not has_kk else "tidak_diketahui")
                )
                stats["without_nik"] = stats.get("without_nik", 0) + 1
            else:
                nik_text = self.nik(region, sex, birth, district_digits)
                reason = ""
            # Education / occupation by age
            if age < 5:
                edu, occ = "tidak_sekolah", "Belum/Tidak Bekerja"
            elif age < 12:
                edu, occ = "belum_tamat_sd", "Pelajar/Mahasiswa"
            elif age < 15:
                edu, occ = "sd", "Pelajar/Mahasiswa"
            elif age < 18:
                edu, occ = "smp", "Pelajar/Mahasiswa"
            else:
                r = rng.random()
                if poor:
                    edu = "sd" if r < 0.45 else ("smp" if r < 0.75 else "sma")
                else:
                    edu = (
                        "sd"
                        if r < 0.15
                        else "smp"
                        if r < 0.32
                        else "sma"
                        if r < 0.72
                        else "d3"
                        if r < 0.8
                        else "s1"
                        if r < 0.97
                        else "s2"
                    )
                if age >= 60:
                    occ = rng.choice(("Pensiunan", "Belum/Tidak Bekerja", "Wiraswasta"))
                elif age < 23 and rng.random() < 0.5:
                    occ = "Pelajar/Mahasiswa"
                else:
                    occ = rng.choice(OCCUPATIONS_ADULT_M if sex == "L" else OCCUPATIONS_ADULT_F)
            disabilities = ""
            if rng.random() < (0.012 if age < 60 else 0.06):
                kinds = {rng.choice(DISABILITY_KINDS)}
                if rng.random() < 0.15:
                    kinds.add(rng.choice(DISABILITY_KINDS))
                disabilities = ",".join(sorted(kinds))
            chronic = rng.choice(CHRONIC) if age >= 40 and rng.random() < 0.08 else ""
            # Deaths among the old, moves among young adults (never the head).
            life, life_date = "hidup", "\\N"
            if relation != "kepala":
                r = rng.random()
                if r < (0.04 if age >= 65 else 0.002):
                    life = "meninggal"
                elif r < (0.04 if age >= 65 else 0.002) + (0.015 if 18 <= age < 40 else 0.002):
                    life = "pindah"
                if life != "hidup":
                    life_date = datetime.date.fromordinal(on_ord - rng.randint(1, 700)).isoformat()
                    stats["died" if life == "meninggal" else "moved"] = (
                        stats.get("died" if life == "meninggal" else "moved", 0) + 1
                    )
            birth_text = birth.isoformat()
            p_index = len(chunk.persons)
            body = (
                f"{nik_text}\t{reason}\t\t\t{_esc(name)}\t{sex}\t{birth_place}\t{birth_text}\t"
                f"{relation}\t{marital}\t{edu}\t{occ}\t{{{disabilities}}}\t{chronic}\t{life}\t"
                f"{life_date}\tt\t{self.tag}\t{registered}\t{self.now}"
            )
            start = birth_text if birth > formed else formed_text
            chunk.persons.append((hh_index, body, relation, start))
            if life == "hidup":
                self._person_ppks(chunk, hh_index, p_index, sex, birth, disabilities, poor)

        # Household-level PPKS
        if poor and self.ppks_fm is not None:
            self._ppks_row(chunk, hh_index, None, self.ppks_fm, formed.toordinal(), "")
        if self.ppks_kbsp is not None and rng.random() < KBSP_SHARE:
            self._ppks_row(chunk, hh_index, None, self.ppks_kbsp, formed.toordinal(), "")

    def _ppks_row(self, chunk, hh_index, p_index, ppks_type, not_before_ord, subtypes) -> None:
        rng = self.rng
        found_ord = max(not_before_ord, self.today_ord - rng.randint(0, 3 * 365))
        found_ord = min(found_ord, self.today_ord)
        self._emit_ppks(chunk, hh_index, p_index, ppks_type, found_ord, subtypes)

    def _emit_ppks(self, chunk, hh_index, p_index, ppks_type, found_ord, subtypes) -> None:
        rng = self.rng
        found = datetime.date.fromordinal(found_ord)
        if rng.random() < 0.1 and found_ord < self.today_ord - 30:
            ended = datetime.date.fromordinal(rng.randint(found_ord + 1, self.today_ord))
            status, ended_text = "selesai", ended.isoformat()
            reason = rng.choice(("Sudah tertangani", "Mendapat bantuan sosial", "Kondisi membaik"))
        else:
            status, ended_text, reason = "aktif", "\\N", ""
        chunk.ppks.append(
            (
                hh_index,
                p_index,
                f"{ppks_type.id}\t{status}\t{{{subtypes}}}\t{found.isoformat()}\t\\N\t"
                f"{rng.choice(self.reporters)}\t\t{ended_text}\t{reason}\t{self.now}\t{self.now}",
            )
        )
        chunk.stats["ppks"] = chunk.stats.get("ppks", 0) + 1

    def _person_ppks(self, chunk, hh_index, p_index, sex, birth, disabilities, poor) -> None:
        rng = self.rng
        if disabilities and self.ppks_disability and rng.random() < 0.5:
            found_ord = max(birth.toordinal(), self.today_ord - rng.randint(0, 3 * 365))
            age = age_on(birth, datetime.date.fromordinal(found_ord))
            for t in self.ppks_disability:
                if self._fits(t, age, sex):
                    self._emit_ppks(chunk, hh_index, p_index, t, found_ord, disabilities)
                    return
            return
        # Cheap gate first: most people are no PPKS at all.
        if rng.random() >= (0.05 if poor else 0.012):
            return
        found_ord = max(birth.toordinal(), self.today_ord - rng.randint(0, 3 * 365))
        age = age_on(birth, datetime.date.fromordinal(found_ord))
        boost = 3.0 if poor else 1.0
        candidates = []
        for t, (weight, lo, hi) in self.person_ppks:
            if lo is not None and age < lo or hi is not None and age > hi:
                continue
            if not self._fits(t, age, sex):
                continue
            candidates.append((t, weight * boost))
        if not candidates:
            return
        # Probability of this person being any of them, relative to the gate.
        total = sum(w for _, w in candidates)
        if rng.random() * (0.05 if poor else 0.012) >= total:
            return
        r = rng.random() * total
        chosen = candidates[-1][0]
        for candidate, w in candidates:
            r -= w
            if r <= 0:
                chosen = candidate
                break
        self._emit_ppks(chunk, hh_index, p_index, chosen, found_ord, "")

    @staticmethod
    def _fits(t: PpksTypeRule, age: int, sex: str) -> bool:
        if t.min_age is not None and age < t.min_age:
            return False
        if t.max_age is not None and age > t.max_age:
            return False
        return not (t.sex and t.sex != sex)

    def chunk(self, n: int) -> Chunk:
        chunk = Chunk()
        district_digits = sorted({v[1].replace(".", "")[4:] for v in self.villages})
        for _ in range(n):
            self.household(chunk, district_digits)
        return chunk


# ---------------------------------------------------------------------------
# Loading into PostgreSQL
# ---------------------------------------------------------------------------
