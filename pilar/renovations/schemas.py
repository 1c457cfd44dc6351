"""API schemas of Bedah Rumah."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ninja import Field, Schema
from pydantic import ConfigDict
from pydantic.config import JsonDict

from pilar.core.api import PageParams
from pilar.core.dates import PlannedDate, RecordDate
from pilar.renovations.choices import CostCategory, Mode
from pilar.renovations.filters import STATUS_CHOICES

# Money and volume: a JSON number, or a string as typed on an Indonesian keyboard
# ("1.500.000", "2,5"). Choice fields stay plain strings so that the action's own
# Indonesian messages answer a wrong value, under the same field names as the page.
Amount = str | Decimal | None
MODE_DOC: JsonDict = {"enum": list(Mode.values)}
CATEGORY_DOC: JsonDict = {"enum": list(CostCategory.values)}


# Output ----------------------------------------------------------------------------


class RenovationCostItemOut(Schema):
    id: int
    position: int
    category: str
    category_label: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    total: Decimal


class RenovationReportOut(Schema):
    id: int
    reported_on: datetime.date
    percent: int
    note: str
    reporter: str
    photo_ids: list[int]


class RenovationPhotoOut(Schema):
    id: int
    kind: str
    kind_label: str
    taken_on: datetime.date
    caption: str
    latitude: float | None
    longitude: float | None
    report_id: int | None
    url: str = Field(description="Halaman foto (masuk dengan sesi login Pilar).")


class RenovationFailedOut(Schema):
    code: str
    label: str


class RenovationAssessmentOut(Schema):
    id: int
    assessed_on: datetime.date
    survey_id: int
    is_rtlh: bool
    failed: list[RenovationFailedOut] = Field(description="Kriteria RTLH yang tidak terpenuhi.")


class RenovationStepOut(Schema):
    action: str
    action_label: str
    actor: str
    at: datetime.datetime
    note: str


class RenovationOut(Schema):
    id: int
    status: str
    status_label: str
    mode: str
    mode_label: str
    contractor: str
    progress: int = Field(description="Progres pekerjaan (%).")
    household_id: int
    head_name: str | None = Field(description="Nama kepala keluarga.")
    address: str
    kelurahan: str = Field(description="Kode kelurahan.")
    kelurahan_name: str
    kecamatan: str = Field(description="Kode kecamatan.")
    kecamatan_name: str
    enrollment_id: int
    program_id: int
    program_name: str
    period: int
    planned_start: datetime.date | None
    planned_finish: datetime.date | None
    started_on: datetime.date | None
    handed_over_on: datetime.date | None
    planned_cost: Decimal | None = Field(description="Total RAB (Rp); kosong bila belum ada RAB.")
    amount: Decimal | None = Field(description="Nilai bantuan pada kepesertaan (Rp).")
    final_cost: Decimal | None = Field(description="Biaya realisasi saat serah terima (Rp).")
    updated_at: datetime.datetime


class RenovationPage(Schema):
    items: list[RenovationOut]
    count: int


class RenovationDetailOut(RenovationOut):
    contract_number: str
    handover_number: str
    handover_note: str
    has_handover_document: bool
    cost_reason: str = Field(description="Alasan biaya realisasi berbeda dari nilai bantuan.")
    cancel_reason: str
    before_survey_id: int | None
    after_survey_id: int | None
    before_assessment: RenovationAssessmentOut | None
    after_assessment: RenovationAssessmentOut | None
    cost_items: list[RenovationCostItemOut]
    reports: list[RenovationReportOut]
    photos: list[RenovationPhotoOut]
    steps: list[RenovationStepOut]
    created_at: datetime.datetime


class RenovationReadyOut(Schema):
    enrollment_id: int
    program_id: int
    program_name: str
    period: int
    household_id: int
    head_name: str | None
    address: str
    kelurahan: str
    kelurahan_name: str
    kecamatan: str
    kecamatan_name: str
    amount: Decimal | None
    priority_total: int
    surveyed_on: datetime.date | None = Field(
        description="Survei rumah terakhir; kosong: rumah harus disurvei dahulu."
    )
    is_rtlh: bool | None = Field(description="Hasil asesmen RTLH terakhir.")


class RenovationReadyPage(Schema):
    items: list[RenovationReadyOut]
    count: int


class RenovationTargetRowOut(Schema):
    code: str = Field(description="Kode kecamatan (kosong pada baris jumlah).")
    name: str
    remaining: int = Field(description="Rumah RTLH tersisa sekarang.")
    in_progress: int = Field(description="Bedah rumah yang sedang berjalan.")
    by_year: dict[int, int] = Field(description="Rumah diserahterimakan per tahun.")
    last_12_months: int
    still_rtlh_after: int = Field(description="Sudah diserahterimakan tetapi masih RTLH.")
    needed_per_year: int = Field(description="Rumah per tahun agar nol pada tahun target.")
    zero_year: int | None = Field(description="Tahun nol dengan laju 12 bulan terakhir.")
    on_track: bool


class RenovationTargetOut(Schema):
    target_year: int
    on: datetime.date
    years: list[int]
    rows: list[RenovationTargetRowOut]
    total: RenovationTargetRowOut


# Input -----------------------------------------------------------------------------


class RenovationParams(PageParams):
    q: str = Field("", description="Nama anggota keluarga, No. KK/NIK (16 digit), atau alamat.")
    status: str = Field("", description=", ".join(STATUS_CHOICES) + ".")
    mode: str = Field("", description="kontraktor | swakelola")
    kecamatan: str = Field("", description="Kode kecamatan.")
    kelurahan: str = Field("", description="Kode kelurahan.")
    program: int | None = Field(None, description="ID program.")
    year: int | None = Field(None, description="Tahun serah terima.")


class RenovationReadyParams(PageParams):
    q: str = Field("", description="Nama anggota keluarga, No. KK/NIK (16 digit), atau alamat.")
    kecamatan: str = Field("", description="Kode kecamatan.")
    kelurahan: str = Field("", description="Kode kelurahan.")
    program: int | None = Field(None, description="ID program.")


class RenovationPlanFields(Schema):
    model_config = ConfigDict(extra="forbid")

    mode: str = Field(json_schema_extra=MODE_DOC)
    contractor: str = Field("", description="Nama kontraktor atau kelompok swakelola.")
    contract_number: str = ""
    planned_start: PlannedDate | None = None
    planned_finish: PlannedDate | None = None
    note: str = ""


class RenovationOpenIn(RenovationPlanFields):
    enrollment_id: int = Field(description="Kepesertaan program bedah rumah yang disetujui.")


class RenovationCostItemIn(Schema):
    model_config = ConfigDict(extra="forbid")

    category: str = Field("", json_schema_extra=CATEGORY_DOC)
    description: str = ""
    quantity: Amount = Field(None, description='Volume: angka, atau teks seperti "2,5".')
    unit: str = Field("", description="Satuan, mis. m², sak, batang, OH.")
    unit_price: Amount = Field(None, description='Harga satuan (Rp): angka atau "1.500.000".')


class RenovationPlanIn(RenovationPlanFields):
    items: list[RenovationCostItemIn] = Field(
        default_factory=list, description="Seluruh baris RAB."
    )


class RenovationStartIn(Schema):
    model_config = ConfigDict(extra="forbid")

    started_on: RecordDate | None = None
    note: str = ""


class RenovationCancelIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = ""
