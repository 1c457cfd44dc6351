"""API schemas of household assessments, the overdue list and the consistency watch."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from pilar.core.api import PageParams
from pilar.core.dates import RecordDate


class CriterionOut(Schema):
    number: int
    code: str
    label: str


class CriteriaOut(Schema):
    poverty: list[CriterionOut]
    rtlh: list[CriterionOut]
    poor_threshold: int = Field(description="Jumlah kriteria minimal agar keluarga miskin.")
    rtlh_m2_per_person: Decimal = Field(description="Batas luas lantai per orang (m²).")
    reassess_months: int


class PovertyOut(Schema):
    id: int
    household_id: int
    assessed_on: datetime.date
    assessor: str | None
    source_report_id: int | None
    survey_id: int | None = Field(description="Survei rumah yang dipakai untuk isian otomatis.")
    criteria: dict[str, bool] = Field(description="Kode kriteria -> terpenuhi (14 kriteria BPS).")
    criteria_met_labels: list[str]
    prefilled: list[str] = Field(description="Kode kriteria yang diisi otomatis dari data.")
    criteria_met: int
    threshold: int
    is_poor: bool
    due_on: datetime.date
    notes: str
    created_at: datetime.datetime


class FailedOut(Schema):
    code: str
    label: str


class RtlhOut(Schema):
    id: int
    household_id: int
    assessed_on: datetime.date
    assessor: str | None
    survey_id: int
    failed: list[FailedOut]
    area_per_person: Decimal
    m2_threshold: Decimal
    is_rtlh: bool
    due_on: datetime.date
    notes: str
    created_at: datetime.datetime


class HouseholdAssessmentsOut(Schema):
    household_id: int
    desil: int | None = Field(
        description="Desil nasional sebagaimana diterima (bukan hasil asesmen)."
    )
    poverty: PovertyOut | None = Field(description="Asesmen kemiskinan terakhir.")
    rtlh: RtlhOut | None = Field(description="Asesmen RTLH terakhir.")
    poverty_overdue: bool
    rtlh_overdue: bool


class PovertyIn(Schema):
    model_config = ConfigDict(extra="forbid")

    assessed_on: RecordDate | None = Field(None, description="Bawaan: hari ini.")
    criteria: dict[str, bool | None] = Field(
        default_factory=dict,
        description=(
            "Kode kriteria -> true/false. Kriteria yang tidak dikirim (atau null) memakai "
            "isian otomatis dari survei rumah terakhir dan pendidikan kepala keluarga bila "
            "datanya ada, selain itu false. Kode: GET /assessments/criteria."
        ),
    )
    notes: str = Field("", max_length=2000)
    source_report_id: int | None = None


class RtlhIn(Schema):
    model_config = ConfigDict(extra="forbid")

    survey_id: int | None = Field(None, description="Bawaan: survei rumah terakhir keluarga.")
    assessed_on: RecordDate | None = Field(None, description="Bawaan: hari ini.")
    notes: str = Field("", max_length=2000)


class AreaParams(PageParams):
    kecamatan: str = Field("", description="Kode kecamatan, mis. 36.71.01.")
    kelurahan: str = Field("", description="Kode kelurahan, mis. 36.71.01.1001.")


class OverdueParams(AreaParams):
    jenis: Literal["kemiskinan", "rtlh"] | None = Field(
        None, description="kemiskinan atau rtlh; kosong: salah satu."
    )


class OverdueItem(Schema):
    household_id: int
    kelurahan: str
    head_name: str | None
    address: str
    desil: int | None
    poverty_assessed_on: datetime.date | None
    poverty_due_on: datetime.date | None
    is_poor: bool | None
    rtlh_assessed_on: datetime.date | None
    rtlh_due_on: datetime.date | None
    is_rtlh: bool | None


class OverduePage(Schema):
    items: list[OverdueItem]
    count: int


class ConsistencyParams(AreaParams):
    ppks_type: int | None = Field(None, ge=1, le=26, description="Nomor jenis PPKS (1-26).")
    masalah: Literal["usia", "tanggal_lahir", "jenis_kelamin", "status"] | None = None


class ConsistencyItem(Schema):
    record_id: int
    ppks_type: int
    ppks_type_name: str
    person_id: int
    person_name: str
    household_id: int
    kelurahan: str
    age_now: int | None
    reasons: list[str]


class ConsistencyPage(Schema):
    items: list[ConsistencyItem]
    count: int
