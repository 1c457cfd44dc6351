"""The criteria of the two household assessments, in one ordered definition each.

Poverty: BPS's 14 criteria (domain.md "Poor household"); a household is poor when
at least PILAR_POOR_THRESHOLD of them hold. Criteria 1-7 and 13 can be read from a
housing survey (block III) and the head's education; the assessor confirms them.

RTLH: Permensos 20/2017 (domain.md "RTLH"); a house is RTLH when any criterion
fails. All five are read from a housing survey.

The lists of materials that count are decisions of this project, written here so
they are in one place (docs/development/assessments.md explains them).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pilar.registry import choices as rc

# Criterion 1 of BPS: floor area under 8 m² per person.
POOR_M2_PER_PERSON = Decimal("8")


@dataclass(frozen=True)
class Criterion:
    number: int
    code: str  # the model field (poverty) or the stored code (RTLH)
    label: str  # Indonesian, as shown on forms, pages and exports
    short: str  # a few words for tables


POVERTY_CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        1,
        "floor_area_small",
        "Luas lantai bangunan tempat tinggal kurang dari 8 m² per orang",
        "Luas lantai < 8 m²/orang",
    ),
    Criterion(
        2,
        "floor_cheap",
        "Jenis lantai tempat tinggal dari tanah/bambu/kayu murahan",
        "Lantai tanah/bambu/kayu murah",
    ),
    Criterion(
        3,
        "wall_cheap",
        "Jenis dinding tempat tinggal dari bambu/rumbia/kayu berkualitas rendah/tembok "
        "tanpa plester",
        "Dinding bambu/rumbia/kayu/tanpa plester",
    ),
    Criterion(
        4,
        "no_toilet",
        "Tidak memiliki fasilitas buang air besar atau bersama-sama dengan rumah tangga lain",
        "Tidak punya jamban/bersama",
    ),
    Criterion(
        5,
        "no_electricity",
        "Sumber penerangan rumah tangga tidak menggunakan listrik",
        "Penerangan bukan listrik",
    ),
    Criterion(
        6,
        "unsafe_water",
        "Sumber air minum berasal dari sumur/mata air tidak terlindung/sungai/air hujan",
        "Air minum tidak terlindung",
    ),
    Criterion(
        7,
        "cooking_wood",
        "Bahan bakar untuk memasak sehari-hari adalah kayu bakar/arang/minyak tanah",
        "Memasak dengan kayu/arang/minyak tanah",
    ),
    Criterion(
        8,
        "rarely_protein",
        "Hanya mengonsumsi daging/susu/ayam dalam satu kali seminggu",
        "Daging/susu/ayam ≤ 1x seminggu",
    ),
    Criterion(
        9,
        "few_clothes",
        "Hanya membeli satu stel pakaian baru dalam setahun",
        "Pakaian baru ≤ 1 stel/tahun",
    ),
    Criterion(
        10,
        "few_meals",
        "Hanya sanggup makan sebanyak satu/dua kali dalam sehari",
        "Makan 1–2 kali sehari",
    ),
    Criterion(
        11,
        "no_treatment",
        "Tidak sanggup membayar biaya pengobatan di puskesmas/poliklinik",
        "Tidak mampu berobat ke puskesmas",
    ),
    Criterion(
        12,
        "low_income_work",
        "Sumber penghasilan kepala rumah tangga: petani berlahan < 500 m², buruh tani, "
        "nelayan, buruh bangunan, buruh perkebunan, atau pekerjaan lain berpendapatan "
        "di bawah Rp600.000 per bulan",
        "Pekerjaan/penghasilan kepala rendah",
    ),
    Criterion(
        13,
        "low_education",
        "Pendidikan tertinggi kepala rumah tangga: tidak sekolah/tidak tamat SD/hanya SD",
        "Pendidikan kepala ≤ SD",
    ),
    Criterion(
        14,
        "no_savings",
        "Tidak memiliki tabungan/barang yang mudah dijual dengan minimal Rp500.000",
        "Tidak punya tabungan ≥ Rp500.000",
    ),
)

POVERTY_CODES: tuple[str, ...] = tuple(c.code for c in POVERTY_CRITERIA)
POVERTY_BY_CODE = {c.code: c for c in POVERTY_CRITERIA}

# Values of the housing survey and the person that make a criterion hold.
CHEAP_FLOORS = {rc.FloorMaterial.EARTH, rc.FloorMaterial.BAMBOO, rc.FloorMaterial.CHEAP_WOOD}
CHEAP_WALLS = {
    rc.WallMaterial.BAMBOO,
    rc.WallMaterial.THATCH,
    rc.WallMaterial.WOOD,
    rc.WallMaterial.UNPLASTERED,
}
POOR_TOILETS = {rc.Toilet.NONE, rc.Toilet.SHARED, rc.Toilet.PUBLIC}
UNSAFE_WATER = {
    rc.WaterSource.UNPROTECTED_WELL,
    rc.WaterSource.UNPROTECTED_SPRING,
    rc.WaterSource.RIVER,
    rc.WaterSource.RAIN,
}
POOR_FUELS = {rc.CookingFuel.FIREWOOD, rc.CookingFuel.CHARCOAL, rc.CookingFuel.KEROSENE}
LOW_EDUCATION = {rc.Education.NONE, rc.Education.SD_NOT_FINISHED, rc.Education.SD}


def poverty_from_survey(survey) -> dict[str, bool]:
    """Criteria 1-7 as read from one housing survey."""
    return {
        "floor_area_small": Decimal(survey.floor_area_m2) / max(survey.occupants, 1)
        < POOR_M2_PER_PERSON,
        "floor_cheap": survey.floor_material in CHEAP_FLOORS,
        "wall_cheap": survey.wall_material in CHEAP_WALLS,
        "no_toilet": survey.toilet in POOR_TOILETS,
        "no_electricity": survey.lighting_source == rc.LightingSource.NONE,
        "unsafe_water": survey.water_source in UNSAFE_WATER,
        "cooking_wood": survey.cooking_fuel in POOR_FUELS,
    }


def count_met(values: dict[str, bool]) -> int:
    return sum(1 for code in POVERTY_CODES if values.get(code))


# RTLH -------------------------------------------------------------------------

RTLH_CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        1,
        "wall_roof_damaged",
        "Dinding atau atap rusak berat sehingga membahayakan penghuni",
        "Dinding/atap rusak berat",
    ),
    Criterion(
        2,
        "wall_roof_material",
        "Dinding atau atap dari bahan yang mudah lapuk atau rusak",
        "Dinding/atap bahan mudah lapuk",
    ),
    Criterion(
        3,
        "floor",
        "Lantai dari tanah, papan atau bambu, atau rusak berat",
        "Lantai tanah/papan/bambu/rusak berat",
    ),
    Criterion(
        4,
        "no_toilet",
        "Tidak memiliki fasilitas mandi, cuci dan kakus (MCK)",
        "Tidak punya MCK",
    ),
    Criterion(
        5,
        "area_small",
        "Luas lantai kurang dari batas minimal per orang",
        "Luas lantai per orang kurang",
    ),
)

RTLH_CODES: tuple[str, ...] = tuple(c.code for c in RTLH_CRITERIA)
RTLH_BY_CODE = {c.code: c for c in RTLH_CRITERIA}

# Materials that rot or break easily (Permensos 20/2017: "mudah lapuk atau rusak").
WEAK_WALLS = {rc.WallMaterial.BAMBOO, rc.WallMaterial.THATCH, rc.WallMaterial.WOOD}
WEAK_ROOFS = {rc.RoofMaterial.BAMBOO, rc.RoofMaterial.THATCH, rc.RoofMaterial.SHINGLE}
RTLH_FLOORS = {rc.FloorMaterial.EARTH, rc.FloorMaterial.BAMBOO, rc.FloorMaterial.CHEAP_WOOD}


def area_per_person(survey) -> Decimal:
    """Floor area per occupant, rounded to 2 decimals (as stored)."""
    value = Decimal(survey.floor_area_m2) / max(survey.occupants, 1)
    return value.quantize(Decimal("0.01"))


def rtlh_failed(survey, m2_per_person: Decimal) -> list[str]:
    """Codes of the RTLH criteria the surveyed house fails, in definition order.
    The area test compares the unrounded area per person with the threshold."""
    heavy = rc.Condition.HEAVY
    failed = {
        "wall_roof_damaged": survey.wall_condition == heavy or survey.roof_condition == heavy,
        "wall_roof_material": survey.wall_material in WEAK_WALLS
        or survey.roof_material in WEAK_ROOFS,
        "floor": survey.floor_material in RTLH_FLOORS or survey.floor_condition == heavy,
        "no_toilet": survey.toilet == rc.Toilet.NONE,
        "area_small": Decimal(survey.floor_area_m2) / max(survey.occupants, 1)
        < Decimal(m2_per_person),
    }
    return [code for code in RTLH_CODES if failed[code]]
