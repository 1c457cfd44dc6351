"""API schemas of PPKS types and records."""

from __future__ import annotations

import datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from pilar.core.api import PageParams
from pilar.core.dates import RecordDate
from pilar.ppks.choices import RecordStatus
from pilar.registry.choices import Disability


class PpksTypeOut(Schema):
    number: int
    name: str
    short_name: str
    level: str = Field(description="individu, keluarga atau komunitas.")
    min_age: int | None
    max_age: int | None
    sex: str = Field(description="L atau P bila hanya untuk satu jenis kelamin, kosong: semua.")
    has_disability_subtypes: bool
    is_restricted: bool = Field(description="Data kesehatan: aksesnya dibatasi.")
    rule: str = Field(description="Aturan usia dalam kata-kata, misalnya 'usia 0–5 tahun'.")


class PpksRecordOut(Schema):
    id: int
    ppks_type: int = Field(description="Nomor jenis PPKS (1-26).")
    ppks_type_name: str
    level: str
    person_id: int | None
    person_name: str | None
    household_id: int
    kelurahan: str
    status: str
    disability_subtypes: list[str]
    date_found: datetime.date
    reporter_name: str
    notes: str
    ended_on: datetime.date | None
    end_reason: str
    created_at: datetime.datetime
    validated_at: datetime.datetime | None = Field(
        None, description="Waktu validasi oleh Dinas Sosial; kosong: belum divalidasi."
    )


class PpksRecordPage(Schema):
    items: list[PpksRecordOut]
    count: int


class PpksRecordParams(PageParams):
    ppks_type: int | None = Field(None, ge=1, description="Nomor jenis PPKS (1-26).")
    status: RecordStatus | None = None
    validated: Literal["ya", "tidak"] | None = Field(
        None, description="ya: sudah divalidasi Dinas Sosial, tidak: belum."
    )
    kelurahan: str = Field("", description="Kode kelurahan.")
    kecamatan: str = Field("", description="Kode kecamatan.")
    person_id: int | None = None
    household_id: int | None = None


class PpksRecordIn(Schema):
    model_config = ConfigDict(extra="forbid")

    ppks_type: int | str = Field(description="Nomor jenis PPKS (1-26), nama atau singkatannya.")
    person_id: int | None = Field(None, description="Untuk jenis PPKS tingkat individu.")
    household_id: int | None = Field(None, description="Untuk jenis PPKS tingkat keluarga.")
    date_found: RecordDate | None = Field(None, description="Bawaan: hari ini.")
    disability_subtypes: list[str] = Field(
        default_factory=list,
        description="Untuk jenis dengan sub-jenis disabilitas. Pilihan: "
        + ", ".join(Disability.values)
        + ".",
    )
    notes: str = ""
    reporter_name: str = ""


class PpksEndIn(Schema):
    model_config = ConfigDict(extra="forbid")

    ended_on: RecordDate | None = Field(None, description="Bawaan: hari ini.")
    end_reason: str = ""
