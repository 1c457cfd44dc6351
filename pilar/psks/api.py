"""API of PSKS training: check-in from the field app, the caller's own trainings, and
for Dinas Sosial the events, their participants and scores (mounted at
/api/v1/training)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from pilar.accounts.choices import Role
from pilar.accounts.types import ApiRequest
from pilar.core.api import AUTH_EDIT, AUTH_PEOPLE, ERRORS, PageParams, paginate
from pilar.core.errors import NotAllowed
from pilar.psks.actions import can_manage
from pilar.psks.checkin import check_in
from pilar.psks.models import Participant, PsksWorker, TrainingEvent
from pilar.psks.training import record_scores

router = Router()


class CheckinIn(Schema):
    code: str = Field(..., max_length=40, description="Kode kehadiran hari ini (6 huruf/angka).")
    client_id: str = Field(
        "", max_length=40, description="UUID buatan ponsel: kirim ulang dengan ID sama aman."
    )
    checked_in_at: str = Field(
        "", max_length=40, description="Waktu hadir di ponsel (ISO 8601); kosong = sekarang."
    )


class CheckinOut(Schema):
    id: int
    event_id: int
    event_title: str
    day: datetime.date
    method: str
    checked_in_at: datetime.datetime
    created: bool
    message: str


class MyTrainingOut(Schema):
    event_id: int
    title: str
    topic: str
    place: str
    starts_on: datetime.date
    ends_on: datetime.date
    days_present: list[datetime.date]
    pre_score: Decimal | None
    post_score: Decimal | None
    certificate_number: str | None


class EventOut(Schema):
    id: int
    title: str
    topic: str
    is_basic: bool
    place: str
    organiser: str
    starts_on: datetime.date
    ends_on: datetime.date
    participants: int


class EventPage(Schema):
    items: list[EventOut]
    count: int


class ParticipantOut(Schema):
    id: int
    worker_id: int
    name: str
    role: str
    kecamatan: str
    kelurahan: str | None
    days_present: int
    pre_score: Decimal | None
    post_score: Decimal | None
    certificate_number: str | None


class ParticipantPage(Schema):
    items: list[ParticipantOut]
    count: int


class ScoreIn(Schema):
    participant_id: int = Field(..., ge=1, le=2**62)
    pre: str = Field("", max_length=10, description="0–100; kosong = tidak diubah; '-' = hapus.")
    post: str = Field("", max_length=10)


class ScoresIn(Schema):
    scores: list[ScoreIn] = Field(..., max_length=2000)


class ScoresOut(Schema):
    changed: int


@router.post(
    "/checkin",
    response={200: CheckinOut, 201: CheckinOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Isi daftar hadir pelatihan dengan kode",
)
def checkin(request: ApiRequest, payload: CheckinIn):
    """Dipanggil aplikasi lapangan saat peserta memindai QR atau mengetik kode hari ini.
    Bisa dikirim belakangan (luring): `checked_in_at` menentukan hari kehadiran, dan
    `client_id` yang sama menjawab catatan pertama (200) tanpa membuat yang kedua.
    Ditolak (422, `codes.code`): kode salah (`wrong_code`), kode hari lain
    (`wrong_day`), di luar hari pelatihan (`outside_days`), bukan peserta
    (`not_invited`), sudah tercatat hari itu (`already`)."""
    result = check_in(
        acting_user=request.auth,
        code=payload.code,
        checked_in_at=payload.checked_in_at,
        client_id=payload.client_id,
    )
    a = result.attendance
    body = {
        "id": a.pk,
        "event_id": a.participant.event_id,
        "event_title": a.participant.event.title,
        "day": a.day,
        "method": a.method,
        "checked_in_at": a.checked_in_at,
        "created": result.created,
        "message": result.message,
    }
    return Status(201 if result.created else 200, body)


@router.get(
    "/mine",
    response={200: list[MyTrainingOut], **ERRORS},
    auth=AUTH_PEOPLE,
    summary="Pelatihan saya",
)
def mine(request: ApiRequest):
    """Pelatihan yang mengundang pengguna (akun TKSK/PSM yang terhubung dengan data
    PSKS), dengan hari hadir, nilai tes dan nomor sertifikat."""
    worker_id = request.auth.psks_worker_id
    if not worker_id:
        return []
    rows = (
        Participant.objects.filter(worker_id=worker_id)
        .select_related("event")
        .prefetch_related("attendance")
        .order_by("-event__starts_on")[:50]
    )
    return [
        {
            "event_id": p.event_id,
            "title": p.event.title,
            "topic": p.event.topic,
            "place": p.event.place,
            "starts_on": p.event.starts_on,
            "ends_on": p.event.ends_on,
            "days_present": sorted(a.day for a in p.attendance.all()),
            "pre_score": p.pre_score,
            "post_score": p.post_score,
            "certificate_number": p.certificate_number,
        }
        for p in rows
    ]


class EventParams(PageParams):
    q: str = Field("", max_length=100, description="Cari judul.")


@router.get(
    "/events", response={200: EventPage, **ERRORS}, auth=AUTH_PEOPLE, summary="Daftar pelatihan"
)
def events(request: ApiRequest, params: Query[EventParams]):
    """Dinas Sosial, pimpinan dan TKSK melihat semua pelatihan; PSM yang mengundangnya saja."""
    qs = _events_for(request.auth).annotate(n=Count("participants"))
    if params.q.strip():
        qs = qs.filter(title__icontains=params.q.strip())
    items, count = paginate(qs.order_by("-starts_on", "-pk"), params)
    return {
        "items": [
            {
                "id": e.pk,
                "title": e.title,
                "topic": e.topic,
                "is_basic": e.is_basic,
                "place": e.place,
                "organiser": e.organiser,
                "starts_on": e.starts_on,
                "ends_on": e.ends_on,
                "participants": e.n,
            }
            for e in items
        ],
        "count": count,
    }


def _events_for(user):
    """Events are not personal data, but a PSM sees only those they are invited to."""
    if user.is_city_wide or user.role == Role.TKSK:
        return TrainingEvent.objects.all()
    return TrainingEvent.objects.filter(participants__worker_id=user.psks_worker_id or 0)


@router.get(
    "/events/{event_id}/participants",
    response={200: ParticipantPage, **ERRORS},
    auth=AUTH_PEOPLE,
    summary="Peserta pelatihan",
)
def participants(request: ApiRequest, event_id: int, params: Query[PageParams]):
    """Peserta di wilayah kerja pengguna (TKSK: kecamatannya), dengan hari hadir,
    nilai dan sertifikat."""
    user = request.auth
    if not (user.is_city_wide or user.role == Role.TKSK):
        raise NotAllowed
    event = get_object_or_404(TrainingEvent, pk=event_id)
    workers = PsksWorker.objects.restrict(user, "view").values("pk")
    qs = (
        event.participants.filter(worker__in=workers)
        .select_related("worker__psks_type", "worker__district", "worker__village")
        .annotate(days=Count("attendance"))
        .order_by("worker__name", "pk")
    )
    items, count = paginate(qs, params)
    return {
        "items": [
            {
                "id": p.pk,
                "worker_id": p.worker_id,
                "name": p.worker.name,
                "role": p.worker.psks_type.short_name,
                "kecamatan": p.worker.district.name,
                "kelurahan": p.worker.village.name if p.worker.village_id else None,
                "days_present": p.days,
                "pre_score": p.pre_score,
                "post_score": p.post_score,
                "certificate_number": p.certificate_number,
            }
            for p in items
        ],
        "count": count,
    }


@router.post(
    "/events/{event_id}/scores",
    response={200: ScoresOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Simpan nilai pre/post-test",
)
def scores(request: ApiRequest, event_id: int, payload: ScoresIn):
    """Nilai 0–100 per peserta (Dinas Sosial). Semua baris diperiksa dulu; satu
    kesalahan menolak seluruh kiriman."""
    if not can_manage(request.auth):
        raise NotAllowed
    event = get_object_or_404(TrainingEvent, pk=event_id)
    changed = record_scores(
        event,
        acting_user=request.auth,
        scores={s.participant_id: {"pre": s.pre, "post": s.post} for s in payload.scores},
    )
    return {"changed": changed}
