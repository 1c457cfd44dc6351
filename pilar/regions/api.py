"""API: the deployment's areas (kecamatan and kelurahan with Kemendagri codes).

Open to every authenticated role, `mitra` included: areas are public reference
data, not people's data.
"""

from __future__ import annotations

from ninja import Query, Router, Schema

from pilar.regions import deployment
from pilar.regions.deployment import normalize_code

router = Router()


class RegencyOut(Schema):
    code: str
    name: str
    province_code: str
    province_name: str


class DistrictOut(Schema):
    code: str
    name: str


class VillageOut(Schema):
    code: str
    name: str
    district_code: str
    district_name: str


class VillageParams(Schema):
    kecamatan: str = ""


@router.get("/regency", response=RegencyOut, summary="Kabupaten/kota wilayah penerapan")
def get_regency(request):
    regency = deployment.regency()
    return {
        "code": regency.code,
        "name": regency.name,
        "province_code": regency.province_id,
        "province_name": regency.province.name,
    }


@router.get("/districts", response=list[DistrictOut], summary="Daftar kecamatan")
def list_districts(request):
    return [{"code": d.code, "name": d.name} for d in deployment.districts()]


@router.get("/villages", response=list[VillageOut], summary="Daftar kelurahan")
def list_villages(request, params: Query[VillageParams]):
    """Kelurahan of the deployment, optionally of one kecamatan (`kecamatan=36.71.01`
    or `367101`)."""
    qs = deployment.villages()
    if params.kecamatan:
        qs = qs.filter(district_id=normalize_code(params.kecamatan)[:8])
    return [
        {
            "code": v.code,
            "name": v.name,
            "district_code": v.district_id,
            "district_name": v.district.name,
        }
        for v in qs
    ]
