"""Eligibility rules an operator can write, compiled to a Django Q. Never evaluated.

A rule is a JSON tree::

    {"op": "and" | "or", "rules": [
        {"field": "desil", "operator": "lte", "value": 4},
        {"op": "or", "rules": [...]},            # a nested group
    ]}

Every `field` must be in the registry below (FIELDS), every `operator` must be
allowed for the field's type, and every `value` must have the field's type (a
number for a number, one of the listed codes for a choice...). `compile_rule`
checks all of that and builds the Q from fixed lookups chosen here: user text
only ever becomes a *parameter* of a lookup, never a column name, an operator or
SQL. Errors name the condition's position ("Syarat 2.1": the first condition of
the second item of the top group).

Household programs are compiled over registry.Household, person programs over
registry.Person. Household fields (desil, area, latest housing survey, latest
assessments, PPKS in the household) work for both: for a person program they
apply to the person's household. Person fields only for person programs.

Semantics of missing data: a condition on the latest housing survey or the latest
assessment is only true for households that have one ("lighting is not PLN" does
not select households never surveyed); a condition on a person's age is only true
when the birth date is known.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import (
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    LessThan,
    LessThanOrEqual,
)

from pilar.core.errors import InvalidInput
from pilar.programs.choices import Level
from pilar.registry import choices as rc

MAX_DEPTH = 4
MAX_CONDITIONS = 60

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


# Comparison helpers -------------------------------------------------------------


def _cmp(path: str, op: str, value: Any) -> Q:
    """A comparison on a column (the path is ours, the value the user's)."""
    if op == "eq":
        return Q(**{path: value})
    if op == "ne":
        return ~Q(**{path: value})
    if op in ("lt", "lte", "gt", "gte"):
        return Q(**{f"{path}__{op}": value})
    if op == "between":
        return Q(**{f"{path}__gte": value[0], f"{path}__lte": value[1]})
    if op == "in":
        return Q(**{f"{path}__in": value})
    if op == "not_in":
        return ~Q(**{f"{path}__in": value})
    if op == "contains":
        return Q(**{f"{path}__icontains": value})
    raise AssertionError(op)  # validated before


_LOOKUPS = {
    "eq": Exact,
    "lt": LessThan,
    "lte": LessThanOrEqual,
    "gt": GreaterThan,
    "gte": GreaterThanOrEqual,
}


def _cmp_expr(expr, op: str, value: Any) -> Q:
    """A comparison on an expression (a count subquery)."""
    if op == "between":
        return Q(GreaterThanOrEqual(expr, value[0])) & Q(LessThanOrEqual(expr, value[1]))
    if op == "ne":
        return ~Q(Exact(expr, value))
    return Q(_LOOKUPS[op](expr, value))


def household_column(column: str) -> Builder:
    return lambda op, value, ctx: _cmp(ctx.hh_path(column), op, value)


def person_column(column: str) -> Builder:
    return lambda op, value, ctx: _cmp(column, op, value)


# Household fields ---------------------------------------------------------------


def _area_kecamatan(op: str, value: Any, ctx: Context) -> Q:
    # Kemendagri codes are hierarchical: a kecamatan is a prefix of its kelurahan codes.
    codes = value if isinstance(value, list) else [value]
    q = Q()
    for code in codes:
        q |= Q(**{ctx.hh_path("village__code__startswith"): code + "."})
    return ~q if op in ("ne", "not_in") else q


def _member_count(op: str, value: Any, ctx: Context) -> Q:
    from pilar.registry.models import Person

    members = (
        Person.objects.filter(
            household_id=OuterRef(ctx.hh_pk),
            is_active=True,
            life_status=rc.LifeStatus.ALIVE,
        )
        .order_by()
        .values("household_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return _cmp_expr(Coalesce(Subquery(members), Value(0)), op, value)


def _ppks_exists(values: list[int], ctx: Context, **where) -> Exists:
    from pilar.ppks.choices import RecordStatus
    from pilar.ppks.models import PpksRecord

    records = PpksRecord.objects.filter(
        status=RecordStatus.ACTIVE, ppks_type__number__in=values, **where
    )
    if not ctx.health_data:
        records = records.exclude(ppks_type__is_restricted=True)
    return Exists(records)


def _household_ppks(op: str, value: Any, ctx: Context) -> Q:
    q = Q(_ppks_exists(value, ctx, household_id=OuterRef(ctx.hh_pk)))
    return ~q if op == "not_in" else q


def _person_ppks(op: str, value: Any, ctx: Context) -> Q:
    q = Q(_ppks_exists(value, ctx, person_id=OuterRef("pk")))
    return ~q if op == "not_in" else q


def _latest(model, ctx: Context):
    """Rows of `model` (dated per household) that are their household's latest,
    correlated with the queried household."""
    from pilar.registry.models import HousingSurvey

    if model is HousingSurvey:
        newer = HousingSurvey.objects.filter(household_id=OuterRef("household_id")).filter(
            Q(surveyed_on__gt=OuterRef("surveyed_on"))
            | Q(surveyed_on=OuterRef("surveyed_on"), pk__gt=OuterRef("pk"))
        )
        return HousingSurvey.objects.filter(household_id=OuterRef(ctx.hh_pk)).filter(~Exists(newer))
    return model.objects.latest_per_household().filter(household_id=OuterRef(ctx.hh_pk))


def survey_column(column: str) -> Builder:
    def build(op: str, value: Any, ctx: Context) -> Q:
        from pilar.registry.models import HousingSurvey

        return Q(Exists(_latest(HousingSurvey, ctx).filter(_cmp(column, op, value))))

    return build


def _area_per_person(op: str, value: Any, ctx: Context) -> Q:
    from pilar.registry.models import HousingSurvey

    latest = _latest(HousingSurvey, ctx).annotate(
        per_person=F("floor_area_m2") * Value(Decimal("1.0")) / F("occupants")
    )
    return Q(Exists(latest.filter(_cmp("per_person", op, value))))


def assessment_column(model_name: str, column: str) -> Builder:
    def build(op: str, value: Any, ctx: Context) -> Q:
        from pilar.assessments import models as am

        model = getattr(am, model_name)
        if op == "is":
            return Q(Exists(_latest(model, ctx).filter(**{column: value})))
        return Q(Exists(_latest(model, ctx).filter(_cmp(column, op, value))))

    return build


def _renovated_before(op: str, value: Any, ctx: Context) -> Q:
    """A house renovation program's benefit was delivered to the household before
    (any program, any period): Bedah Rumah's "no similar aid before"."""
    from pilar.programs.choices import BenefitType, EnrollmentStatus
    from pilar.programs.models import Enrollment

    q = Q(
        Exists(
            Enrollment.objects.filter(
                household_id=OuterRef(ctx.hh_pk),
                status__in=[EnrollmentStatus.DELIVERED, EnrollmentStatus.COMPLETED],
                program__benefit_type=BenefitType.HOUSE_RENOVATION,
            )
        )
    )
    return q if value else ~q


# Person fields ------------------------------------------------------------------


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _age(op: str, value: Any, ctx: Context) -> Q:
    """Age in whole years on the reference date, as a range on birth_date (so the
    condition can use an index and needs no per-row computation)."""
    ref = ctx.reference_date

    def at_least(n: int) -> Q:  # age >= n  <=>  born on or before ref - n years
        return Q(birth_date__lte=_years_before(ref, n))

    def at_most(n: int) -> Q:  # age <= n  <=>  born after ref - (n + 1) years
        return Q(birth_date__gt=_years_before(ref, n + 1))

    if op == "eq":
        return at_least(value) & at_most(value)
    if op == "gte":
        return at_least(value)
    if op == "gt":
        return at_least(value + 1)
    if op == "lte":
        return at_most(value)
    if op == "lt":
        return at_most(value - 1) if value > 0 else Q(pk__in=[])
    if op == "between":
        return at_least(value[0]) & at_most(value[1])
    raise AssertionError(op)


def _disabilities(op: str, value: Any, ctx: Context) -> Q:
    q = Q(disabilities__overlap=value)
    return ~q if op == "not_in" else q


# Choice lists -------------------------------------------------------------------


def _districts() -> list[tuple[str, str]]:
    from django.conf import settings

    from pilar.regions.models import District

    return [
        (d.code, d.name)
        for d in District.objects.filter(code__startswith=settings.PILAR_REGION + ".").order_by(
            "name"
        )
    ]


def _villages() -> list[tuple[str, str]]:
    from django.conf import settings

    from pilar.regions.models import Village

    return [
        (v.code, f"{v.name} (Kec. {v.district.name})")
        for v in Village.objects.filter(code__startswith=settings.PILAR_REGION + ".")
        .select_related("district")
        .order_by("name")
    ]


def _ppks_types(level: str | None = None) -> Callable[[], list[tuple[int, str]]]:
    def load() -> list[tuple[int, str]]:
        from pilar.ppks.models import PpksType

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
        _member_count,
        minimum=0,
        maximum=99,
        integer=True,
    ),
    RuleField("kecamatan", "Kecamatan", CHOICE, "area", _area_kecamatan, choices=_districts),
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
        _household_ppks,
        choices=_ppks_types(),
        help="Data PPKS aktif yang tercatat pada keluarga (termasuk PPKS anggotanya).",
    ),
    # Latest housing survey
    RuleField(
        "survey_area_per_person",
        "Luas lantai per orang (m²)",
        NUMBER,
        "survey",
        _area_per_person,
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
        _renovated_before,
        help="Dari kepesertaan program berjenis bedah rumah yang sudah disalurkan atau selesai.",
    ),
    # Person
    RuleField(
        "age",
        "Usia (tahun, pada tanggal acuan)",
        AGE,
        "person",
        _age,
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
        _disabilities,
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
        _person_ppks,
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


# Validation and compilation ------------------------------------------------------


class _Errors:
    def __init__(self) -> None:
        self.messages: list[str] = []
        self.positions: list[str] = []

    def add(self, position: str, message: str) -> None:
        where = f"Syarat {position}" if position else "Aturan"
        self.messages.append(f"{where}: {message}")
        self.positions.append(position)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _check_number(f: RuleField, value: Any, errors: _Errors, pos: str) -> bool:
    if not _is_number(value):
        errors.add(pos, f"nilai untuk '{f.label}' harus berupa angka, bukan {value!r}.")
        return False
    if f.integer and int(value) != value:
        errors.add(pos, f"nilai untuk '{f.label}' harus bilangan bulat.")
        return False
    if f.minimum is not None and value < f.minimum:
        errors.add(pos, f"nilai untuk '{f.label}' paling kecil {f.minimum:g}.")
        return False
    if f.maximum is not None and value > f.maximum:
        errors.add(pos, f"nilai untuk '{f.label}' paling besar {f.maximum:g}.")
        return False
    return True


def _normalize_value(f: RuleField, op: str, value: Any, errors: _Errors, pos: str) -> Any:
    """The value checked against the field's type, or None after adding an error."""
    if f.type in (NUMBER, AGE):
        if op == "between":
            if not (isinstance(value, list) and len(value) == 2):
                errors.add(pos, f"'antara' memerlukan dua angka [dari, sampai] untuk '{f.label}'.")
                return None
            if not all(_check_number(f, v, errors, pos) for v in value):
                return None
            if value[0] > value[1]:
                errors.add(pos, f"batas bawah lebih besar dari batas atas untuk '{f.label}'.")
                return None
            return [int(v) if f.integer else v for v in value]
        if not _check_number(f, value, errors, pos):
            return None
        return int(value) if f.integer else value
    if f.type == TEXT:
        if not isinstance(value, str) or not value.strip():
            errors.add(pos, f"nilai untuk '{f.label}' harus berupa teks yang tidak kosong.")
            return None
        if len(value) > 200:
            errors.add(pos, f"teks untuk '{f.label}' paling banyak 200 karakter.")
            return None
        return value.strip()
    if f.type == BOOLEAN:
        if not isinstance(value, bool):
            errors.add(pos, f"nilai untuk '{f.label}' harus ya (true) atau tidak (false).")
            return None
        return value
    # CHOICE / MULTI
    allowed = {v: v for v, _ in f.choice_list()}
    allowed_text = {str(v): v for v in allowed}

    def one(v: Any) -> Any:
        if isinstance(v, bool) or not isinstance(v, (str, int)):
            return None
        return allowed_text.get(str(v))

    if op in ("in", "not_in"):
        if not isinstance(value, list) or not value:
            errors.add(pos, f"pilih paling sedikit satu nilai untuk '{f.label}'.")
            return None
        out = []
        for v in value:
            got = one(v)
            if got is None:
                errors.add(pos, f"nilai {v!r} tidak dikenal untuk '{f.label}'.")
                return None
            out.append(got)
        return out
    got = one(value)
    if got is None:
        errors.add(pos, f"nilai {value!r} tidak dikenal untuk '{f.label}'.")
        return None
    return got


def _walk(node: Any, level: str, errors: _Errors, pos: str, depth: int, count: list[int]):
    """Validate `node`; return its normalized form (or None when invalid)."""
    if not isinstance(node, dict):
        errors.add(pos, "harus berupa syarat atau grup (objek JSON).")
        return None
    if "op" in node or "rules" in node:
        if "field" in node:
            errors.add(pos, "tidak boleh sekaligus berupa grup dan syarat.")
            return None
        op = node.get("op")
        if op not in ("and", "or"):
            errors.add(pos, f"penghubung grup harus 'and' (DAN) atau 'or' (ATAU), bukan {op!r}.")
            return None
        children = node.get("rules")
        if not isinstance(children, list):
            errors.add(pos, "isi grup ('rules') harus berupa daftar.")
            return None
        if depth > MAX_DEPTH:
            errors.add(pos, f"grup bersarang paling dalam {MAX_DEPTH} tingkat.")
            return None
        if not children and depth > 0:
            errors.add(pos, "grup kosong: tambahkan syarat atau hapus grupnya.")
            return None
        extra = set(node) - {"op", "rules"}
        if extra:
            errors.add(pos, f"kunci tidak dikenal: {', '.join(sorted(extra))}.")
            return None
        out = []
        for i, child in enumerate(children, start=1):
            child_pos = f"{pos}.{i}" if pos else str(i)
            out.append(_walk(child, level, errors, child_pos, depth + 1, count))
        return {"op": op, "rules": out}
    count[0] += 1
    if count[0] > MAX_CONDITIONS:
        if count[0] == MAX_CONDITIONS + 1:
            errors.add(pos, f"aturan paling banyak {MAX_CONDITIONS} syarat.")
        return None
    extra = set(node) - {"field", "operator", "value"}
    if extra:
        errors.add(pos, f"kunci tidak dikenal: {', '.join(sorted(extra))}.")
        return None
    key = node.get("field")
    f = FIELDS.get(key) if isinstance(key, str) else None
    if f is None:
        errors.add(pos, f"kolom {key!r} tidak dikenal.")
        return None
    if level not in f.levels:
        errors.add(pos, f"kolom '{f.label}' hanya untuk program sasaran individu.")
        return None
    op = node.get("operator")
    if op not in f.allowed_operators():
        allowed = ", ".join(f.allowed_operators())
        errors.add(
            pos,
            f"operator {op!r} tidak boleh dipakai untuk '{f.label}' "
            f"({TYPE_LABELS[f.type]}); yang boleh: {allowed}.",
        )
        return None
    if "value" not in node:
        errors.add(pos, f"nilai untuk '{f.label}' belum diisi.")
        return None
    value = _normalize_value(f, op, node.get("value"), errors, pos)
    if value is None:
        return None
    return {"field": f.key, "operator": op, "value": value}


def validate_rule(rule: Any, level: str) -> dict:
    """The rule normalized, or InvalidInput naming every bad condition's position.
    An empty rule (None, {}) becomes an empty AND group."""
    if level not in Level.values:
        raise InvalidInput({"level": ["Sasaran program harus individu atau keluarga."]})
    if rule in (None, {}, ""):
        return {"op": "and", "rules": []}
    errors = _Errors()
    if isinstance(rule, dict) and "field" in rule and "op" not in rule and "rules" not in rule:
        # A single condition at the top: wrap it.
        rule = {"op": "and", "rules": [rule]}
    if not isinstance(rule, dict) or "rules" not in rule:
        errors.add("", 'harus berupa grup {"op": "and"|"or", "rules": [...]}.')
        normalized = None
    else:
        normalized = _walk(rule, level, errors, "", 0, [0])
    if errors.messages:
        raise InvalidInput(
            {"rule": errors.messages},
            message="Aturan kelayakan tidak valid. " + errors.messages[0],
            codes={"rule": "invalid_rule"},
        )
    assert normalized is not None
    return normalized


def _build(node: dict, ctx: Context) -> Q:
    if "rules" in node:
        q = Q()
        for child in node["rules"]:
            part = _build(child, ctx)
            q = (q & part) if node["op"] == "and" else (q | part)
        if node["op"] == "or" and not node["rules"]:
            return Q()
        return q
    f = FIELDS[node["field"]]
    return f.build(node["operator"], node["value"], ctx)


def compile_rule(
    rule: Any,
    level: str,
    reference_date: datetime.date | None = None,
    *,
    health_data: bool = True,
) -> Q:
    """Validate `rule` and build its Q over Household (level keluarga) or Person.
    `health_data`: False leaves records of restricted health types out of PPKS
    conditions (see Context)."""
    from pilar.core.dates import today

    normalized = validate_rule(rule, level)
    ctx = Context(level=level, reference_date=reference_date or today(), health_data=health_data)
    return _build(normalized, ctx)


def base_queryset(level: str, user):
    """The rows a rule is applied to: active households, or active persons of
    active households, within `user`'s area."""
    from pilar.registry.models import Household, Person

    if level == Level.HOUSEHOLD:
        return Household.objects.restrict(user, "view").filter(is_active=True)
    return Person.objects.restrict(user, "view").filter(is_active=True, household__is_active=True)


def matching(rule: Any, level: str, user, reference_date: datetime.date | None = None):
    """The queryset of what `rule` selects within `user`'s area, by what `user` may
    see: a PPKS condition on a restricted health type matches nothing for a role
    without health-data access (a preview would otherwise list who has it)."""
    from pilar.ppks.access import may_see_health_data

    q = compile_rule(rule, level, reference_date, health_data=may_see_health_data(user))
    return base_queryset(level, user).filter(q)


def describe(rule: Any, level: str) -> str:
    """A one-line Indonesian reading of a (valid) rule, for lists and exports."""
    try:
        normalized = validate_rule(rule, level)
    except InvalidInput:
        return "(aturan tidak valid)"

    def label_value(f: RuleField, value: Any) -> str:
        labels = {str(v): label for v, label in f.choice_list()} if f.choices else {}
        if isinstance(value, list):
            if f.type in (NUMBER, AGE):
                return f"{value[0]}–{value[1]}"
            return ", ".join(labels.get(str(v), str(v)) for v in value)
        if isinstance(value, bool):
            return "ya" if value else "tidak"
        return labels.get(str(value), str(value))

    def walk(node: dict, top: bool) -> str:
        if "rules" in node:
            joiner = " DAN " if node["op"] == "and" else " ATAU "
            text = joiner.join(walk(c, False) for c in node["rules"])
            return text if top or len(node["rules"]) < 2 else f"({text})"
        f = FIELDS[node["field"]]
        return f"{f.label} {OPERATORS[node['operator']]} {label_value(f, node['value'])}"

    if not normalized["rules"]:
        return "(tanpa aturan)"
    return walk(normalized, True)
