"""API schemas of the registry (households and persons).

Inputs are deliberately loose about values (plain strings for choices): the
actions validate them and answer in Indonesian, the same messages the pages
show. Inputs reject unknown fields, so a misspelt field in a PATCH is an error
rather than a silent no-op.
"""

from __future__ import annotations

import datetime

from ninja import Field, Schema
from pydantic import ConfigDict

from pilar.core.api import PageParams
from pilar.core.dates import BirthDate, RecordDate
from pilar.ppks.schemas import PpksRecordOut
from pilar.registry import choices


def _options(choice_class) -> str:
    return "Pilihan: " + ", ".join(f"`{v}`" for v in choice_class.values) + "."


MISSING_REASON = "Wajib diisi bila nomor kosong. " + _options(choices.MissingIdReason)


# Query parameters ----------------------------------------------------------------


class HouseholdParams(PageParams):
    search: str = Field(
        "", description="No. KK, NIK anggota, nama anggota (boleh salah ketik) atau alamat."
    )
    kelurahan: str = Field(
        "", description="Kode kelurahan, misalnya 36.71.01.1001 atau 3671011001."
    )
    kecamatan: str = Field("", description="Kode kecamatan, misalnya 36.71.01.")
    ppks_type: int | None = Field(
        None, ge=1, description="Nomor jenis PPKS (1-26): keluarga dengan data PPKS aktif."
    )
    life_status: choices.LifeStatus | None = Field(
        None, description="Keluarga yang memiliki anggota dengan status kehidupan ini."
    )


class PersonParams(PageParams):
    nik: str = Field("", description="NIK (16 digit), pencarian tepat.")
    search: str = Field("", description="Nama (boleh salah ketik) atau NIK.")
    kelurahan: str = ""
    kecamatan: str = ""
    life_status: choices.LifeStatus | None = None
    ppks_type: int | None = Field(None, ge=1, description="Nomor jenis PPKS dengan data aktif.")


# Output ---------------------------------------------------------------------------


class HouseholdOut(Schema):
    id: int
    no_kk: str | None = Field(description="Utuh untuk peran yang berhak, selain itu disamarkan.")
    no_kk_missing_reason: str
    address: str
    rt: str
    rw: str
    kelurahan: str = Field(description="Kode Kemendagri kelurahan, misalnya 36.71.01.1001.")
    kelurahan_name: str
    kecamatan: str
    kecamatan_name: str
    latitude: float | None
    longitude: float | None
    house_ownership: str
    land_status: str
    member_count: int = Field(description="Anggota aktif yang masih hidup.")
    is_active: bool
    updated_at: datetime.datetime


class HouseholdPage(Schema):
    items: list[HouseholdOut]
    count: int


class PersonOut(Schema):
    id: int
    nik: str | None = Field(description="Utuh untuk peran yang berhak, selain itu disamarkan.")
    nik_missing_reason: str
    nik_missing_note: str
    name: str
    sex: str
    birth_place: str
    birth_date: datetime.date | None
    age: int | None
    household_id: int
    relation: str
    marital_status: str
    education: str
    occupation: str
    disabilities: list[str]
    chronic_illness: str
    life_status: str
    life_status_date: datetime.date | None
    kelurahan: str
    kelurahan_name: str
    kecamatan: str
    updated_at: datetime.datetime


class PersonPage(Schema):
    items: list[PersonOut]
    count: int


class MembershipOut(Schema):
    household_id: int
    relation: str
    start_date: datetime.date
    end_date: datetime.date | None
    end_reason: str


class HouseholdDetailOut(HouseholdOut):
    no_kk_missing_note: str
    members: list[PersonOut]
    ppks_records: list[PpksRecordOut]


class PersonDetailOut(PersonOut):
    nik_mismatch_reason: str
    memberships: list[MembershipOut]
    ppks_records: list[PpksRecordOut]


# Input ----------------------------------------------------------------------------


class StrictSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class PersonIn(StrictSchema):
    nik: str | None = Field(None, description="16 digit; kosongkan bila tidak ada.")
    nik_missing_reason: str | None = Field(None, description=MISSING_REASON)
    nik_missing_note: str | None = None
    nik_mismatch_reason: str | None = Field(
        None,
        description="Isi bila jenis kelamin/tanggal lahir memang berbeda dari yang tersandi "
        "dalam NIK (kode galat `nik_mismatch`).",
    )
    name: str | None = None
    sex: str | None = Field(None, description=_options(choices.Sex))
    birth_place: str | None = None
    birth_date: BirthDate | None = None
    relation: str | None = Field(None, description=_options(choices.Relation))
    marital_status: str | None = Field(None, description=_options(choices.MaritalStatus))
    education: str | None = Field(None, description=_options(choices.Education))
    occupation: str | None = None
    disabilities: list[str] | None = Field(None, description=_options(choices.Disability))
    chronic_illness: str | None = None
    life_status: str | None = Field(None, description=_options(choices.LifeStatus))
    life_status_date: BirthDate | None = None


class PersonCreateIn(PersonIn):
    household_id: int


class PersonMoveIn(StrictSchema):
    household_id: int = Field(description="Keluarga tujuan.")
    relation: str = Field(description=_options(choices.Relation))
    moved_on: RecordDate | None = None
    reason: str = ""


class HouseholdIn(StrictSchema):
    no_kk: str | None = Field(None, description="16 digit; kosongkan bila tidak ada.")
    no_kk_missing_reason: str | None = Field(None, description=MISSING_REASON)
    no_kk_missing_note: str | None = None
    address: str | None = None
    rt: str | int | None = None
    rw: str | int | None = None
    kelurahan: str | None = Field(
        None, description="Kode kelurahan, dengan atau tanpa titik (36.71.01.1001 / 3671011001)."
    )
    latitude: float | None = None
    longitude: float | None = None
    house_ownership: str | None = Field(None, description=_options(choices.HouseOwnership))
    land_status: str | None = Field(None, description=_options(choices.LandStatus))


class HouseholdCreateIn(HouseholdIn):
    members: list[PersonIn] | None = None
