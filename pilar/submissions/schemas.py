"""The shape of a submission's payload per kind, and the API schemas of submissions
(named `Report...` after the published API's word; their class names are OpenAPI
component names and stay).

The payload schemas only check shape (types, known keys); the meaning (NIK
rules, PPKS age rules, scope) is checked by pilar.submissions.checks with the
registry's own validation, so a submission is refused for the same reasons a
direct entry would be. Field paths used in errors, return reasons and
conflicts: `household.<field>`, `person.<id>.<field>`, `new_member.<i>.<field>`,
`member.<i>.<field>` (new household), `ppks_add.<i>.<field>`,
`ppks_end.<i>.<field>`, `survey.<field>`, `evidence.<field>`.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from pilar.core.api import PageParams
from pilar.core.dates import BirthDate, RecordDate
from pilar.registry import choices as reg
from pilar.submissions import choices


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class HouseholdFields(Strict):
    """Household fields as on the direct-entry form; all optional in a change."""

    no_kk: str | None = None
    no_kk_missing_reason: str | None = None
    no_kk_missing_note: str | None = None
    address: str | None = None
    rt: str | None = None
    rw: str | None = None
    kelurahan: str | None = Field(None, description="Kode kelurahan, misalnya 36.71.01.1001.")
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    house_ownership: str | None = None
    land_status: str | None = None


class PersonFields(Strict):
    nik: str | None = None
    nik_missing_reason: str | None = None
    nik_missing_note: str | None = None
    nik_mismatch_reason: str | None = None
    name: str | None = None
    sex: str | None = None
    birth_place: str | None = None
    birth_date: BirthDate | None = None
    relation: str | None = None
    marital_status: str | None = None
    education: str | None = None
    occupation: str | None = None
    disabilities: list[str] | None = None
    chronic_illness: str | None = None


class NewHouseholdPayload(Strict):
    household: HouseholdFields
    members: list[PersonFields] = Field(min_length=1, max_length=30)


class PersonChangeIn(Strict):
    person_id: int
    change: choices.PersonChange
    fields: PersonFields = Field(default_factory=PersonFields)
    date: BirthDate | None = Field(None, description="Tanggal meninggal / pindah.")
    reason: str = Field("", max_length=300)


class NewMemberIn(PersonFields):
    reason: choices.NewMemberReason


class ChangePayload(Strict):
    household: HouseholdFields | None = None
    persons: list[PersonChangeIn] = Field(default_factory=list, max_length=30)
    new_members: list[NewMemberIn] = Field(default_factory=list, max_length=30)


class PpksAddIn(Strict):
    person_id: int | None = Field(None, description="Kosong untuk PPKS tingkat keluarga.")
    ppks_type: int = Field(ge=1, le=26)
    disability_subtypes: list[str] = Field(default_factory=list)
    date_found: RecordDate | None = None
    notes: str = Field("", max_length=1000)


class PpksEndIn(Strict):
    record_id: int
    ended_on: RecordDate | None = None
    reason: str = Field(max_length=300)


class PpksPayload(Strict):
    add: list[PpksAddIn] = Field(default_factory=list, max_length=30)
    end: list[PpksEndIn] = Field(default_factory=list, max_length=30)


class HousingPayload(Strict):
    """Block III of the verivali instrument."""

    house_ownership: reg.HouseOwnership
    land_status: reg.LandStatus
    floor_material: reg.FloorMaterial
    floor_condition: reg.Condition
    wall_material: reg.WallMaterial
    wall_condition: reg.Condition
    roof_material: reg.RoofMaterial
    roof_condition: reg.Condition
    floor_area_m2: Decimal = Field(ge=1, le=10000, decimal_places=2)
    occupants: int = Field(ge=1, le=99)
    water_source: reg.WaterSource
    lighting_source: reg.LightingSource
    toilet: reg.Toilet
    cooking_fuel: reg.CookingFuel


PAYLOADS: dict[str, type[Strict]] = {
    choices.Kind.NEW_HOUSEHOLD: NewHouseholdPayload,
    choices.Kind.CHANGE: ChangePayload,
    choices.Kind.PPKS: PpksPayload,
    choices.Kind.HOUSING: HousingPayload,
}


# API ----------------------------------------------------------------------------------


class PhotoIn(Strict):
    client_id: uuid.UUID
    kind: choices.PhotoKind
    taken_at: datetime.datetime | None = None


class ReportIn(Strict):
    """A report as the field app sends it. `client_id` is generated on the phone:
    sending the same report again returns the first one instead of a copy."""

    client_id: uuid.UUID
    kind: choices.Kind
    household_id: int | None = Field(None, description="Wajib, kecuali untuk keluarga_baru.")
    payload: dict[str, Any]
    base: dict[str, Any] = Field(
        default_factory=dict,
        description="Nilai registri yang dilihat pelapor untuk tiap isian yang diubah "
        "(jalur isian -> nilai), untuk mendeteksi perubahan registri sesudahnya.",
    )
    visit_date: RecordDate
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    gps_accuracy_m: int | None = Field(None, ge=0)
    notes: str = Field("", max_length=2000)
    photos: list[PhotoIn] = Field(default_factory=list, max_length=6)
    submit: bool = Field(True, description="false = simpan sebagai draf di server.")


class ResubmitIn(Strict):
    revision: int = Field(description="Revisi yang diperbaiki (revisi laporan saat dikembalikan).")
    payload: dict[str, Any]
    base: dict[str, Any] = Field(default_factory=dict)
    visit_date: RecordDate | None = None
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    gps_accuracy_m: int | None = Field(None, ge=0)
    notes: str | None = Field(None, max_length=2000)
    photos: list[PhotoIn] = Field(default_factory=list, max_length=6)


class VerifyIn(Strict):
    note: str = Field("", max_length=2000)
    resolutions: dict[str, choices.Resolution] = Field(
        default_factory=dict, description="Untuk tiap isian yang bentrok: usulan atau registri."
    )
    expected_status: choices.Status | None = None


class ReturnIn(Strict):
    note: str = Field("", max_length=2000)
    field_reasons: dict[str, str] = Field(
        default_factory=dict, description="Jalur isian -> alasan, misalnya household.address."
    )


class RejectIn(Strict):
    reason: str = Field(min_length=1, max_length=2000)


class ReportParams(PageParams):
    mine: bool = Field(False, description="Hanya laporan saya.")
    status: choices.Status | None = None
    kind: choices.Kind | None = None
    kelurahan: str = ""
    kecamatan: str = ""
    household_id: int | None = None


class PhotoOut(Schema):
    client_id: uuid.UUID
    kind: str
    url: str
    size: int


class StepOut(Schema):
    action: str
    action_label: str
    actor: str
    at: datetime.datetime
    revision: int
    note: str
    field_reasons: dict[str, str]


class ReportOut(Schema):
    id: int
    client_id: uuid.UUID
    kind: str
    kind_label: str
    status: str
    status_label: str
    revision: int
    household_id: int | None
    kelurahan: str
    kelurahan_name: str
    reporter: str
    visit_date: datetime.date | None
    submitted_at: datetime.datetime | None
    updated_at: datetime.datetime
    return_reasons: dict[str, str]
    summary: str


class ReportPage(Schema):
    items: list[ReportOut]
    count: int


class DiffRowOut(Schema):
    path: str
    label: str
    current: Any
    proposed: Any
    base: Any
    changed: bool
    conflict: bool


class ReportDetailOut(ReportOut):
    payload: dict[str, Any]
    latitude: float | None
    longitude: float | None
    gps_accuracy_m: int | None
    notes: str
    photos: list[PhotoOut]
    steps: list[StepOut]
    diff: list[DiffRowOut]
    result: dict[str, Any]


class NotificationOut(Schema):
    id: int
    message: str
    url: str
    created_at: datetime.datetime
    read: bool
