"""API schemas of cases."""

from __future__ import annotations

import datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from pilar.cases.choices import (
    IntakeSource,
    InterventionStatus,
    InterventionType,
    NeedArea,
    Outcome,
)
from pilar.core.api import PageParams
from pilar.core.dates import PlannedDate, RecordDate
from pilar.registry.schemas import ProcessingOverrideIn


class InterventionOut(Schema):
    id: int
    kind: str
    kind_label: str
    target: str
    program_id: int | None
    enrollment_id: int | None
    planned_date: datetime.date
    status: str
    done_on: datetime.date | None
    result_note: str


class VisitOut(Schema):
    id: int
    visited_on: datetime.date
    visitor: str
    notes: str
    latitude: float | None
    longitude: float | None


class CaseStepOut(Schema):
    action: str
    action_label: str
    actor: str
    at: datetime.datetime
    note: str


class CaseOut(Schema):
    id: int
    record_id: int
    ppks_type: int = Field(description="Nomor jenis PPKS (1-26).")
    ppks_type_name: str
    person_id: int | None
    person_name: str | None
    household_id: int
    kelurahan: str
    status: str
    intake_date: datetime.date
    intake_source: str
    intake_notes: str
    needs: list[str]
    assessment_notes: str
    assigned_to_id: int | None
    assigned_to_name: str | None
    followup_days: int
    next_due: datetime.date | None
    overdue: bool = Field(description="Masih berjalan dan tanggal tindak lanjut sudah lewat.")
    outcome: str
    closed_on: datetime.date | None
    closure_note: str


class CaseDetailOut(CaseOut):
    interventions: list[InterventionOut]
    visits: list[VisitOut]
    steps: list[CaseStepOut]


class CasePage(Schema):
    items: list[CaseOut]
    count: int


class CaseParams(PageParams):
    status: str = Field("", description="baru, asesmen, rencana, proses, ditutup, atau terbuka.")
    outcome: Outcome | None = None
    overdue: bool = Field(False, description="Hanya yang terlambat ditindaklanjuti.")
    kecamatan: str = Field("", description="Kode kecamatan.")
    kelurahan: str = Field("", description="Kode kelurahan.")
    worker: int | None = Field(None, description="ID pengguna petugas.")
    ppks_type: int | None = Field(None, ge=1, description="Nomor jenis PPKS (1-26).")
    q: str = Field("", description="Nama, NIK atau No. KK.")


class CaseOpenIn(ProcessingOverrideIn):
    model_config = ConfigDict(extra="forbid")

    record_id: int = Field(description="ID data PPKS yang masih aktif.")
    intake_source: IntakeSource
    intake_date: RecordDate | None = Field(None, description="Bawaan: hari ini.")
    intake_notes: str = ""
    assigned_to_id: int | None = None
    followup_days: int | None = Field(None, description="Bawaan: PILAR_CASE_FOLLOWUP_DAYS.")


class AssignIn(ProcessingOverrideIn):
    model_config = ConfigDict(extra="forbid")

    worker_id: int
    note: str = ""


class AssessIn(Schema):
    model_config = ConfigDict(extra="forbid")

    needs: list[NeedArea] = Field(default_factory=list)
    assessment_notes: str = ""
    assessed_on: RecordDate | None = None


class InterventionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: InterventionType
    target: str = ""
    program_id: int | None = None
    enrollment_id: int | None = None
    planned_date: PlannedDate | None = None


class ResultIn(Schema):
    model_config = ConfigDict(extra="forbid")

    status: Literal[InterventionStatus.DONE, InterventionStatus.CANCELLED]  # type: ignore[valid-type]
    result_note: str
    done_on: RecordDate | None = None


class VisitIn(Schema):
    model_config = ConfigDict(extra="forbid")

    visited_on: RecordDate | None = None
    notes: str
    latitude: float | None = None
    longitude: float | None = None


class CloseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    outcome: Outcome
    closed_on: RecordDate | None = None
    closure_note: str = ""
