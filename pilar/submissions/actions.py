"""Writes of submissions (field reports: "laporan"/"usulan" in the interface) and
their verification chain (see docs/development/submissions.md).

Every transition locks the submission row and checks its status first, so two
reviewers acting at once cannot both succeed: the second is told who acted.
Each transition writes a SubmissionStep (actor, time, reason) and the
notifications it causes, in the same transaction.
"""

from __future__ import annotations

import uuid
from typing import Any

import pghistory
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from pilar.accounts.choices import Role
from pilar.accounts.models import User
from pilar.accounts.scope import village_allowed
from pilar.core.dates import today
from pilar.core.errors import ErrorCollector, InvalidInput, NotAllowed
from pilar.core.images import CheckedImage, check_image
from pilar.regions.deployment import normalize_code
from pilar.registry.models import Household
from pilar.submissions import choices
from pilar.submissions.apply import apply_submission
from pilar.submissions.bnba import frozen_rows
from pilar.submissions.checks import check, check_references, is_restricted, parse_payload
from pilar.submissions.models import (
    Deliberation,
    Notification,
    Ratification,
    Submission,
    SubmissionPhoto,
    SubmissionStep,
)
from pilar.submissions.paths import is_masked, norm
from pilar.submissions.proposals import proposals, touched_person_ids

Status = choices.Status
DECIDER_ROLES = {Role.ADMIN, Role.DINSOS}


# Who may do what ---------------------------------------------------------------------


def may_create(user: User) -> bool:
    return bool(getattr(user, "can_edit", False))


def may_verify(user: User, submission: Submission) -> bool:
    """The TKSK of the submission's kecamatan, or Dinas Sosial; never the reporter."""
    if not user.is_active or user.pk == submission.reporter_id:
        return False
    if user.role == Role.TKSK:
        # Restricted health data is Dinas Sosial's alone, verification included.
        district = user.district_id
        return (
            bool(district)
            and not submission.restricted
            and submission.village_id.startswith(f"{district}.")
        )
    return user.role in DECIDER_ROLES


def may_decide(user: User, submission: Submission) -> bool:
    """Dinas Sosial validates or rejects; not the reporter, not the verifier."""
    return (
        user.is_active
        and user.role in DECIDER_ROLES
        and user.pk not in (submission.reporter_id, submission.verified_by_id)
    )


def may_return(user: User, submission: Submission) -> bool:
    if submission.status == Status.SUBMITTED:
        return may_verify(user, submission)
    if submission.status == Status.VERIFIED:
        return may_decide(user, submission)
    return False


# Helpers -------------------------------------------------------------------------------


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def _lock(submission: Submission, expected: set[str], doing: str) -> Submission:
    """The submission row, locked; InvalidInput naming who acted if it moved on meanwhile."""
    current = Submission.objects.select_for_update().get(pk=submission.pk)
    if current.status not in expected:
        last = current.steps.select_related("actor").order_by("-at", "-pk").first()
        who = (
            f" oleh {_name(last.actor)} pada {timezone.localtime(last.at):%d-%m-%Y %H:%M}"
            if last
            else ""
        )
        message = (
            f"Laporan ini sudah berstatus {current.get_status_display().lower()}{who}, "
            f"sehingga tidak dapat {doing}. Muat ulang halaman."
        )
        raise InvalidInput({"__all__": [message]}, message=message, codes={"__all__": "stale"})
    return current


def _step(
    submission: Submission, action: str, actor: User, note: str = "", **extra: Any
) -> SubmissionStep:
    return SubmissionStep.objects.create(
        submission=submission,
        action=action,
        actor=actor,
        revision=submission.revision,
        note=(note or "").strip(),
        field_reasons=extra.get("field_reasons") or {},
        resolutions=extra.get("resolutions") or {},
    )


def submission_url(submission: Submission) -> str:
    return reverse("submissions:detail", args=[submission.pk])


def _notify(users: list[User], submission: Submission, message: str) -> None:
    url = submission_url(submission)
    Notification.objects.bulk_create(
        [Notification(user=u, submission=submission, message=message[:300], url=url) for u in users]
    )


def _verifiers(submission: Submission) -> list[User]:
    tksk = User.objects.filter(
        role=Role.TKSK, is_active=True, district_id=submission.village_id[:8]
    ).exclude(pk=submission.reporter_id)
    if not submission.restricted and tksk.exists():
        return list(tksk)
    return list(
        User.objects.filter(role=Role.DINSOS, is_active=True).exclude(pk=submission.reporter_id)
    )


def _deciders(submission: Submission) -> list[User]:
    return list(
        User.objects.filter(role=Role.DINSOS, is_active=True).exclude(
            pk__in=[submission.reporter_id, submission.verified_by_id]
        )
    )


def _label(submission: Submission) -> str:
    kind = submission.get_kind_display().lower()
    return f"Laporan #{submission.pk} ({kind}, {submission.village.name})"


# Photos ---------------------------------------------------------------------------------


PHOTOS = "evidence.photos"
# One declared photo (an item of ReportIn.photos) and its checked upload.
Photo = tuple[dict, CheckedImage]


def _read_photos(declared: list[dict], files: Any, known: set[str]) -> list[Photo]:
    """Check every declared photo not already stored: sent, an image, not too large.
    Photos come resized from the phone and are stored as sent."""
    errors = ErrorCollector()
    out: list[Photo] = []
    limit = settings.PILAR_REPORT_PHOTO_MAX_BYTES
    for photo in declared:
        cid = str(photo["client_id"])
        if cid in known:
            continue
        upload = files.get(f"photo_{cid}") if files else None
        label = choices.PhotoKind(photo["kind"]).label
        if upload is None:
            errors.add(PHOTOS, f"Berkas foto '{label}' tidak ikut terkirim. Kirim ulang laporan.")
            continue
        image = check_image(errors, PHOTOS, upload, label, limit)
        if image is not None:
            out.append((photo, image))
    errors.raise_if_any()
    return out


def _store_photos(submission: Submission, photos: list[Photo]) -> None:
    for declared, image in photos:
        record = SubmissionPhoto(
            submission=submission,
            client_id=uuid.UUID(str(declared["client_id"])),
            kind=declared["kind"],
            content_type=image.content_type,
            size=image.size,
            width=image.width,
            height=image.height,
            sha256=image.sha256,
            taken_at=declared.get("taken_at"),
        )
        record.image.save(f"{record.client_id}.jpg", image.as_file(), save=False)
        record.save()


def _check_evidence(data: dict) -> None:
    visit = data.get("visit_date")
    if visit is not None and visit > today():
        raise InvalidInput(
            {"evidence.visit_date": ["Tanggal kunjungan tidak boleh di masa depan."]}
        )
    if (data.get("latitude") is None) != (data.get("longitude") is None):
        raise InvalidInput({"evidence.gps": ["Koordinat GPS harus berisi lintang dan bujur."]})


def _base(submission: Submission, client_base: dict) -> dict:
    """The registry value the reporter saw for each changed path: the phone's copy
    when it sent one (masked numbers excepted), else the registry's value now."""
    submission.base = {}
    out = {}
    for p in proposals(submission, reader=submission.reporter):
        if not p.checks_conflict:
            continue
        seen = client_base.get(p.path)
        out[p.path] = norm(p.current) if seen is None or is_masked(seen) else norm(seen)
    return out


# Creating and submitting ----------------------------------------------------------------


def create_submission(
    *, acting_user: User, data: dict, files: Any = None
) -> tuple[Submission, bool]:
    """A submission from the field app or a page. `data` is a ReportIn as a dict.
    Returns (submission, created); the same client_id again returns the first one."""
    if not may_create(acting_user):
        raise PermissionDenied("Peran Anda tidak dapat membuat laporan.")
    client_id = uuid.UUID(str(data["client_id"]))
    existing = Submission.objects.filter(client_id=client_id).first()
    if existing is not None:
        if existing.reporter_id != acting_user.pk:
            raise NotAllowed
        return existing, False
    kind = data["kind"]
    household = None
    if kind != choices.Kind.NEW_HOUSEHOLD:
        if not data.get("household_id"):
            raise InvalidInput({"household_id": ["Pilih keluarga yang dilaporkan."]})
        household = (
            Household.objects.restrict(acting_user, "change")
            .select_related("village")
            .filter(pk=data["household_id"])
            .first()
        )
        if household is None:
            raise NotAllowed
    payload = parse_payload(kind, data.get("payload"))
    _check_evidence(data)
    submit = data.get("submit", True)
    if submit:
        check(kind, payload, user=acting_user, household=household)
    else:
        # A draft is not checked in full (it may be unfinished), but what it names by
        # id is: its detail shows the registry's values of those objects.
        check_references(kind, payload, user=acting_user, household=household)
    if household is not None:
        village_id = household.village_id
    else:
        village_id = normalize_code(str(payload.get("household", {}).get("kelurahan") or ""))
        if not village_id or not village_allowed(acting_user, village_id, "change"):
            raise InvalidInput(
                {"household.kelurahan": ["Kelurahan ini di luar wilayah kerja Anda."]}
            )
    photos = _read_photos(data.get("photos") or [], files, known=set())
    try:
        with transaction.atomic():
            submission = Submission(
                client_id=client_id,
                kind=kind,
                reporter=acting_user,
                village_id=village_id,
                household=household,
                payload=payload,
                restricted=is_restricted(kind, payload),
                visit_date=data.get("visit_date") or today(),
                latitude=data.get("latitude"),
                longitude=data.get("longitude"),
                gps_accuracy_m=data.get("gps_accuracy_m"),
                notes=(data.get("notes") or "").strip(),
            )
            submission.base = _base(submission, data.get("base") or {})
            submission.save()
            submission.persons.set(touched_person_ids(kind, payload))
            _store_photos(submission, photos)
            _step(submission, choices.StepAction.CREATED, acting_user)
            if submit:
                _mark_submitted(submission, acting_user, choices.StepAction.SUBMITTED)
    except IntegrityError:
        # The same submission arrived twice at the same moment: the other request won.
        existing = Submission.objects.filter(client_id=client_id, reporter=acting_user).first()
        if existing is None:
            raise
        return existing, False
    return submission, True


def _mark_submitted(submission: Submission, user: User, action: str, note: str = "") -> None:
    now = timezone.now()
    submission.status = Status.SUBMITTED
    submission.submitted_at = now
    submission.first_submitted_at = submission.first_submitted_at or now
    submission.save()
    _step(submission, action, user, note)
    _notify(_verifiers(submission), submission, f"{_label(submission)} menunggu verifikasi.")


@transaction.atomic
def submit_submission(submission: Submission, *, acting_user: User) -> Submission:
    """Send a draft kept on the server for verification."""
    if acting_user.pk != submission.reporter_id:
        raise PermissionDenied("Hanya pelapor yang dapat mengajukan laporan ini.")
    current = _lock(submission, {Status.DRAFT}, "diajukan")
    check(current.kind, current.payload, user=acting_user, household=current.household)
    _mark_submitted(current, acting_user, choices.StepAction.SUBMITTED)
    return current


@transaction.atomic
def resubmit_submission(
    submission: Submission, *, acting_user: User, data: dict, files: Any = None
) -> Submission:
    """The reporter corrects a returned submission. `data["revision"]` is the revision
    that was returned: sending the same correction twice applies it once."""
    if acting_user.pk != submission.reporter_id:
        raise PermissionDenied("Hanya pelapor yang dapat memperbaiki laporan ini.")
    current = Submission.objects.select_for_update().get(pk=submission.pk)
    if current.revision > data["revision"]:
        return current  # already received
    current = _lock(current, {Status.RETURNED, Status.DRAFT}, "diperbaiki")
    if current.revision != data["revision"]:
        raise InvalidInput({"revision": ["Revisi laporan tidak cocok. Muat ulang data laporan."]})
    payload = parse_payload(current.kind, data.get("payload"))
    _check_evidence(data)
    check(current.kind, payload, user=acting_user, household=current.household)
    known = {str(c) for c in current.photos.values_list("client_id", flat=True)}
    photos = _read_photos(data.get("photos") or [], files, known=known)
    current.payload = payload
    current.restricted = is_restricted(current.kind, payload)
    for field in ("visit_date", "latitude", "longitude", "gps_accuracy_m"):
        if data.get(field) is not None:
            setattr(current, field, data[field])
    if data.get("notes") is not None:
        current.notes = data["notes"].strip()
    old_base = current.base
    fresh = _base(current, data.get("base") or {})
    # What the reporter saw first still counts for the paths already reported.
    current.base = {path: old_base.get(path, value) for path, value in fresh.items()}
    current.revision += 1
    current.return_reasons = {}
    current.persons.set(touched_person_ids(current.kind, payload))
    _store_photos(current, photos)
    _mark_submitted(current, acting_user, choices.StepAction.RESUBMITTED, data.get("note", ""))
    return current


# Reviewing ----------------------------------------------------------------------------------


def known_paths(submission: Submission, reader: User) -> set[str]:
    paths = {p.path for p in proposals(submission, reader=reader)}
    paths |= {"evidence.photos", "evidence.gps", "evidence.visit_date", "evidence.notes"}
    return paths


@transaction.atomic
def return_submission(
    submission: Submission,
    *,
    acting_user: User,
    note: str = "",
    field_reasons: dict[str, str] | None = None,
) -> Submission:
    """Send a submission back to its reporter with a reason on each field concerned."""
    current = _lock(submission, {Status.SUBMITTED, Status.VERIFIED}, "dikembalikan")
    if not may_return(acting_user, current):
        raise PermissionDenied("Anda tidak dapat mengembalikan laporan ini.")
    reasons = {k: v.strip() for k, v in (field_reasons or {}).items() if (v or "").strip()}
    paths = known_paths(current, acting_user)
    unknown = [
        k for k in reasons if k not in paths and not any(p.startswith(k + ".") for p in paths)
    ]
    if unknown:
        raise InvalidInput({"field_reasons": [f"Isian tidak dikenal: {', '.join(unknown)}."]})
    if not reasons and not (note or "").strip():
        raise InvalidInput(
            {"note": ["Tuliskan alasan pengembalian, pada isian yang perlu diperbaiki atau umum."]}
        )
    current.status = Status.RETURNED
    current.return_reasons = {**reasons, **({"__all__": note.strip()} if note.strip() else {})}
    current.verified_at = None
    current.verified_by = None
    current.save()
    _step(current, choices.StepAction.RETURNED, acting_user, note, field_reasons=reasons)
    _notify(
        [current.reporter],
        current,
        f"{_label(current)} dikembalikan oleh {_name(acting_user)}: perlu diperbaiki.",
    )
    return current


def _check_resolutions(
    submission: Submission, resolutions: dict[str, str], reader: User
) -> dict[str, str]:
    clean = {k: str(v) for k, v in resolutions.items() if v}
    bad = [k for k, v in clean.items() if v not in choices.Resolution.values]
    open_paths = [
        p.path for p in proposals(submission, reader=reader) if p.conflict and p.path not in clean
    ]
    errors: dict[str, list[str]] = {}
    if bad:
        errors["resolutions"] = ["Keputusan konflik harus 'usulan' atau 'registri'."]
    for path in open_paths:
        errors[path] = [
            "Data registri berubah sejak laporan dibuat: pilih nilai usulan atau nilai registri."
        ]
    if errors:
        raise InvalidInput(
            errors,
            message="Ada isian yang bentrok dengan registri. Putuskan satu per satu.",
            codes={p: "conflict" for p in open_paths},
        )
    return clean


@transaction.atomic
def verify_submission(
    submission: Submission,
    *,
    acting_user: User,
    note: str = "",
    resolutions: dict[str, str] | None = None,
) -> Submission:
    """The TKSK confirms the submission matches what is on the ground."""
    current = _lock(submission, {Status.SUBMITTED}, "diverifikasi")
    if not may_verify(acting_user, current):
        raise PermissionDenied("Anda tidak dapat memverifikasi laporan ini.")
    if settings.PILAR_VERIVALI_MUSYAWARAH and current.deliberation_id is None:
        raise InvalidInput(
            {"__all__": ["Laporan ini belum disetujui musyawarah kelurahan."]},
            message="Laporan ini belum disetujui musyawarah kelurahan.",
        )
    clean = _check_resolutions(current, resolutions or {}, acting_user)
    check(current.kind, current.payload, user=current.reporter, household=current.household)
    current.status = Status.VERIFIED
    current.verified_at = timezone.now()
    current.verified_by = acting_user
    current.resolutions = {**current.resolutions, **clean}
    current.save()
    _step(current, choices.StepAction.VERIFIED, acting_user, note, resolutions=clean)
    _notify(_deciders(current), current, f"{_label(current)} menunggu validasi Dinas Sosial.")
    return current


@transaction.atomic
def validate_submission(
    submission: Submission,
    *,
    acting_user: User,
    note: str = "",
    resolutions: dict[str, str] | None = None,
) -> Submission:
    """Dinas Sosial accepts the submission: its changes are written to the registry
    now, all or nothing, with the submission in the row history's context."""
    current = _lock(submission, {Status.VERIFIED}, "divalidasi")
    if not may_decide(acting_user, current):
        raise PermissionDenied("Anda tidak dapat memvalidasi laporan ini.")
    merged = {**current.resolutions, **{k: v for k, v in (resolutions or {}).items() if v}}
    clean = _check_resolutions(current, merged, acting_user)
    with pghistory.context(submission=current.pk, url=submission_url(current), user=acting_user.pk):
        result = apply_submission(current, acting_user=acting_user, resolutions=clean)
    current.status = Status.VALIDATED
    current.decided_at = timezone.now()
    current.decided_by = acting_user
    current.resolutions = clean
    current.result = result
    if current.household_id is None and result.get("household_id"):
        current.household_id = result["household_id"]
    current.save()
    if result.get("person_ids"):
        current.persons.add(*result["person_ids"])
    _step(current, choices.StepAction.VALIDATED, acting_user, note, resolutions=clean)
    _notify([current.reporter], current, f"{_label(current)} divalidasi dan masuk registri.")
    return current


@transaction.atomic
def reject_submission(submission: Submission, *, acting_user: User, reason: str) -> Submission:
    current = _lock(submission, {Status.SUBMITTED, Status.VERIFIED}, "ditolak")
    if not may_decide(acting_user, current):
        raise PermissionDenied("Anda tidak dapat menolak laporan ini.")
    if not (reason or "").strip():
        raise InvalidInput({"reason": ["Alasan penolakan wajib diisi."]})
    current.status = Status.REJECTED
    current.decided_at = timezone.now()
    current.decided_by = acting_user
    current.save()
    _step(current, choices.StepAction.REJECTED, acting_user, reason)
    recipients = [current.reporter]
    if current.verified_by is not None:
        recipients.append(current.verified_by)
    _notify(recipients, current, f"{_label(current)} ditolak: {reason.strip()}")
    return current


# Notifications -------------------------------------------------------------------------------


def mark_read(*, acting_user: User, notification_ids: list[int] | None = None) -> int:
    """Mark the user's own notifications (all unread ones, or those named) as read."""
    qs = Notification.objects.filter(user=acting_user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())


# Deliberation and ratification (optional steps) ----------------------------------------------


@transaction.atomic
def record_deliberation(
    *,
    acting_user: User,
    village_id: str,
    held_on: Any,
    attendees: str,
    minutes,
    submission_ids: list[int],
    notes: str = "",
) -> Deliberation:
    """A kelurahan deliberation and the submissions it approved (signed minutes attached)."""
    if not village_allowed(acting_user, village_id, "change") or acting_user.role == Role.PIMPINAN:
        raise NotAllowed
    errors: dict[str, list[str]] = {}
    if held_on is None:
        errors["held_on"] = ["Tanggal musyawarah wajib diisi."]
    elif held_on > today():
        errors["held_on"] = ["Tanggal musyawarah tidak boleh di masa depan."]
    if not (attendees or "").strip():
        errors["attendees"] = ["Daftar peserta wajib diisi."]
    if minutes is None:
        errors["minutes"] = ["Unggah berita acara yang sudah ditandatangani."]
    submissions = list(
        Submission.objects.select_for_update().filter(
            pk__in=submission_ids,
            village_id=village_id,
            status=Status.SUBMITTED,
            deliberation__isnull=True,
        )
    )
    if not submission_ids:
        errors["submissions"] = ["Pilih laporan yang disetujui musyawarah."]
    elif len(submissions) != len(set(submission_ids)):
        errors["submissions"] = [
            "Sebagian laporan tidak dapat dimasukkan (bukan di kelurahan ini, sudah "
            "dimusyawarahkan, atau tidak lagi menunggu verifikasi)."
        ]
    if errors:
        raise InvalidInput(errors)
    deliberation = Deliberation(
        village_id=village_id,
        held_on=held_on,
        attendees=attendees.strip(),
        notes=(notes or "").strip(),
        recorded_by=acting_user,
    )
    deliberation.minutes.save(minutes.name, minutes, save=False)
    deliberation.save()
    for submission in submissions:
        submission.deliberation = deliberation
        submission.save(update_fields=["deliberation", "updated_at"])
        _step(
            submission,
            choices.StepAction.DELIBERATED,
            acting_user,
            f"Musyawarah {held_on:%d-%m-%Y}",
        )
    return deliberation


@transaction.atomic
def ratify(
    *,
    acting_user: User,
    decree_number: str,
    decree_date: Any,
    decree_file,
    submission_ids: list[int],
    notes: str = "",
) -> Ratification:
    """Fix validated submissions under a decree (SK); the BNBA list is frozen with it."""
    if acting_user.role not in DECIDER_ROLES:
        raise PermissionDenied("Hanya Dinas Sosial yang dapat mencatat SK penetapan.")
    errors: dict[str, list[str]] = {}
    number = (decree_number or "").strip()
    if not number:
        errors["decree_number"] = ["Nomor SK wajib diisi."]
    elif Ratification.objects.filter(decree_number=number).exists():
        errors["decree_number"] = ["Nomor SK ini sudah tercatat."]
    if decree_date is None:
        errors["decree_date"] = ["Tanggal SK wajib diisi."]
    elif decree_date > today():
        errors["decree_date"] = ["Tanggal SK tidak boleh di masa depan."]
    if decree_file is None:
        errors["decree_file"] = ["Unggah berkas SK."]
    submissions = list(
        Submission.objects.select_for_update()
        .restrict(acting_user, "change")
        .filter(pk__in=submission_ids, status=Status.VALIDATED, ratification__isnull=True)
    )
    if not submission_ids:
        errors["submissions"] = ["Pilih laporan yang ditetapkan."]
    elif len(submissions) != len(set(submission_ids)):
        errors["submissions"] = ["Sebagian laporan belum divalidasi atau sudah ditetapkan."]
    if errors:
        raise InvalidInput(errors)
    ratification = Ratification(
        decree_number=number,
        decree_date=decree_date,
        notes=(notes or "").strip(),
        created_by=acting_user,
        frozen=frozen_rows(submissions),
    )
    ratification.decree_file.save(decree_file.name, decree_file, save=False)
    ratification.save()
    for submission in submissions:
        submission.ratification = ratification
        submission.save(update_fields=["ratification", "updated_at"])
        _step(
            submission,
            choices.StepAction.RATIFIED,
            acting_user,
            f"SK {number} tanggal {decree_date:%d-%m-%Y}",
        )
    return ratification
