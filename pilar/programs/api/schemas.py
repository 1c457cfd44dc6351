"""The request and response schemas of the programs API, by topic.

The class names are the component names of the OpenAPI document, and API clients
generate code from them: never rename one. They are prefixed (`Program*`,
`Candidate*`, `Enrollment*`) because ninja silently replaces a component of the
same name from another app. No docstrings on schemas: pydantic would publish them
as descriptions.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from pilar.core.api import PageParams
from pilar.core.dates import PlannedDate
from pilar.registry.schemas import ProcessingOverrideIn

# Programs, the rule field registry, preview --------------------------------------------


class QuotaOut(Schema):
    area_code: str
    quota: int


class ProgramOut(Schema):
    id: int
    code: str
    name: str
    agency: str
    level: str
    benefit_type: str
    amount: Decimal | None
    amount_by_level: dict[str, Any]
    frequency: str
    year: int | None
    start_date: datetime.date | None
    end_date: datetime.date | None
    budget: Decimal | None
    is_national: bool
    is_active: bool
    rule: dict[str, Any]
    rule_text: str
    description: str
    quotas: list[QuotaOut]
    updated_at: datetime.datetime


class ProgramPage(Schema):
    items: list[ProgramOut]
    count: int


class ProgramParams(PageParams):
    q: str = Field("", description="Cari nama, OPD atau kode program.")
    level: str = Field("", description="individu | keluarga")
    status: str = Field("", description="aktif | nonaktif")
    national: str = Field("", description="ya | tidak")


class OperatorOut(Schema):
    key: str
    label: str


class ChoiceOut(Schema):
    value: str | int
    label: str


class FieldOut(Schema):
    key: str
    label: str
    type: str
    type_label: str
    group: str
    group_label: str
    levels: list[str]
    operators: list[OperatorOut]
    choices: list[ChoiceOut]
    minimum: float | None
    maximum: float | None
    integer: bool
    help: str


class PreviewIn(Schema):
    level: str = Field(..., description="individu | keluarga")
    rule: dict[str, Any] = Field(..., description='{"op": "and"|"or", "rules": [...]}')
    reference_date: PlannedDate | None = Field(
        None, description="Tanggal acuan usia (bawaan: hari ini)."
    )


class PreviewRow(Schema):
    id: int
    name: str
    id_number: str = Field(..., description="NIK (individu) atau No. KK (keluarga), disamarkan.")
    address: str
    kelurahan: str
    kecamatan: str
    desil: int | None
    age: int | None
    url: str


class PreviewOut(Schema):
    count: int
    items: list[PreviewRow]
    level: str
    reference_date: datetime.date
    description: str


class RuleIn(Schema):
    rule: dict[str, Any]


class ProgramQuotaIn(Schema):
    area_code: str = Field(..., description="Kode kecamatan atau kelurahan, mis. 36.71.01.")
    quota: int = Field(..., ge=0, description="Jumlah kepesertaan yang boleh disetujui.")


class ProgramCreateIn(Schema):
    name: str = ""
    agency: str = Field("", description="OPD pelaksana.")
    level: str = Field("", description="individu | keluarga")
    benefit_type: str = Field("", description="tunai | barang | jasa | bedah_rumah")
    amount: Decimal | None = Field(None, description="Nilai manfaat (Rp).")
    amount_by_level: dict[str, Any] = Field(
        default_factory=dict, description='Nilai per jenjang, mis. {"SD": 80000}.'
    )
    frequency: str = Field("sekali", description="sekali | bulanan | tahunan")
    year: int | None = Field(None, ge=2000, le=2100, description="Tahun anggaran.")
    start_date: PlannedDate | None = None
    end_date: PlannedDate | None = None
    budget: Decimal | None = Field(None, description="Pagu anggaran (Rp).")
    is_national: bool = False
    is_active: bool = True
    description: str = ""
    rule: dict[str, Any] | None = Field(
        None, description='Aturan kelayakan {"op": "and"|"or", "rules": [...]} (boleh kosong).'
    )
    quotas: list[ProgramQuotaIn] | None = Field(None, description="Kuota per wilayah.")


class ProgramPatchIn(Schema):
    name: str | None = None
    agency: str | None = None
    level: str | None = None
    benefit_type: str | None = None
    amount: Decimal | None = None
    amount_by_level: dict[str, Any] | None = None
    frequency: str | None = None
    year: int | None = Field(None, ge=2000, le=2100)
    start_date: PlannedDate | None = None
    end_date: PlannedDate | None = None
    budget: Decimal | None = None
    is_national: bool | None = None
    is_active: bool | None = None
    description: str | None = None
    rule: dict[str, Any] | None = Field(None, description="Aturan baru (tidak dikirim: tetap).")
    quotas: list[ProgramQuotaIn] | None = Field(
        None,
        description="Kuota per wilayah, menggantikan semua kuota lama ([] menghapus semuanya; "
        "tidak dikirim: tetap).",
    )


# Beneficiaries (partners included) -----------------------------------------------------


class PriorityPartOut(Schema):
    key: str
    label: str
    rule: str
    value: int | None
    points: int


class BeneficiaryOut(Schema):
    id: int
    program_id: int
    program: str
    period: int
    status: str
    status_label: str
    name: str = Field(..., description="Nama individu, atau kepala keluarga.")
    nik: str | None = Field(None, description="NIK, disamarkan kecuali diberi akses.")
    no_kk: str | None = Field(None, description="No. KK, disamarkan kecuali diberi akses.")
    kelurahan: str
    kecamatan: str
    amount: Decimal | None
    delivered_on: datetime.date | None = Field(None, description="Tanggal penyaluran terakhir.")
    delivered_amount: Decimal | None = Field(None, description="Nilai penyaluran terakhir.")
    delivery_count: int = Field(0, description="Jumlah penyaluran tercatat.")
    paid_total: Decimal = Field(Decimal(0), description="Total yang sudah disalurkan (Rp).")
    months_paid: list[str] = Field(
        default_factory=list, description="Bulan yang sudah dibayar (TTTT-BB), program bulanan."
    )
    priority_total: int
    priority_parts: list[PriorityPartOut]


class BeneficiaryPage(Schema):
    items: list[BeneficiaryOut]
    count: int


class BeneficiaryParams(PageParams):
    q: str = Field("", description="Cari nama, alamat, atau awal NIK/No. KK.")
    status: str = Field("", description="disetujui | disalurkan | selesai")


# Deliveries ----------------------------------------------------------------------------


class DeliveryOut(Schema):
    id: int
    enrollment_id: int
    period_month: str | None = Field(
        None, description="Bulan yang dibayar (TTTT-BB); kosong untuk program sekali salur."
    )
    delivered_on: datetime.date
    amount: Decimal
    planned_amount: Decimal | None = Field(None, description="Nilai rencana saat dibayar.")
    amount_reason: str = Field(..., description="Alasan bila nilai berbeda dari rencana.")
    note: str
    evidence_url: str | None
    actor: str | None = Field(None, description="Nama pengguna yang mencatat.")
    created_at: datetime.datetime


class DeliveryListOut(Schema):
    enrollment_id: int
    program_id: int
    frequency: str
    status: str
    planned_amount: Decimal | None = Field(None, description="Nilai per penyaluran/bulan.")
    delivery_count: int
    paid_total: Decimal
    months_paid: list[str]
    months_open: list[str] = Field(
        ..., description="Bulan periode program yang belum dibayar (program bulanan)."
    )
    items: list[DeliveryOut]


class MonthDeliveryOut(Schema):
    count: int
    period_month: str


DELIVERY_FORM_DOC = {
    "requestBody": {
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "delivered_on": {"type": "string", "format": "date"},
                        "amount": {"type": "string", "description": "Rupiah, mis. 100000."},
                        "period_month": {
                            "type": "string",
                            "description": "TTTT-BB, program bulanan (bawaan: bulan tanggal).",
                        },
                        "amount_reason": {"type": "string"},
                        "note": {"type": "string"},
                        "complete": {"type": "boolean"},
                        "override_basis": {
                            "type": "string",
                            "description": (
                                "Hanya bila pemrosesan peserta dibatasi (UU 27/2022): "
                                "kewajiban_hukum, kepentingan_vital atau tugas_publik."
                            ),
                        },
                        "override_reason": {
                            "type": "string",
                            "description": "Alasan penyaluran meski dibatasi (dicatat).",
                        },
                    },
                    "required": ["delivered_on", "amount"],
                }
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "description": "Kolom yang sama, ditambah berkas bukti.",
                    "properties": {"evidence": {"type": "string", "format": "binary"}},
                }
            },
        }
    }
}


MONTH_FORM_DOC = {
    "requestBody": {
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "ids": {"type": "array", "items": {"type": "integer"}},
                        "period_month": {"type": "string", "description": "TTTT-BB"},
                        "delivered_on": {"type": "string", "format": "date"},
                        "note": {"type": "string"},
                    },
                    "required": ["ids", "period_month", "delivered_on"],
                }
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "description": "Kolom yang sama (ids dipisah koma), ditambah berkas bukti.",
                    "properties": {"evidence": {"type": "string", "format": "binary"}},
                }
            },
        }
    }
}

# Candidates and enrollments ------------------------------------------------------------


class CandidateGenerateOut(Schema):
    count: int = Field(..., description="Jumlah kandidat dalam daftar baru.")
    removed: int = Field(..., description="Kandidat lama yang diganti.")
    period: int


class CandidateOut(Schema):
    id: int
    program_id: int
    period: int
    status: str
    status_label: str
    household_id: int
    person_id: int | None
    name: str = Field(..., description="Nama individu, atau kepala keluarga.")
    nik: str | None = Field(None, description="NIK, disamarkan.")
    no_kk: str | None = Field(None, description="No. KK, disamarkan.")
    kelurahan: str
    kecamatan: str
    amount: Decimal | None
    school_level: str
    priority_total: int
    priority_parts: list[PriorityPartOut]


class CandidatePage(Schema):
    items: list[CandidateOut]
    count: int


class CandidateParams(PageParams):
    q: str = Field("", description="Cari nama, alamat, atau awal NIK/No. KK.")


class CandidateManualIn(ProcessingOverrideIn):
    household_id: int | None = Field(None, description="Keluarga (program sasaran keluarga).")
    person_id: int | None = Field(None, description="Individu (program sasaran individu).")


class EnrollmentOut(CandidateOut):
    reject_reason: str
    delivered_on: datetime.date | None
    delivered_amount: Decimal | None


class EnrollmentPage(Schema):
    items: list[EnrollmentOut]
    count: int


class EnrollmentParams(CandidateParams):
    status: str = Field(
        "", description="diusulkan | disetujui | ditolak | disalurkan | selesai (kosong: semua)"
    )


class EnrollmentActionIn(Schema):
    ids: list[int] = Field(
        default_factory=list,
        description="ID kandidat (usul) atau ID kepesertaan (setujui, tolak, selesaikan).",
    )
    note: str = Field("", description="Catatan langkah.")
    reason: str = Field("", description="Alasan penolakan (wajib untuk reject).")


class EnrollmentCountOut(Schema):
    count: int


class ProgramQuotaUsageOut(Schema):
    area_code: str
    quota: int
    used: int
    left: int


class ProgramBudgetUsageOut(Schema):
    budget: Decimal | None
    paid: Decimal
    committed: Decimal
    used: Decimal
    left: Decimal | None


class ProgramUsageOut(Schema):
    period: int
    quotas: list[ProgramQuotaUsageOut]
    budget: ProgramBudgetUsageOut


# National programs ---------------------------------------------------------------------


class NationalParticipationIn(Schema):
    numbers: list[str] = Field(
        ..., description="No. KK (program keluarga) atau NIK (program individu), 16 digit."
    )
    period: int = Field(..., description="Tahun periode kepesertaan.")
    source: str = Field(..., description="Sumber data, mis. 'Data SIKS-NG Oktober 2026'.")


class NationalParticipationOut(Schema):
    period: int
    created: int
    already: list[str]
    not_found: list[str]
    invalid: list[str]
