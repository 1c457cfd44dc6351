"""Field rules for households and persons, shared by pages, API, seeding and imports.

Each `clean_*` takes raw values (strings from a form, JSON values from the API),
returns typed values ready to save, and raises InvalidInput with every problem
found, in Indonesian, keyed by field.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.conf import settings

from pilar.accounts.scope import village_allowed
from pilar.core.dates import EARLIEST_BIRTH, parse_date, today
from pilar.core.errors import ErrorCollector
from pilar.core.text import check_text
from pilar.regions.deployment import normalize_code
from pilar.regions.models import Village
from pilar.registry import choices
from pilar.registry.identity import IdentityError, nik_mismatches, validate_nik, validate_no_kk
from pilar.registry.models import Household, Person

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

NAME_RE = re.compile(r"^[A-Za-z\u00C0-\u024F .,'`\-]+$")

# Lengths of the person and household text fields (their models' max_length), which
# the import's row checks (pilar.imports.rows) apply too.
NAME_MAX_LENGTH = 150
BIRTH_PLACE_MAX_LENGTH = 100
OCCUPATION_MAX_LENGTH = 100
ADDRESS_MAX_LENGTH = 255

MSG_NAME_REQUIRED = "Nama wajib diisi."
MSG_BIRTH_DATE_FUTURE = "Tanggal lahir tidak boleh di masa depan."
MSG_BIRTH_DATE_TOO_EARLY = "Tanggal lahir sebelum tahun 1900 tidak mungkin."

HOUSEHOLD_FIELDS = [
    "no_kk",
    "no_kk_missing_reason",
    "no_kk_missing_note",
    "address",
    "rt",
    "rw",
    "village",
    "latitude",
    "longitude",
    "house_ownership",
    "land_status",
]
PERSON_FIELDS = [
    "nik",
    "nik_missing_reason",
    "nik_missing_note",
    "nik_mismatch_reason",
    "name",
    "sex",
    "birth_place",
    "birth_date",
    "relation",
    "marital_status",
    "education",
    "occupation",
    "disabilities",
    "chronic_illness",
    "life_status",
    "life_status_date",
]


def birth_date_problem(birth_date: datetime.date, on: datetime.date) -> str | None:
    """Why `birth_date` cannot be a person's birth date on day `on`, or None: the one
    rule for pages, API and imports."""
    if birth_date > on:
        return MSG_BIRTH_DATE_FUTURE
    if birth_date < EARLIEST_BIRTH:
        return MSG_BIRTH_DATE_TOO_EARLY
    return None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _choice(errors: ErrorCollector, field: str, value: Any, options, label: str, required=False):
    value = _text(value)
    if not value:
        if required:
            errors.add(field, f"{label} wajib diisi.")
        return ""
    if value not in options.values:
        allowed = ", ".join(str(lbl) for lbl in options.labels)
        errors.add(field, f"{label} '{value}' tidak dikenal. Pilihan: {allowed}.")
        return ""
    return value


def _rt_rw(errors: ErrorCollector, field: str, value: Any) -> str:
    text = _text(value)
    if not text:
        return ""
    if not text.isdigit() or len(text) > 3 or int(text) == 0:
        errors.add(field, f"{field.upper()} harus berupa angka 1–999.")
        return ""
    return text.zfill(3)


def resolve_village(errors: ErrorCollector, value: Any) -> Village | None:
    if isinstance(value, Village):
        village: Village | None = value
    else:
        code = normalize_code(_text(value))
        if not code:
            errors.add("village", "Kelurahan wajib diisi.")
            return None
        village = Village.objects.select_related("district").filter(pk=code).first()
    if village is None or not village.pk.startswith(settings.PILAR_REGION + "."):
        errors.add("village", f"Kelurahan '{_text(value)}' tidak dikenal di wilayah ini.")
        return None
    return village


def clean_household(data: dict, *, user: User, instance=None) -> dict:

    errors = ErrorCollector()
    out: dict[str, Any] = {}

    no_kk = _text(data.get("no_kk"))
    out["no_kk"] = None
    if no_kk:
        try:
            out["no_kk"] = validate_no_kk(no_kk)
        except IdentityError as exc:
            errors.add("no_kk", str(exc))
        else:
            clash = Household.objects.filter(no_kk=out["no_kk"], is_active=True)
            if instance is not None:
                clash = clash.exclude(pk=instance.pk)
            if clash.exists():
                errors.add("no_kk", "No. KK ini sudah terdaftar di registri.")
    out["no_kk_missing_reason"] = _choice(
        errors,
        "no_kk_missing_reason",
        data.get("no_kk_missing_reason"),
        choices.MissingIdReason,
        "Alasan No. KK kosong",
    )
    out["no_kk_missing_note"] = check_text(
        errors, "no_kk_missing_note", data.get("no_kk_missing_note"), max_length=200
    )
    if not no_kk and not out["no_kk_missing_reason"] and "no_kk_missing_reason" not in errors:
        errors.add(
            "no_kk_missing_reason",
            "No. KK kosong: pilih alasannya (misalnya tidak memiliki dokumen kependudukan).",
        )
    if out["no_kk"]:
        out["no_kk_missing_reason"] = ""
        out["no_kk_missing_note"] = ""

    out["address"] = check_text(
        errors, "address", data.get("address"), max_length=ADDRESS_MAX_LENGTH
    )
    if not out["address"] and "address" not in errors:
        errors.add("address", "Alamat wajib diisi.")
    out["rt"] = _rt_rw(errors, "rt", data.get("rt"))
    out["rw"] = _rt_rw(errors, "rw", data.get("rw"))

    village = resolve_village(errors, data.get("village"))
    if village is not None and not village_allowed(user, village, "change"):
        errors.add("village", "Kelurahan ini di luar wilayah kerja Anda.")
    out["village"] = village

    lat, lon = _text(data.get("latitude")), _text(data.get("longitude"))
    out["latitude"] = out["longitude"] = None
    if lat or lon:
        try:
            lat_d, lon_d = Decimal(lat), Decimal(lon)
        except InvalidOperation:
            errors.add("latitude", "Koordinat GPS harus berupa angka desimal (lintang dan bujur).")
        else:
            # NaN and infinities compare as errors (or raise); huge values cannot be
            # rounded to six places: refuse both before any rounding.
            lat_ok = lat_d.is_finite() and Decimal(-11) <= lat_d <= Decimal(6)
            lon_ok = lon_d.is_finite() and Decimal(95) <= lon_d <= Decimal(141)
            if not lat_ok:
                errors.add("latitude", "Lintang di luar wilayah Indonesia (-11 s.d. 6).")
            if not lon_ok:
                errors.add("longitude", "Bujur di luar wilayah Indonesia (95 s.d. 141).")
            if lat_ok and lon_ok:
                out["latitude"] = lat_d.quantize(Decimal("0.000001"))
                out["longitude"] = lon_d.quantize(Decimal("0.000001"))

    out["house_ownership"] = _choice(
        errors,
        "house_ownership",
        data.get("house_ownership"),
        choices.HouseOwnership,
        "Status kepemilikan rumah",
    )
    out["land_status"] = _choice(
        errors, "land_status", data.get("land_status"), choices.LandStatus, "Status lahan"
    )
    errors.raise_if_any()
    return out


def clean_person(data: dict, *, household, instance=None) -> dict:
    """`household` is the person's (new) household, used for the one-head rule."""

    errors = ErrorCollector()
    out: dict[str, Any] = {}

    out["name"] = check_text(
        errors, "name", data.get("name"), max_length=NAME_MAX_LENGTH, collapse_spaces=True
    )
    if not out["name"] and "name" not in errors:
        errors.add("name", MSG_NAME_REQUIRED)
    elif out["name"] and not NAME_RE.match(out["name"]):
        errors.add(
            "name", "Nama hanya boleh berisi huruf, spasi, titik, koma, apostrof dan tanda hubung."
        )

    out["sex"] = _choice(
        errors, "sex", data.get("sex"), choices.Sex, "Jenis kelamin", required=True
    )
    out["birth_place"] = check_text(
        errors, "birth_place", data.get("birth_place"), max_length=BIRTH_PLACE_MAX_LENGTH
    )
    out["birth_date"] = parse_date(errors, "birth_date", data.get("birth_date"), "Tanggal lahir")
    if out["birth_date"]:
        problem = birth_date_problem(out["birth_date"], today())
        if problem:
            errors.add("birth_date", problem)

    nik = _text(data.get("nik"))
    out["nik"] = None
    out["nik_mismatch_reason"] = check_text(
        errors, "nik_mismatch_reason", data.get("nik_mismatch_reason"), max_length=300
    )
    if nik:
        try:
            out["nik"] = validate_nik(nik)
        except IdentityError as exc:
            errors.add("nik", str(exc))
        else:
            clash = Person.objects.filter(nik=out["nik"], is_active=True)
            if instance is not None:
                clash = clash.exclude(pk=instance.pk)
            if clash.exists():
                errors.add(
                    "nik", "NIK ini sudah terdaftar di registri (satu NIK untuk satu orang)."
                )
            problems = nik_mismatches(
                out["nik"],
                out["sex"] or None,
                out["birth_date"] if "birth_date" not in errors else None,
            )
            if problems and not out["nik_mismatch_reason"]:
                for problem in problems:
                    errors.add("nik", problem, code="nik_mismatch")
                errors.add(
                    "nik_mismatch_reason",
                    "Jika data sudah benar, isi alasan konfirmasi (misalnya: sesuai KTP asli).",
                    code="nik_mismatch",
                )
            if not problems:
                out["nik_mismatch_reason"] = ""
    else:
        out["nik_mismatch_reason"] = ""
    out["nik_missing_reason"] = _choice(
        errors,
        "nik_missing_reason",
        data.get("nik_missing_reason"),
        choices.MissingIdReason,
        "Alasan NIK kosong",
    )
    out["nik_missing_note"] = check_text(
        errors, "nik_missing_note", data.get("nik_missing_note"), max_length=200
    )
    if not nik and not out["nik_missing_reason"] and "nik_missing_reason" not in errors:
        errors.add(
            "nik_missing_reason",
            "NIK kosong: pilih alasannya (misalnya tidak memiliki dokumen kependudukan).",
        )
    if out["nik"]:
        out["nik_missing_reason"] = ""
        out["nik_missing_note"] = ""

    out["relation"] = _choice(
        errors,
        "relation",
        data.get("relation"),
        choices.Relation,
        "Hubungan dengan kepala keluarga",
        required=True,
    )
    out["marital_status"] = _choice(
        errors,
        "marital_status",
        data.get("marital_status"),
        choices.MaritalStatus,
        "Status perkawinan",
    )
    out["education"] = _choice(
        errors, "education", data.get("education"), choices.Education, "Pendidikan"
    )
    out["occupation"] = check_text(
        errors, "occupation", data.get("occupation"), max_length=OCCUPATION_MAX_LENGTH
    )
    raw_dis = data.get("disabilities") or []
    if isinstance(raw_dis, str):
        raw_dis = [part.strip() for part in raw_dis.replace(";", ",").split(",") if part.strip()]
    out["disabilities"] = []
    for item in raw_dis:
        value = _choice(errors, "disabilities", item, choices.Disability, "Jenis disabilitas")
        if value and value not in out["disabilities"]:
            out["disabilities"].append(value)
    out["chronic_illness"] = check_text(
        errors, "chronic_illness", data.get("chronic_illness"), max_length=200
    )
    out["life_status"] = (
        _choice(
            errors, "life_status", data.get("life_status"), choices.LifeStatus, "Status kehidupan"
        )
        or choices.LifeStatus.ALIVE
    )
    out["life_status_date"] = parse_date(
        errors, "life_status_date", data.get("life_status_date"), "Tanggal status"
    )
    if out["life_status"] == choices.LifeStatus.ALIVE:
        out["life_status_date"] = None
    elif out["life_status_date"] and out["life_status_date"] > today():
        errors.add("life_status_date", "Tanggal status tidak boleh di masa depan.")

    if out["relation"] == choices.Relation.HEAD and household is not None and household.pk:
        other_head = household.members.filter(
            relation=choices.Relation.HEAD, is_active=True, life_status=choices.LifeStatus.ALIVE
        )
        if instance is not None:
            other_head = other_head.exclude(pk=instance.pk)
        if other_head.exists():
            errors.add("relation", "Keluarga ini sudah memiliki kepala keluarga.")

    errors.raise_if_any()
    return out
