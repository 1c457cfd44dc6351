"""Check-in from a participant's phone: the day's code of an event, and the action
that records attendance from it.

The code is derived from the event's secret and the day (HMAC), so it changes every
day and reveals nothing; the organiser shows it in the room (as text and as a QR
code that opens the field app). The phone may be offline: it keeps the check-in in
its outbox with the time it was made and a client id, and sends it later; the
server checks the code against the day of that time, so a late sync still counts
for the right day, and a resend with the same client id answers with the first
record instead of a second one.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from pilar.core.errors import InvalidInput
from pilar.psks.choices import CheckinMethod
from pilar.psks.models import Attendance, Participant, TrainingEvent

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

CODE_LENGTH = 6
# Letters and digits that cannot be mistaken for one another when read off a screen.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# A phone's clock may run a little fast; beyond this the time is refused.
CLOCK_SLACK = datetime.timedelta(minutes=10)
# An offline check-in older than this is not accepted any more.
MAX_DELAY = datetime.timedelta(days=14)
# How far around the claimed day a wrong-day code is recognised (better message).
NEARBY_DAYS = 45


def day_code(event: TrainingEvent, day: datetime.date) -> str:
    digest = hmac.new(
        event.checkin_secret.encode(), f"{event.pk}:{day.isoformat()}".encode(), hashlib.sha256
    ).digest()
    value = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(CODE_LENGTH):
        value, index = divmod(value, len(ALPHABET))
        chars.append(ALPHABET[index])
    return "".join(chars)


def normalize(code: Any) -> str:
    text = str(code or "").upper()
    # Spaces and dashes typed between groups are ignored.
    return "".join(ch for ch in text if ch.isalnum())


def checkin_url(request_base: str, event: TrainingEvent, day: datetime.date) -> str:
    """What the QR code holds: the field app's check-in screen with the code filled in."""
    return f"{request_base.rstrip('/')}/lapangan/#/hadir/{day_code(event, day)}"


@dataclass
class CheckinResult:
    attendance: Attendance
    created: bool

    @property
    def message(self) -> str:
        event = self.attendance.participant.event
        day = self.attendance.day
        if self.created:
            return f"Kehadiran Anda di {event.title} tanggal {day:%d-%m-%Y} tercatat."
        return f"Kehadiran ini sudah tercatat sebelumnya ({day:%d-%m-%Y})."


def _refuse(message: str, code: str, field: str = "code") -> InvalidInput:
    return InvalidInput({field: [message]}, message=message, codes={field: code})


def _parse_time(value: Any) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        when = value
    else:
        text = str(value or "").strip()
        if not text:
            return timezone.now()
        try:
            when = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise _refuse("Waktu hadir tidak valid.", "bad_time", "checked_in_at") from None
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    now = timezone.now()
    if when > now + CLOCK_SLACK:
        raise _refuse("Waktu hadir di masa depan: periksa jam ponsel.", "bad_time", "checked_in_at")
    if when < now - MAX_DELAY:
        raise _refuse(
            "Kehadiran ini terlalu lama tertahan di ponsel (lebih dari 14 hari); "
            "minta panitia mencentang daftar hadir.",
            "too_late",
            "checked_in_at",
        )
    return when


def _client_id(value: Any) -> uuid.UUID | None:
    if value in (None, ""):
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise _refuse("ID klien tidak valid.", "bad_client_id", "client_id") from None


def _find_event(code: str, day: datetime.date) -> TrainingEvent:
    """The event whose code for `day` is `code`, or a clear refusal."""
    running = TrainingEvent.objects.filter(starts_on__lte=day, ends_on__gte=day)
    for event in running:
        if hmac.compare_digest(day_code(event, day), code):
            return event
    # Not valid today: is it another day's code of a nearby event?
    window = datetime.timedelta(days=NEARBY_DAYS)
    nearby = TrainingEvent.objects.filter(starts_on__lte=day + window, ends_on__gte=day - window)
    for event in nearby:
        for other in event.days:
            if other != day and hmac.compare_digest(day_code(event, other), code):
                if not event.starts_on <= day <= event.ends_on:
                    raise _refuse(
                        f"{event.title} berlangsung {event.starts_on:%d-%m-%Y} s.d. "
                        f"{event.ends_on:%d-%m-%Y}; hari ini ({day:%d-%m-%Y}) "
                        "bukan hari pelatihan.",
                        "outside_days",
                    )
                raise _refuse(
                    f"Kode ini untuk tanggal {other:%d-%m-%Y}, bukan hari ini ({day:%d-%m-%Y}). "
                    "Pakai kode yang ditampilkan panitia hari ini.",
                    "wrong_day",
                )
    raise _refuse("Kode kehadiran salah. Periksa kode yang ditampilkan panitia.", "wrong_code")


def check_in(
    *, acting_user: User, code: Any, checked_in_at: Any = None, client_id: Any = None
) -> CheckinResult:
    """Record the acting user's attendance from a code. Refusals (InvalidInput, codes
    in `codes["code"]` etc.): not a PSKS account, wrong code, a day outside the event,
    not invited, already present that day. Nothing is written twice."""
    worker_id = getattr(acting_user, "psks_worker_id", None)
    if not worker_id:
        raise _refuse(
            "Akun Anda tidak terhubung dengan data PSKS, jadi tidak dapat mengisi daftar hadir.",
            "no_worker",
        )
    cid = _client_id(client_id)
    if cid is not None:
        earlier = (
            Attendance.objects.select_related("participant__event").filter(client_id=cid).first()
        )
        if earlier is not None:
            if earlier.participant.worker_id != worker_id:
                raise _refuse("ID klien sudah dipakai.", "bad_client_id", "client_id")
            return CheckinResult(earlier, created=False)
    text = normalize(code)
    if len(text) != CODE_LENGTH or any(ch not in ALPHABET for ch in text):
        raise _refuse(f"Kode kehadiran terdiri dari {CODE_LENGTH} huruf/angka.", "bad_code")
    when = _parse_time(checked_in_at)
    day = timezone.localdate(when)
    event = _find_event(text, day)
    participant = (
        Participant.objects.select_related("event").filter(event=event, worker_id=worker_id).first()
    )
    if participant is None:
        raise _refuse(
            f"Anda tidak terdaftar sebagai peserta {event.title}. Hubungi panitia.",
            "not_invited",
        )
    # One row per participant per day is the unique constraint's job: the insert is
    # tried at once (the door's busiest minute costs one statement), and a refusal
    # looks up what was there.
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                participant=participant,
                day=day,
                method=CheckinMethod.PHONE,
                checked_in_at=when,
                client_id=cid,
                recorded_by=acting_user,
            )
    except IntegrityError:
        # The same client id arrived twice at once: the first one won.
        earlier = Attendance.objects.filter(client_id=cid).first() if cid else None
        if earlier is not None and earlier.participant_id == participant.pk:
            return CheckinResult(earlier, created=False)
        existing = Attendance.objects.filter(participant=participant, day=day).first()
        how = (
            "dicentang panitia"
            if existing is not None and existing.method == CheckinMethod.LIST
            else "dari ponsel"
        )
        raise _refuse(
            f"Anda sudah tercatat hadir di {event.title} tanggal {day:%d-%m-%Y} ({how}).",
            "already",
        ) from None
    return CheckinResult(attendance, created=True)
