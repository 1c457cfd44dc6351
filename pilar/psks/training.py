"""Writes of training events (bimtek / pelatihan): the event, invitations by role and
area, materials, the test questions and scores, the organiser's attendance list and
the certificates. Phone check-ins are in pilar.psks.checkin.

Each action validates everything first (InvalidInput, Indonesian messages, nothing
written), then writes in one transaction. Only Dinas Sosial and admins run events.
"""

from __future__ import annotations

import datetime
import re
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from pilar.core.dates import parse_date, today
from pilar.core.errors import ErrorCollector, InvalidInput, NotAllowed
from pilar.core.numbers import parse_amount
from pilar.core.text import check_text
from pilar.psks.actions import PSM_TYPE_NUMBER, TKSK_TYPE_NUMBER, can_manage
from pilar.psks.choices import CheckinMethod, Topic
from pilar.psks.models import (
    Attendance,
    Participant,
    PsksWorker,
    TrainingEvent,
    TrainingMaterial,
    TrainingQuestion,
)
from pilar.regions.deployment import normalize_code

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

MAX_EVENT_DAYS = 31
MAX_MATERIAL_BYTES = 20 * 1024 * 1024
MATERIAL_TYPES = {".pdf", ".pptx", ".ppt", ".docx", ".doc", ".xlsx", ".jpg", ".jpeg", ".png"}
MAX_QUESTIONS = 50
CERTIFICATE_SLOT = "{n}"


def _require_manager(user: User) -> None:
    if not can_manage(user):
        raise NotAllowed


# The event ----------------------------------------------------------------------------


def clean_event(data: dict) -> dict:
    errors = ErrorCollector()
    out: dict[str, Any] = {}
    out["title"] = check_text(errors, "title", data.get("title"), max_length=200)
    if not out["title"] and "title" not in errors:
        errors.add("title", "Judul pelatihan wajib diisi.")
    topic = str(data.get("topic") or "").strip()
    if topic not in Topic.values:
        errors.add("topic", "Pilih topik pelatihan.")
    out["topic"] = topic
    out["is_basic"] = bool(data.get("is_basic")) or topic == Topic.BASIC
    out["description"] = check_text(errors, "description", data.get("description"), multiline=True)
    out["place"] = check_text(errors, "place", data.get("place"), max_length=200)
    if not out["place"] and "place" not in errors:
        errors.add("place", "Tempat pelatihan wajib diisi.")
    out["organiser"] = check_text(errors, "organiser", data.get("organiser"), max_length=200)
    if not out["organiser"] and "organiser" not in errors:
        errors.add("organiser", "Penyelenggara wajib diisi.")
    budget = parse_amount(errors, "budget", data.get("budget"), "Anggaran", decimals=0)
    out["budget"] = int(budget) if budget is not None else None
    out["starts_on"] = start = parse_date(
        errors, "starts_on", data.get("starts_on"), "Tanggal mulai", required=True
    )
    out["ends_on"] = end = parse_date(
        errors, "ends_on", data.get("ends_on"), "Tanggal selesai", required=True
    )
    if start and end:
        if end < start:
            errors.add("ends_on", "Tanggal selesai tidak boleh sebelum tanggal mulai.")
        elif (end - start).days + 1 > MAX_EVENT_DAYS:
            errors.add("ends_on", f"Pelatihan paling lama {MAX_EVENT_DAYS} hari.")
    errors.raise_if_any()
    return out


@transaction.atomic
def create_event(*, acting_user: User, data: dict) -> TrainingEvent:
    _require_manager(acting_user)
    values = clean_event(data)
    return TrainingEvent.objects.create(created_by=acting_user, **values)


@transaction.atomic
def update_event(event: TrainingEvent, *, acting_user: User, data: dict) -> TrainingEvent:
    _require_manager(acting_user)
    values = clean_event(data)
    days = set(_days(values["starts_on"], values["ends_on"]))
    stray = Attendance.objects.filter(participant__event=event).exclude(day__in=days)
    if stray.exists():
        raise InvalidInput(
            {"starts_on": ["Sudah ada kehadiran di luar tanggal baru ini; ubah daftar hadir dulu."]}
        )
    for field, value in values.items():
        setattr(event, field, value)
    event.save()
    return event


def _days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    return [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]


# Invitations --------------------------------------------------------------------------

INVITABLE_TYPES = {PSM_TYPE_NUMBER: "PSM", TKSK_TYPE_NUMBER: "TKSK"}


def invitable_workers(
    *, type_numbers: list[int], district: str = "", village: str = "", on: datetime.date
) -> QuerySet[PsksWorker]:
    """Workers of the given PSKS types active on `on`, in the city or an area."""
    qs = PsksWorker.objects.filter(
        psks_type__number__in=type_numbers,
        district__regency_id=settings.PILAR_REGION,
        active_from__lte=on,
    ).filter(Q(active_until__isnull=True) | Q(active_until__gte=on))
    if village:
        qs = qs.filter(village_id=village)
    elif district:
        qs = qs.filter(district_id=district)
    return qs


@transaction.atomic
def invite(
    event: TrainingEvent,
    *,
    acting_user: User,
    types: list[Any],
    district: str = "",
    village: str = "",
) -> int:
    """Invite every active worker of `types` (PSKS type numbers) in the city, a
    kecamatan or a kelurahan, in one step. Workers already invited are kept as they
    are. Returns how many were added."""
    _require_manager(acting_user)
    errors = ErrorCollector()
    numbers: list[int] = []
    for raw in types or []:
        text = str(raw).strip()
        if not text.isdigit() or int(text) not in INVITABLE_TYPES:
            errors.add("types", f"Peran '{text}' tidak dapat diundang (pilih PSM dan/atau TKSK).")
        else:
            numbers.append(int(text))
    if not numbers and "types" not in errors:
        errors.add("types", "Pilih peran yang diundang.")
    district = normalize_code(str(district or "")) if str(district or "").strip() else ""
    village = normalize_code(str(village or "")) if str(village or "").strip() else ""
    if district and not district.startswith(settings.PILAR_REGION + "."):
        errors.add("district", "Kecamatan tidak dikenal di wilayah ini.")
    if village and not village.startswith((district or settings.PILAR_REGION) + "."):
        errors.add("village", "Kelurahan tidak berada di wilayah yang dipilih.")
    errors.raise_if_any()
    workers = invitable_workers(
        type_numbers=numbers, district=district, village=village, on=event.starts_on
    ).exclude(trainings__event=event)
    rows = [
        Participant(event=event, worker_id=pk, invited_by=acting_user)
        for pk in workers.values_list("pk", flat=True)
    ]
    Participant.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)


@transaction.atomic
def uninvite(participant: Participant, *, acting_user: User) -> None:
    _require_manager(acting_user)
    if participant.attendance.exists() or participant.certificate_number:
        raise InvalidInput(
            {"__all__": ["Peserta yang sudah hadir atau bersertifikat tidak dapat dihapus."]}
        )
    participant.delete()


# Materials ----------------------------------------------------------------------------


@transaction.atomic
def add_material(
    event: TrainingEvent, *, acting_user: User, title: Any, upload
) -> TrainingMaterial:
    _require_manager(acting_user)
    errors = ErrorCollector()
    clean_title = check_text(errors, "title", title, max_length=200)
    if upload is None:
        errors.add("file", "Pilih berkas materi.")
    else:
        name = str(getattr(upload, "name", "") or "")
        suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
        if suffix not in MATERIAL_TYPES:
            errors.add(
                "file", "Jenis berkas tidak didukung (PDF, PPT/PPTX, DOC/DOCX, XLSX, JPG, PNG)."
            )
        if upload.size > MAX_MATERIAL_BYTES:
            errors.add("file", "Berkas materi paling besar 20 MB.")
        if not clean_title and "title" not in errors:
            clean_title = name[:200]
    errors.raise_if_any()
    return TrainingMaterial.objects.create(
        event=event, title=clean_title, file=upload, size=upload.size, uploaded_by=acting_user
    )


# Test questions and scores ------------------------------------------------------------

_QUESTION = re.compile(r"^\s*(\d{1,2})[.)]\s*(.+)$")
_OPTION = re.compile(r"^\s*(\*?)\s*([a-eA-E])[.)]\s*(.+)$")


def parse_questions(text: Any) -> list[dict]:
    """The question set as typed in one text box:

        1. Siapa yang memverifikasi laporan PSM?
        a. Lurah
        *b. TKSK
        c. Kemensos

    A question line starts with its number, an option with a letter; `*` marks the
    right answer (exactly one per question)."""
    errors = ErrorCollector()
    questions: list[dict] = []
    raw = check_text(errors, "questions", text, multiline=True)
    errors.raise_if_any()
    for lineno, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        option = _OPTION.match(line)
        question = _QUESTION.match(line)
        if option and questions:
            questions[-1]["options"].append(option.group(3).strip())
            if option.group(1):
                questions[-1]["answers"].append(len(questions[-1]["options"]))
        elif question:
            questions.append(
                {
                    "number": len(questions) + 1,
                    "text": question.group(2).strip(),
                    "options": [],
                    "answers": [],
                }
            )
        else:
            errors.add("questions", f"Baris {lineno}: bukan soal (angka.) atau pilihan (huruf.).")
    for q in questions:
        if len(q["options"]) < 2:
            errors.add("questions", f"Soal {q['number']}: paling sedikit dua pilihan jawaban.")
        if len(q["answers"]) != 1:
            errors.add(
                "questions", f"Soal {q['number']}: tandai tepat satu jawaban benar dengan *."
            )
    if not questions and "questions" not in errors:
        errors.add("questions", "Tulis paling sedikit satu soal.")
    if len(questions) > MAX_QUESTIONS:
        errors.add("questions", f"Paling banyak {MAX_QUESTIONS} soal.")
    errors.raise_if_any()
    return questions


def questions_text(event: TrainingEvent) -> str:
    """The stored set written back in the format parse_questions reads."""
    lines: list[str] = []
    for q in event.questions.all():
        lines.append(f"{q.number}. {q.text}")
        for i, option in enumerate(q.options, start=1):
            mark = "*" if i == q.answer else ""
            lines.append(f"{mark}{'abcde'[i - 1]}. {option}")
        lines.append("")
    return "\n".join(lines).strip()


@transaction.atomic
def set_questions(event: TrainingEvent, *, acting_user: User, text: Any) -> int:
    _require_manager(acting_user)
    questions = parse_questions(text)
    event.questions.all().delete()
    TrainingQuestion.objects.bulk_create(
        TrainingQuestion(
            event=event,
            number=q["number"],
            text=q["text"],
            options=q["options"],
            answer=q["answers"][0],
        )
        for q in questions
    )
    return len(questions)


def _score(errors: ErrorCollector, field: str, value: Any, label: str) -> Decimal | None:
    score = parse_amount(errors, field, value, label, maximum=Decimal("1000"), decimals=1)
    if score is not None and score > 100:
        errors.add(field, f"{label} harus 0–100.")
        return None
    return score


@transaction.atomic
def record_scores(event: TrainingEvent, *, acting_user: User, scores: dict[Any, dict]) -> int:
    """`scores`: participant id -> {"pre": .., "post": ..} (0–100; empty keeps the
    stored value, "-" clears it). Every id must be a participant of `event`."""
    _require_manager(acting_user)
    errors = ErrorCollector()
    ids = []
    for raw in scores:
        text = str(raw).strip()
        if not text.isdigit() or len(text) > 18:
            errors.add("scores", f"Peserta '{text}' tidak dikenal.")
        else:
            ids.append(int(text))
    errors.raise_if_any()
    participants = {p.pk: p for p in event.participants.filter(pk__in=ids).select_related("worker")}
    changed: list[Participant] = []
    for raw, values in scores.items():
        pk = int(str(raw).strip())
        participant = participants.get(pk)
        if participant is None:
            errors.add("scores", f"Peserta #{pk} tidak terdaftar pada pelatihan ini.")
            continue
        dirty = False
        for key, attr, label in (
            ("pre", "pre_score", "Nilai pre-test"),
            ("post", "post_score", "Nilai post-test"),
        ):
            value = (values or {}).get(key)
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            if isinstance(value, str) and value.strip() == "-":
                new = None
            else:
                new = _score(errors, f"{pk}.{key}", value, f"{label} {participant.worker.name}")
                if new is None:
                    continue
            if getattr(participant, attr) != new:
                setattr(participant, attr, new)
                dirty = True
        if dirty:
            changed.append(participant)
    errors.raise_if_any()
    Participant.objects.bulk_update(changed, ["pre_score", "post_score"], batch_size=500)
    return len(changed)


# The organiser's attendance list ------------------------------------------------------


@transaction.atomic
def tick_attendance(
    event: TrainingEvent, *, acting_user: User, day: Any, present: list[Any], shown: list[Any]
) -> tuple[int, int]:
    """Save the printed list of `day` as ticked: among the `shown` participants (the
    page the organiser saw), those in `present` are recorded, the others' ticks are
    removed. A phone check-in is never removed here. Returns (added, removed)."""
    _require_manager(acting_user)
    errors = ErrorCollector()
    when = parse_date(errors, "day", day, "Hari", required=True)
    if when is not None and not event.starts_on <= when <= event.ends_on:
        errors.add("day", "Hari itu di luar tanggal pelatihan.")
    shown_ids = _ids(errors, shown)
    present_ids = _ids(errors, present)
    if not present_ids <= shown_ids:
        errors.add("present", "Peserta yang dicentang tidak ada di daftar.")
    errors.raise_if_any()
    assert when is not None
    valid = set(event.participants.filter(pk__in=shown_ids).values_list("pk", flat=True))
    if valid != shown_ids:
        raise InvalidInput({"present": ["Sebagian peserta tidak terdaftar pada pelatihan ini."]})
    already = set(
        Attendance.objects.filter(participant_id__in=shown_ids, day=when).values_list(
            "participant_id", flat=True
        )
    )
    now = timezone.now()
    new = [
        Attendance(
            participant_id=pk,
            day=when,
            method=CheckinMethod.LIST,
            checked_in_at=now,
            recorded_by=acting_user,
        )
        for pk in sorted(present_ids - already)
    ]
    Attendance.objects.bulk_create(new, ignore_conflicts=True)
    removed, _ = Attendance.objects.filter(
        participant_id__in=shown_ids - present_ids, day=when, method=CheckinMethod.LIST
    ).delete()
    return len(new), removed


def _ids(errors: ErrorCollector, values: list[Any]) -> set[int]:
    out: set[int] = set()
    for raw in values or []:
        text = str(raw).strip()
        if text.isdigit() and len(text) <= 18:
            out.add(int(text))
        else:
            errors.add("present", f"Peserta '{text}' tidak dikenal.")
    return out


# Certificates -------------------------------------------------------------------------


def with_days_present(qs: QuerySet[Participant]) -> QuerySet[Any]:
    return qs.annotate(days_present=Count("attendance", distinct=True))


def eligible_for_certificate(event: TrainingEvent) -> QuerySet[Any]:
    """Participants present every day of the event, without a certificate yet."""
    return with_days_present(event.participants.filter(certificate_number__isnull=True)).filter(
        days_present__gte=len(event.days)
    )


def _number(pattern: str, n: int) -> str:
    return pattern.replace(CERTIFICATE_SLOT, f"{n:04d}")


@transaction.atomic
def issue_certificates(
    event: TrainingEvent, *, acting_user: User, pattern: Any, first: Any = 1, issued_on: Any = None
) -> int:
    """Number a certificate for every participant present on all days: `pattern` holds
    `{n}` (e.g. `400.9/{n}/PLT/DINSOS/2026`), numbered from `first` in the order of
    names. A number already used on any certificate refuses the whole batch."""
    _require_manager(acting_user)
    errors = ErrorCollector()
    text = check_text(errors, "pattern", pattern, max_length=50)
    if text and CERTIFICATE_SLOT not in text:
        errors.add("pattern", "Pola nomor wajib memuat {n} (nomor urut).")
    elif not text and "pattern" not in errors:
        errors.add("pattern", "Pola nomor sertifikat wajib diisi.")
    start_text = str(first if first is not None else "").strip() or "1"
    if not start_text.isdigit() or not 1 <= int(start_text) <= 999_999:
        errors.add("first", "Nomor urut awal harus bilangan 1–999999.")
    day = parse_date(errors, "issued_on", issued_on, "Tanggal sertifikat", default=event.ends_on)
    if day is not None and day < event.ends_on:
        errors.add("issued_on", "Tanggal sertifikat tidak boleh sebelum pelatihan selesai.")
    errors.raise_if_any()
    start = int(start_text)
    # One issue at a time per event (the lock), then the eligible rows by name.
    TrainingEvent.objects.select_for_update().filter(pk=event.pk).first()
    ids = list(eligible_for_certificate(event).values_list("pk", flat=True))
    participants = list(
        Participant.objects.filter(pk__in=ids)
        .select_related("worker")
        .order_by("worker__name", "pk")
    )
    if not participants:
        raise InvalidInput(
            {"__all__": ["Tidak ada peserta yang hadir penuh dan belum bersertifikat."]}
        )
    numbers = [_number(text, start + i) for i in range(len(participants))]
    taken = list(
        Participant.objects.filter(certificate_number__in=numbers).values_list(
            "certificate_number", flat=True
        )[:3]
    )
    if taken:
        raise InvalidInput(
            {
                "first": [
                    f"Nomor sertifikat sudah dipakai: {', '.join(str(t) for t in taken)}. "
                    "Pilih nomor urut awal lain."
                ]
            }
        )
    for participant, number in zip(participants, numbers, strict=True):
        participant.certificate_number = number
        participant.certificate_token = uuid.uuid4()
        participant.certificate_issued_on = day
    try:
        with transaction.atomic():
            Participant.objects.bulk_update(
                participants,
                ["certificate_number", "certificate_token", "certificate_issued_on"],
                batch_size=500,
            )
    except IntegrityError:
        # Another issue took a number between the check and the write.
        raise InvalidInput(
            {"first": ["Nomor sertifikat bentrok dengan penerbitan lain; coba lagi."]}
        ) from None
    return len(participants)


@transaction.atomic
def issue_certificate(
    participant: Participant, *, acting_user: User, number: Any, issued_on: Any = None
) -> Participant:
    """One certificate with a number typed by the organiser (e.g. a late issue)."""
    _require_manager(acting_user)
    errors = ErrorCollector()
    event = participant.event
    text = check_text(errors, "number", number, max_length=60)
    if not text and "number" not in errors:
        errors.add("number", "Nomor sertifikat wajib diisi.")
    if participant.certificate_number:
        errors.add(
            "number", f"Peserta ini sudah bersertifikat nomor {participant.certificate_number}."
        )
    elif text and Participant.objects.filter(certificate_number=text).exists():
        errors.add("number", f"Nomor sertifikat {text} sudah dipakai.")
    days = participant.attendance.count()
    if days < len(event.days):
        errors.add(
            "number",
            f"Peserta hadir {days} dari {len(event.days)} hari; "
            "sertifikat hanya untuk yang hadir penuh.",
        )
    day = parse_date(errors, "issued_on", issued_on, "Tanggal sertifikat", default=event.ends_on)
    errors.raise_if_any()
    participant.certificate_number = text
    participant.certificate_token = uuid.uuid4()
    participant.certificate_issued_on = day
    try:
        with transaction.atomic():
            participant.save(
                update_fields=["certificate_number", "certificate_token", "certificate_issued_on"]
            )
    except IntegrityError:
        raise InvalidInput({"number": [f"Nomor sertifikat {text} sudah dipakai."]}) from None
    return participant


# Who is trained -----------------------------------------------------------------------


def trained_q() -> Q:
    """Workers holding a certificate of a basic training (bimtek dasar)."""
    return Q(
        Exists(
            Participant.objects.filter(
                worker=OuterRef("pk"), event__is_basic=True, certificate_number__isnull=False
            )
        )
    )


def active_field_workers(user: User, on: datetime.date | None = None) -> QuerySet[PsksWorker]:
    """Active PSM and TKSK in `user`'s area on `on` (today)."""
    day = on or today()
    return (
        PsksWorker.objects.restrict(user, "view")
        .filter(psks_type__number__in=list(INVITABLE_TYPES), active_from__lte=day)
        .filter(Q(active_until__isnull=True) | Q(active_until__gte=day))
    )


def untrained_workers(user: User, on: datetime.date | None = None) -> QuerySet[PsksWorker]:
    """Active PSM and TKSK in `user`'s area without the basic training."""
    return active_field_workers(user, on).exclude(trained_q())
