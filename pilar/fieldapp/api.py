"""API of the offline field app (`/lapangan/`): a device token, and the package of
data the phone keeps for the user's area.

The package is scoped exactly like the pages: its households are those of the
kelurahan in `villages_for(user, "change")` (PSM: their kelurahan, TKSK: their
kecamatan or one kelurahan of it, Dinas Sosial/admin: one kelurahan they name), PPKS
records of restricted health types only reach roles that may see them, and NIK /
No. KK are always masked: the phone never holds a full number (a lost phone leaks no
identity numbers). Submissions made on the phone go to `POST /reports`
(pilar.submissions.api).

The households are built in PostgreSQL as one JSON text and kept, gzip-ready, per
area and data version (pilar.fieldapp.package): the ~8 PSM of a kelurahan share one
build, and any change to the data makes the next package a fresh one.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from pilar.accounts.choices import CITY_ROLES, Role, TokenApp
from pilar.accounts.models import ApiToken, User
from pilar.accounts.scope import villages_for
from pilar.accounts.types import ApiRequest
from pilar.core.api import EDIT, ERRORS, SessionAuth, TokenAuth, auth_for
from pilar.core.errors import InvalidInput
from pilar.freshness.choices import DueReason
from pilar.ppks.access import may_see_health_data
from pilar.ppks.models import PpksType
from pilar.regions.deployment import normalize_code
from pilar.registry import choices as reg
from pilar.registry.identity import province_codes
from pilar.submissions import choices as sub

from . import package as package_cache

router = Router(auth=auth_for(EDIT))

TOKEN_NAME = "Aplikasi lapangan"
PACKAGE_VERSION = 1


# Schemas ----------------------------------------------------------------------------


class FieldUserOut(Schema):
    username: str
    name: str
    role: str
    role_label: str
    kelurahan: str | None
    kelurahan_name: str | None
    kecamatan: str | None
    kecamatan_name: str | None
    can_see_health_data: bool


class TokenIn(Schema):
    previous_token: str = Field(
        "",
        description="Token lama perangkat ini (jika ada): dicabut bersamaan, "
        "agar satu ponsel tidak menumpuk token.",
    )


class TokenOut(Schema):
    token: str
    user: FieldUserOut


class PackageParams(Schema):
    kelurahan: str = Field(
        "",
        description="Kode kelurahan. Wajib untuk peran tingkat kota (Dinas Sosial, admin); "
        "opsional untuk TKSK (tanpa kode: seluruh kecamatan).",
    )


class ChoiceOut(Schema):
    value: str
    label: str


class PackageMemberOut(Schema):
    id: int
    nik: str = Field(description="Selalu disamarkan.")
    nik_missing_reason: str
    name: str
    sex: str
    birth_place: str
    birth_date: str | None
    relation: str
    marital_status: str
    education: str
    occupation: str
    disabilities: list[str]
    chronic_illness: str
    life_status: str
    life_status_date: str | None


class PackagePpksOut(Schema):
    id: int
    ppks_type: int
    person_id: int | None
    date_found: str
    disability_subtypes: list[str]
    notes: str


class PackageHouseholdOut(Schema):
    id: int
    visit_due: str | None = Field(
        None, description="Kunjungan berikutnya jatuh tempo (TTTT-BB-HH)."
    )
    visit_reason: str = Field("", description="Dasar jatuh tempo (pilar.freshness).")
    last_visited: str | None = None
    last_verified: str | None = None
    no_kk: str = Field(description="Selalu disamarkan.")
    no_kk_missing_reason: str
    address: str
    rt: str
    rw: str
    kelurahan: str
    latitude: float | None
    longitude: float | None
    house_ownership: str
    land_status: str
    desil: int | None
    members: list[PackageMemberOut]
    ppks: list[PackagePpksOut]


class PackageOut(Schema):
    version: int
    generated_at: str
    user: FieldUserOut
    area: dict[str, Any]
    reference: dict[str, Any]
    households: list[PackageHouseholdOut]


# Helpers ------------------------------------------------------------------------------


def user_out(user: User) -> dict:
    village = user.village if user.village_id else None
    district = user.district if user.district_id else None
    if village is not None and district is None:
        district = village.district
    return {
        "username": user.username,
        "name": user.get_full_name() or user.username,
        "role": user.role,
        "role_label": Role(user.role).label if user.role in Role.values else user.role,
        "kelurahan": village.code if village else None,
        "kelurahan_name": village.name if village else None,
        "kecamatan": district.code if district else None,
        "kecamatan_name": district.name if district else None,
        "can_see_health_data": bool(user.can_see_health_data),
    }


def _choices(options) -> list[dict]:
    return [{"value": str(value), "label": str(label)} for value, label in options.choices]


def reference_lists(user: User) -> dict:
    """Everything the forms need to offer and check values offline."""
    types = PpksType.objects.filter(is_active=True).order_by("number")
    if not may_see_health_data(user):
        types = types.filter(is_restricted=False)
    return {
        "choices": {
            "sex": _choices(reg.Sex),
            "relation": _choices(reg.Relation),
            "marital_status": _choices(reg.MaritalStatus),
            "education": _choices(reg.Education),
            "disability": _choices(reg.Disability),
            "life_status": _choices(reg.LifeStatus),
            "missing_id_reason": _choices(reg.MissingIdReason),
            "house_ownership": _choices(reg.HouseOwnership),
            "land_status": _choices(reg.LandStatus),
            "floor_material": _choices(reg.FloorMaterial),
            "wall_material": _choices(reg.WallMaterial),
            "roof_material": _choices(reg.RoofMaterial),
            "condition": _choices(reg.Condition),
            "water_source": _choices(reg.WaterSource),
            "lighting_source": _choices(reg.LightingSource),
            "toilet": _choices(reg.Toilet),
            "cooking_fuel": _choices(reg.CookingFuel),
            "report_kind": _choices(sub.Kind),
            "report_status": _choices(sub.Status),
            "photo_kind": _choices(sub.PhotoKind),
            "person_change": _choices(sub.PersonChange),
            "new_member_reason": _choices(sub.NewMemberReason),
        },
        "ppks_types": [
            {
                "number": t.number,
                "name": t.name,
                "short_name": t.short_name,
                "level": t.level,
                "min_age": t.min_age,
                "max_age": t.max_age,
                "sex": t.sex,
                "has_disability_subtypes": t.has_disability_subtypes,
                "is_restricted": t.is_restricted,
                "rule": t.age_rule_label,
            }
            for t in types
        ],
        "province_codes": sorted(province_codes()),
        "visit_reasons": _choices(DueReason),
        "soon_days": settings.PILAR_FRESHNESS_SOON_DAYS,
    }


def _area(user: User, kelurahan: str) -> tuple[dict, str | None]:
    """The kelurahan the package covers, and the one requested (None = whole area)."""
    villages = villages_for(user, "change")
    code = normalize_code(kelurahan) if kelurahan.strip() else ""
    if kelurahan.strip() and len(code) != 13:
        raise InvalidInput({"kelurahan": ["Kode kelurahan tidak valid, misalnya 36.71.01.1001."]})
    if user.role in CITY_ROLES and not code:
        raise InvalidInput(
            {
                "kelurahan": [
                    "Pilih satu kelurahan: paket data untuk seluruh kota terlalu besar "
                    "untuk ponsel."
                ]
            }
        )
    if code:
        villages = villages.filter(pk=code)
        if not villages.exists():
            raise InvalidInput({"kelurahan": ["Kelurahan ini di luar wilayah kerja Anda."]})
    rows = [
        {
            "code": v.code,
            "name": v.name,
            "kecamatan": v.district_id,
            "kecamatan_name": v.district.name,
        }
        for v in villages.order_by("code")
    ]
    return {"label": user.area_label, "kelurahan": rows, "selected": code or None}, code or None


# Endpoints ----------------------------------------------------------------------------


@router.post(
    "/token",
    response={200: TokenOut, **ERRORS},
    auth=SessionAuth(EDIT),
    summary="Token perangkat untuk aplikasi lapangan",
)
def issue_token(request: ApiRequest, payload: TokenIn | None = None) -> dict:
    """Dipanggil oleh aplikasi lapangan sesudah pengguna masuk (login) di peramban
    ponsel: sesi + token CSRF ditukar dengan token perangkat, sehingga aplikasi dapat
    mengirim laporan meskipun sesi login sudah berakhir. Token lama perangkat yang
    sama (jika dikirim) dicabut."""
    user = request.auth
    previous = (payload.previous_token if payload else "").strip()
    if previous:
        ApiToken.objects.filter(
            user=user, key_hash=ApiToken.hash_key(previous), revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
    # Only the field app's part of the API, and for a limited time: a lost phone's
    # token cannot call the rest of the API and dies on its own.
    _, key = ApiToken.issue(
        user, name=TOKEN_NAME, days=settings.PILAR_FIELD_TOKEN_DAYS, app=TokenApp.FIELD
    )
    return {"token": key, "user": user_out(user)}


@router.post(
    "/token/revoke",
    response={204: None, **ERRORS},
    auth=[TokenAuth(EDIT)],
    summary="Cabut token perangkat ini (keluar dari aplikasi lapangan)",
)
def revoke_token(request: ApiRequest) -> Status:
    header = request.headers.get("Authorization", "")
    key = header.split(" ", 1)[1].strip() if " " in header else ""
    ApiToken.objects.filter(user=request.auth, key_hash=ApiToken.hash_key(key)).update(
        revoked_at=timezone.now()
    )
    return Status(204, None)


@router.get(
    "/package",
    response={200: PackageOut, **ERRORS},
    summary="Paket data wilayah untuk aplikasi lapangan",
)
def package(request: ApiRequest, params: Query[PackageParams]) -> HttpResponse:
    """Keluarga aktif di wilayah kerja pengguna beserta anggota (NIK dan No. KK
    selalu disamarkan) dan data PPKS aktifnya, serta daftar rujukan (pilihan isian,
    jenis PPKS dengan aturan usia, kelurahan, kode provinsi untuk memeriksa NIK).
    PSM: kelurahannya; TKSK: kecamatannya (atau satu kelurahan dengan `kelurahan`);
    Dinas Sosial dan admin wajib memilih satu kelurahan. Dikirim terkompresi gzip
    bila klien menerimanya."""
    user = request.auth
    area, _ = _area(user, params.kelurahan)
    health = may_see_health_data(user)
    codes = [row["code"] for row in area["kelurahan"]]
    part, _cached = package_cache.households(codes, health)
    head = {
        "version": PACKAGE_VERSION,
        "generated_at": timezone.now().isoformat(),
        "user": user_out(user),
        "area": area,
        "reference": reference_lists(user),
    }
    # The households array (shared by everyone of the same area, cached) comes first;
    # this user's part of the object is appended to it.
    tail = b"," + json.dumps(head, ensure_ascii=False)[1:].encode()
    if "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "").lower():
        body = package_cache.gzip_body(part, tail)
        response = HttpResponse(body, content_type="application/json")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(part.text() + tail, content_type="application/json")
    response["Cache-Control"] = "no-store"
    response["Vary"] = "Accept-Encoding, Authorization, Cookie"
    response["Content-Length"] = str(len(response.content))
    return response
