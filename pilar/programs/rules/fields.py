"""The field registry: every field a rule may name, as data (key, Indonesian label,
type, group, builder, levels, choices, bounds, help), and the registry as the rule
builder and API clients read it."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

from pilar.ppks.models import PpksType
from pilar.programs.choices import Level
from pilar.programs.rules.builders import (
    age,
    area_kecamatan,
    area_per_person,
    assessment_column,
    disabilities,
    household_column,
    household_ppks,
    member_count,
    person_column,
    person_ppks,
    renovated_before,
    survey_column,
)
from pilar.programs.rules.vocabulary import (
    AGE,
    BOOLEAN,
    CHOICE,
    GROUP_LABELS,
    MULTI,
    NUMBER,
    OPERATORS,
    TEXT,
    TYPE_LABELS,
    RuleField,
)
from pilar.regions.models import District, Village
from pilar.registry import choices as rc

# Choice lists -------------------------------------------------------------------


def _districts() -> list[tuple[str, str]]:
    return [
        (d.code, d.name)
        for d in District.objects.filter(code__startswith=settings.PILAR_REGION + ".").order_by(
            "name"
        )
    ]


def _villages() -> list[tuple[str, str]]:
    return [
        (v.code, f"{v.name} (Kec. {v.district.name})")
        for v in Village.objects.filter(code__startswith=settings.PILAR_REGION + ".")
        .select_related("district")
        .order_by("name")
    ]


def _ppks_types(level: str | None = None) -> Callable[[], list[tuple[int, str]]]:
    def load() -> list[tuple[int, str]]:
        qs = PpksType.objects.filter(is_active=True).order_by("number")
        if level:
            qs = qs.filter(level=level)
        return [(t.number, f"{t.number}. {t.name}") for t in qs]

    return load


def _static(choices_cls) -> Callable[[], list[tuple[str, str]]]:
    return lambda: [(str(v), str(label)) for v, label in choices_cls.choices]


PERSON_ONLY = (Level.PERSON,)
NOT_ASSESSED_HELP = (
    "Hanya keluarga yang sudah diases; yang belum tidak terpilih oleh 'ya' maupun 'tidak'."
)

FIELD_LIST: tuple[RuleField, ...] = (
    # Household
    RuleField(
        "desil",
        "Desil nasional (1 = termiskin)",
        NUMBER,
        "household",
        household_column("desil"),
        minimum=1,
        maximum=10,
        integer=True,
        help="Desil dari DTKS/DTSEN; keluarga tanpa desil tidak terpilih oleh ≤, <, ≥, >.",
    ),
    RuleField(
        "house_ownership",
        "Status kepemilikan rumah (data keluarga)",
        CHOICE,
        "household",
        household_column("house_ownership"),
        choices=_static(rc.HouseOwnership),
    ),
    RuleField(
        "land_status",
        "Status lahan (data keluarga)",
        CHOICE,
        "household",
        household_column("land_status"),
        choices=_static(rc.LandStatus),
    ),
    RuleField(
        "member_count",
        "Jumlah anggota keluarga (hidup, aktif)",
        NUMBER,
        "household",
        member_count,
        minimum=0,
        maximum=99,
        integer=True,
    ),
    RuleField("kecamatan", "Kecamatan", CHOICE, "area", area_kecamatan, choices=_districts),
    RuleField(
        "kelurahan",
        "Kelurahan",
        CHOICE,
        "area",
        household_column("village_id"),
        choices=_villages,
    ),
    RuleField(
        "household_ppks",
        "Keluarga/anggotanya memiliki PPKS aktif jenis",
        MULTI,
        "ppks",
        household_ppks,
        choices=_ppks_types(),
        help="Data PPKS aktif yang tercatat pada keluarga (termasuk PPKS anggotanya).",
    ),
    # Latest housing survey
    RuleField(
        "survey_area_per_person",
        "Luas lantai per orang (m²)",
        NUMBER,
        "survey",
        area_per_person,
        minimum=0,
        maximum=10000,
    ),
    RuleField(
        "survey_house_ownership",
        "Status kepemilikan rumah (survei)",
        CHOICE,
        "survey",
        survey_column("house_ownership"),
        choices=_static(rc.HouseOwnership),
    ),
    RuleField(
        "survey_land_status",
        "Status lahan (survei)",
        CHOICE,
        "survey",
        survey_column("land_status"),
        choices=_static(rc.LandStatus),
    ),
    RuleField(
        "floor_material",
        "Jenis lantai",
        CHOICE,
        "survey",
        survey_column("floor_material"),
        choices=_static(rc.FloorMaterial),
    ),
    RuleField(
        "floor_condition",
        "Kondisi lantai",
        CHOICE,
        "survey",
        survey_column("floor_condition"),
        choices=_static(rc.Condition),
    ),
    RuleField(
        "wall_material",
        "Jenis dinding",
        CHOICE,
        "survey",
        survey_column("wall_material"),
        choices=_static(rc.WallMaterial),
    ),
    RuleField(
        "wall_condition",
        "Kondisi dinding",
        CHOICE,
        "survey",
        survey_column("wall_condition"),
        choices=_static(rc.Condition),
    ),
    RuleField(
        "roof_material",
        "Jenis atap",
        CHOICE,
        "survey",
        survey_column("roof_material"),
        choices=_static(rc.RoofMaterial),
    ),
    RuleField(
        "roof_condition",
        "Kondisi atap",
        CHOICE,
        "survey",
        survey_column("roof_condition"),
        choices=_static(rc.Condition),
    ),
    RuleField(
        "water_source",
        "Sumber air minum",
        CHOICE,
        "survey",
        survey_column("water_source"),
        choices=_static(rc.WaterSource),
    ),
    RuleField(
        "lighting_source",
        "Sumber penerangan",
        CHOICE,
        "survey",
        survey_column("lighting_source"),
        choices=_static(rc.LightingSource),
    ),
    RuleField(
        "toilet",
        "Fasilitas BAB",
        CHOICE,
        "survey",
        survey_column("toilet"),
        choices=_static(rc.Toilet),
    ),
    RuleField(
        "cooking_fuel",
        "Bahan bakar memasak",
        CHOICE,
        "survey",
        survey_column("cooking_fuel"),
        choices=_static(rc.CookingFuel),
    ),
    # Latest assessments
    RuleField(
        "poor",
        "Miskin (asesmen kemiskinan terakhir)",
        BOOLEAN,
        "assessment",
        assessment_column("PovertyAssessment", "is_poor"),
        help=NOT_ASSESSED_HELP,
    ),
    RuleField(
        "poverty_criteria_met",
        "Jumlah kriteria kemiskinan BPS terpenuhi (asesmen terakhir)",
        NUMBER,
        "assessment",
        assessment_column("PovertyAssessment", "criteria_met"),
        minimum=0,
        maximum=14,
        integer=True,
    ),
    RuleField(
        "rtlh",
        "RTLH (asesmen RTLH terakhir)",
        BOOLEAN,
        "assessment",
        assessment_column("RtlhAssessment", "is_rtlh"),
        help=NOT_ASSESSED_HELP,
    ),
    RuleField(
        "renovated_before",
        "Pernah menerima bantuan bedah rumah (disalurkan/selesai)",
        BOOLEAN,
        "household",
        renovated_before,
        help="Dari kepesertaan program berjenis bedah rumah yang sudah disalurkan atau selesai.",
    ),
    # Person
    RuleField(
        "age",
        "Usia (tahun, pada tanggal acuan)",
        AGE,
        "person",
        age,
        levels=PERSON_ONLY,
        minimum=0,
        maximum=150,
        integer=True,
        help="Dihitung dari tanggal lahir; tanpa tanggal lahir tidak terpilih.",
    ),
    RuleField(
        "sex",
        "Jenis kelamin",
        CHOICE,
        "person",
        person_column("sex"),
        levels=PERSON_ONLY,
        choices=_static(rc.Sex),
    ),
    RuleField(
        "relation",
        "Hubungan dengan kepala keluarga",
        CHOICE,
        "person",
        person_column("relation"),
        levels=PERSON_ONLY,
        choices=_static(rc.Relation),
    ),
    RuleField(
        "marital_status",
        "Status perkawinan",
        CHOICE,
        "person",
        person_column("marital_status"),
        levels=PERSON_ONLY,
        choices=_static(rc.MaritalStatus),
    ),
    RuleField(
        "education",
        "Pendidikan tertinggi yang ditamatkan",
        CHOICE,
        "person",
        person_column("education"),
        levels=PERSON_ONLY,
        choices=_static(rc.Education),
    ),
    RuleField(
        "occupation",
        "Pekerjaan",
        TEXT,
        "person",
        person_column("occupation"),
        levels=PERSON_ONLY,
    ),
    RuleField(
        "disabilities",
        "Disabilitas",
        MULTI,
        "person",
        disabilities,
        levels=PERSON_ONLY,
        choices=_static(rc.Disability),
    ),
    RuleField(
        "life_status",
        "Status kehidupan",
        CHOICE,
        "person",
        person_column("life_status"),
        levels=PERSON_ONLY,
        choices=_static(rc.LifeStatus),
    ),
    RuleField(
        "person_ppks",
        "Memiliki PPKS aktif (individu) jenis",
        MULTI,
        "ppks",
        person_ppks,
        levels=PERSON_ONLY,
        choices=_ppks_types(),
    ),
)

FIELDS: dict[str, RuleField] = {f.key: f for f in FIELD_LIST}


def fields_for(level: str) -> list[RuleField]:
    return [f for f in FIELD_LIST if level in f.levels]


def registry(level: str | None = None) -> list[dict]:
    """The field registry as data (for the builder and API clients)."""
    out = []
    for f in FIELD_LIST:
        if level and level not in f.levels:
            continue
        out.append(
            {
                "key": f.key,
                "label": f.label,
                "type": f.type,
                "type_label": TYPE_LABELS[f.type],
                "group": f.group,
                "group_label": GROUP_LABELS[f.group],
                "levels": [str(lv) for lv in f.levels],
                "operators": [{"key": op, "label": OPERATORS[op]} for op in f.allowed_operators()],
                "choices": [{"value": v, "label": label} for v, label in f.choice_list()],
                "minimum": f.minimum,
                "maximum": f.maximum,
                "integer": f.integer,
                "help": f.help,
            }
        )
    return out
