"""Bedah Rumah actions: open a renovation from an approved enrollment, plan it
(execution mode and cost plan), add photos, start the work, report progress,
hand the house over, cancel. Dinas Sosial and admins only (403 otherwise; out of
area 404, like everywhere).

Every action checks everything first and writes in one transaction with a
RenovationStep, so a refused step leaves nothing behind. The handover writes the
house's new survey, its RTLH assessment (the house leaves the RTLH count when it
passes) and the benefit delivery of the enrollment, all or nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from pilar.accounts.choices import Role
from pilar.accounts.models import User
from pilar.assessments import actions as assessments
from pilar.assessments.models import RtlhAssessment
from pilar.core.dates import parse_date
from pilar.core.errors import ErrorCollector, InvalidInput, NotAllowed
from pilar.core.images import CheckedImage, check_image
from pilar.core.numbers import column_max, parse_amount
from pilar.core.templatetags.pilar_tags import rupiah as as_rupiah
from pilar.core.text import forbidden_character_message
from pilar.programs import enrollment as enrollment_actions
from pilar.programs.choices import BenefitType, EnrollmentStatus
from pilar.programs.models import Enrollment
from pilar.registry.choices import RestrictedProcessing
from pilar.registry.models import SURVEY_FIELDS, Household, HousingSurvey
from pilar.registry.restriction import check_processing, subject_of
from pilar.renovations.choices import CostCategory, Mode, PhotoKind, Status, StepAction
from pilar.renovations.models import (
    CostItem,
    ProgressReport,
    Renovation,
    RenovationPhoto,
    RenovationStep,
)
from pilar.submissions.forms import check_document

MANAGER_ROLES = {Role.ADMIN, Role.DINSOS}
MSG_NOT_MANAGER = "Bedah rumah hanya dapat dicatat oleh Dinas Sosial atau admin."
MAX_PHOTOS = 10
MAX_COST_ITEMS = 100
# Photos are stored re-encoded as JPEG no larger than this on the long side
# (pilar.core.images): a camera photo of several MB becomes a few hundred KB and
# loses its EXIF data (which may hold the phone's identity), keeping the taken
# date we record apart.
PHOTO_MAX_SIDE = 1600


def may_manage(user: User | AnonymousUser | None) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role in MANAGER_ROLES
    )


def check_manager(user: User, village_id: str) -> None:
    """403 for a role that may not record renovations; 404 (NotAllowed) for a
    manager outside their area (admins and Dinas Sosial see the whole city)."""
    if not may_manage(user):
        raise PermissionDenied(MSG_NOT_MANAGER)
    if not Household.objects.restrict(user, "change").filter(village_id=village_id).exists():
        raise NotAllowed("Di luar wilayah kerja.")


def _refuse(message: str, code: str = "status") -> InvalidInput:
    return InvalidInput({"__all__": [message]}, message=message, codes={"__all__": code})


def _locked(renovation: Renovation, allowed: tuple[str, ...], verb: str) -> Renovation:
    """The renovation row, locked, in one of the `allowed` statuses; two people
    acting at once are serialized and the second sees the first one's change."""
    row = Renovation.objects.select_for_update().get(pk=renovation.pk)
    if row.status not in allowed:
        raise _refuse(
            f"Bedah rumah ini tidak dapat {verb}: statusnya sekarang "
            f"{row.get_status_display().lower()}.",
            "stale",
        )
    return row


def _step(renovation: Renovation, action: str, actor: User, note: str = "") -> None:
    RenovationStep.objects.create(renovation=renovation, action=action, actor=actor, note=note)


def _text(errors: ErrorCollector, field: str, value: Any, limit: int, label: str) -> str:
    text = str(value or "").strip()
    problem = forbidden_character_message(text, multiline=True)
    if problem:
        errors.add(field, problem)
    elif len(text) > limit:
        errors.add(field, f"{label} paling banyak {limit} karakter.")
    return text


def _coordinates(errors: ErrorCollector, latitude: Any, longitude: Any):
    if latitude in (None, "") and longitude in (None, ""):
        return None, None
    try:
        lat, lon = Decimal(str(latitude)), Decimal(str(longitude))
    except (InvalidOperation, ValueError):
        errors.add("gps", "Koordinat GPS harus berupa angka lintang dan bujur.")
        return None, None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        errors.add("gps", "Koordinat GPS di luar jangkauan.")
        return None, None
    return lat.quantize(Decimal("0.000001")), lon.quantize(Decimal("0.000001"))


# Photos ---------------------------------------------------------------------------


def read_photos(
    errors: ErrorCollector, field: str, files: Any, *, required: bool, label: str
) -> list[CheckedImage]:
    """Check every uploaded photo (an image, within the size limit), before
    anything is written; return them re-encoded as JPEG."""
    files = [f for f in (files or []) if f]
    if not files:
        if required:
            errors.add(field, f"Unggah paling sedikit satu foto {label}.")
        return []
    if len(files) > MAX_PHOTOS:
        errors.add(field, f"Paling banyak {MAX_PHOTOS} foto sekali unggah.")
        return []
    limit = settings.PILAR_RENOVATION_PHOTO_MAX_BYTES
    out: list[CheckedImage] = []
    for upload in files:
        name = getattr(upload, "name", "") or label
        image = check_image(errors, field, upload, name, limit, max_side=PHOTO_MAX_SIDE)
        if image is not None:
            out.append(image)
    return out


def _store_photos(
    renovation: Renovation,
    photos: list[CheckedImage],
    *,
    kind: str,
    taken_on: datetime.date,
    actor: User,
    report: ProgressReport | None = None,
    caption: str = "",
    latitude=None,
    longitude=None,
) -> None:
    for photo in photos:
        item = RenovationPhoto(
            renovation=renovation,
            report=report,
            kind=kind,
            taken_on=taken_on,
            content_type=photo.content_type,
            size=photo.size,
            sha256=photo.sha256,
            caption=caption,
            latitude=latitude,
            longitude=longitude,
            uploaded_by=actor,
        )
        item.image.save("foto.jpg", photo.as_file(), save=False)
        item.save()


# Opening and planning -------------------------------------------------------------


def _plan_fields(errors: ErrorCollector, data: dict) -> dict:
    mode = str(data.get("mode") or "")
    if mode not in Mode.values:
        errors.add("mode", "Pilih cara pelaksanaan: kontraktor atau swakelola.")
    contractor = _text(errors, "contractor", data.get("contractor"), 150, "Nama pelaksana")
    contract_number = _text(
        errors, "contract_number", data.get("contract_number"), 100, "Nomor kontrak"
    )
    start = parse_date(errors, "planned_start", data.get("planned_start"), "Rencana mulai")
    finish = parse_date(errors, "planned_finish", data.get("planned_finish"), "Rencana selesai")
    if start and finish and finish < start:
        errors.add("planned_finish", "Rencana selesai tidak boleh sebelum rencana mulai.")
    return {
        "mode": mode,
        "contractor": contractor,
        "contract_number": contract_number,
        "planned_start": start,
        "planned_finish": finish,
    }


def open_renovation(enrollment: Enrollment, *, acting_user: User, data: dict) -> Renovation:
    """Open the renovation of an approved enrollment of a house-renovation program,
    starting from the household's latest housing survey and RTLH assessment."""
    check_manager(acting_user, enrollment.village_id)
    errors = ErrorCollector()
    fields = _plan_fields(errors, data)
    note = _text(errors, "note", data.get("note"), 2000, "Catatan")
    errors.raise_if_any()
    with transaction.atomic():
        row = Enrollment.objects.select_for_update().select_related("program").get(pk=enrollment.pk)
        if row.program.benefit_type != BenefitType.HOUSE_RENOVATION:
            raise _refuse("Kepesertaan ini bukan program bedah rumah.", "program")
        if row.status != EnrollmentStatus.APPROVED:
            raise _refuse(
                "Bedah rumah hanya dapat dibuka untuk kepesertaan yang sudah disetujui "
                f"(status sekarang: {row.get_status_display().lower()})."
            )
        if Renovation.objects.filter(enrollment_id=row.pk).exists():
            raise _refuse("Bedah rumah untuk kepesertaan ini sudah dibuka.", "twice")
        # A restricted head (or person) stops a new renovation unless an override
        # basis and reason are given (decision 43); the override is recorded.
        check_processing(
            subject_of(person_id=row.person_id, household_id=row.household_id),
            acting_user=acting_user,
            purpose=RestrictedProcessing.RENOVATION,
            target=f"bedah rumah kepesertaan #{row.pk}",
            override_basis=str(data.get("override_basis") or ""),
            override_reason=str(data.get("override_reason") or ""),
        )
        survey = assessments.latest_survey(row.household)
        if survey is None:
            raise _refuse(
                "Keluarga ini belum memiliki survei rumah. Survei rumahnya dahulu (laporan "
                "lapangan jenis Survei rumah, divalidasi Dinas Sosial) sebelum bedah rumah "
                "dibuka.",
                "survey",
            )
        before = (
            RtlhAssessment.objects.filter(household_id=row.household_id)
            .order_by("-assessed_on", "-id")
            .first()
        )
        renovation = Renovation.objects.create(
            enrollment=row,
            household_id=row.household_id,
            village_id=row.village_id,
            before_survey=survey,
            before_assessment=before,
            created_by=acting_user,
            **fields,
        )
        _step(renovation, StepAction.OPEN, acting_user, note)
    return renovation


def _cost_items(errors: ErrorCollector, items: list[dict]) -> list[CostItem]:
    out: list[CostItem] = []
    if len(items) > MAX_COST_ITEMS:
        errors.add("items", f"RAB paling banyak {MAX_COST_ITEMS} baris.")
        return out
    for n, item in enumerate(items):
        key = f"items.{n}"
        description = str(item.get("description") or "").strip()
        blank = not description and all(
            item.get(k) in (None, "") for k in ("quantity", "unit", "unit_price")
        )
        if blank:
            continue
        category = str(item.get("category") or "")
        if category not in CostCategory.values:
            errors.add(f"{key}.category", "Pilih kelompok: bahan, upah atau lain-lain.")
        if not description:
            errors.add(f"{key}.description", "Uraian wajib diisi.")
        elif len(description) > 200:
            errors.add(f"{key}.description", "Uraian paling banyak 200 karakter.")
        quantity = parse_amount(
            errors, f"{key}.quantity", item.get("quantity"), "Volume", maximum=column_max(10, 2)
        )
        if quantity is None and f"{key}.quantity" not in errors:
            errors.add(f"{key}.quantity", "Volume wajib diisi.")
        unit = str(item.get("unit") or "").strip()
        if not unit:
            errors.add(f"{key}.unit", "Satuan wajib diisi (mis. m², sak, batang, OH).")
        elif len(unit) > 20:
            errors.add(f"{key}.unit", "Satuan paling banyak 20 karakter.")
        price = parse_amount(errors, f"{key}.unit_price", item.get("unit_price"), "Harga satuan")
        if price is None and f"{key}.unit_price" not in errors:
            errors.add(f"{key}.unit_price", "Harga satuan wajib diisi.")
        out.append(
            CostItem(
                position=len(out) + 1,
                category=category,
                description=description,
                quantity=quantity or Decimal(0),
                unit=unit,
                unit_price=price or Decimal(0),
            )
        )
    if not out and not errors.errors:
        errors.add("items", "Isi paling sedikit satu baris RAB.")
    return out


def save_plan(
    renovation: Renovation, *, acting_user: User, data: dict, items: list[dict]
) -> Renovation:
    """Save the execution mode and the whole cost plan (RAB), replacing the previous
    lines (their history stays). The RAB total may not exceed the enrollment's
    planned amount: the program's amount is the budget committed on approval."""
    check_manager(acting_user, renovation.village_id)
    errors = ErrorCollector()
    fields = _plan_fields(errors, data)
    note = _text(errors, "note", data.get("note"), 2000, "Catatan")
    lines = _cost_items(errors, items)
    total = sum((line.total for line in lines), start=Decimal(0))
    errors.raise_if_any()
    with transaction.atomic():
        row = _locked(renovation, (Status.PLANNING, Status.WORKING), "diubah")
        limit = row.enrollment.amount
        if limit is not None and total > limit:
            raise InvalidInput(
                {
                    "items": [
                        f"Total RAB {rupiah(total)} melebihi nilai bantuan {rupiah(limit)}. "
                        "Kurangi rinciannya."
                    ]
                },
                codes={"items": "over_amount"},
            )
        if row.status == Status.WORKING and fields["mode"] == Mode.CONTRACTOR:
            if not fields["contractor"]:
                raise InvalidInput({"contractor": ["Nama kontraktor wajib diisi."]})
        for name, value in fields.items():
            setattr(row, name, value)
        row.save()
        row.cost_items.all().delete()
        for line in lines:
            line.renovation = row
        CostItem.objects.bulk_create(lines)
        summary = f"{len(lines)} baris, total {rupiah(total)}"
        _step(
            row, StepAction.PLAN, acting_user, f"{summary}. {note}".strip(". ") if note else summary
        )
    return row


def rupiah(value: Decimal | int | None) -> str:
    return str(as_rupiah(value))


# Photos, start, progress ----------------------------------------------------------


def add_photos(
    renovation: Renovation, *, acting_user: User, kind: str, taken_on: Any, files, data: dict
) -> int:
    """Before photos while the renovation is open; after photos once the work has
    started (progress photos come with a progress report)."""
    check_manager(acting_user, renovation.village_id)
    errors = ErrorCollector()
    if kind not in (PhotoKind.BEFORE, PhotoKind.AFTER):
        errors.add("kind", "Pilih jenis foto: sebelum atau sesudah.")
    day = parse_date(errors, "taken_on", taken_on, "Tanggal foto", required=True, past=True)
    caption = _text(errors, "caption", data.get("caption"), 200, "Keterangan")
    lat, lon = _coordinates(errors, data.get("latitude"), data.get("longitude"))
    photos = read_photos(errors, "photos", files, required=True, label="")
    errors.raise_if_any()
    assert day is not None
    with transaction.atomic():
        allowed = (
            (Status.PLANNING, Status.WORKING) if kind == PhotoKind.BEFORE else (Status.WORKING,)
        )
        row = _locked(renovation, allowed, "ditambah foto " + PhotoKind(kind).label.lower())
        if kind == PhotoKind.AFTER and row.started_on and day < row.started_on:
            raise InvalidInput(
                {"taken_on": ["Foto sesudah tidak boleh sebelum pekerjaan dimulai."]}
            )
        _store_photos(
            row,
            photos,
            kind=kind,
            taken_on=day,
            actor=acting_user,
            caption=caption,
            latitude=lat,
            longitude=lon,
        )
        _step(
            row,
            StepAction.PHOTO,
            acting_user,
            f"{len(photos)} foto {PhotoKind(kind).label.lower()}",
        )
    return len(photos)


def start_work(
    renovation: Renovation, *, acting_user: User, started_on: Any, note: str = ""
) -> Renovation:
    """Planning → work: needs a cost plan, a before photo, and the contractor's name
    when a contractor does the work."""
    check_manager(acting_user, renovation.village_id)
    errors = ErrorCollector()
    day = parse_date(errors, "started_on", started_on, "Tanggal mulai", required=True, past=True)
    note = _text(errors, "note", note, 2000, "Catatan")
    errors.raise_if_any()
    assert day is not None
    with transaction.atomic():
        row = _locked(renovation, (Status.PLANNING,), "dimulai")
        if not row.cost_items.exists():
            errors.add("__all__", "Susun RAB dahulu sebelum pekerjaan dimulai.", "no_plan")
        if not row.photos.filter(kind=PhotoKind.BEFORE).exists():
            errors.add("__all__", "Unggah foto rumah sebelum dikerjakan dahulu.", "no_photo")
        if row.mode == Mode.CONTRACTOR and not row.contractor:
            errors.add("__all__", "Isi nama kontraktor pada RAB dahulu.", "no_contractor")
        if row.before_survey and day < row.before_survey.surveyed_on:
            errors.add("started_on", "Tanggal mulai tidak boleh sebelum survei rumah.")
        errors.raise_if_any()
        row.status = Status.WORKING
        row.started_on = day
        row.save(update_fields=["status", "started_on", "updated_at"])
        _step(row, StepAction.START, acting_user, note)
    return row


def report_progress(
    renovation: Renovation, *, acting_user: User, reported_on: Any, percent: Any, files, data: dict
) -> ProgressReport:
    """A dated progress figure with at least one photo. Progress never goes down
    and reports are in date order; 100 % opens the handover."""
    check_manager(acting_user, renovation.village_id)
    errors = ErrorCollector()
    day = parse_date(
        errors, "reported_on", reported_on, "Tanggal progres", required=True, past=True
    )
    try:
        value = int(str(percent).strip())
        if not 0 <= value <= 100:
            raise ValueError
    except (TypeError, ValueError):
        errors.add("percent", "Progres diisi angka 0 sampai 100.")
        value = -1
    note = _text(errors, "note", data.get("note"), 2000, "Catatan")
    lat, lon = _coordinates(errors, data.get("latitude"), data.get("longitude"))
    photos = read_photos(errors, "photos", files, required=True, label="progres")
    errors.raise_if_any()
    assert day is not None
    with transaction.atomic():
        row = _locked(renovation, (Status.WORKING,), "dilaporkan progresnya")
        last = row.reports.order_by("-reported_on", "-pk").first()
        if row.started_on and day < row.started_on:
            errors.add("reported_on", "Tanggal progres tidak boleh sebelum pekerjaan dimulai.")
        if last is not None and day < last.reported_on:
            errors.add(
                "reported_on",
                f"Progres terakhir bertanggal {last.reported_on:%d-%m-%Y}: "
                "tanggal progres baru tidak boleh lebih awal.",
            )
        if value < row.progress:
            errors.add("percent", f"Progres tidak boleh turun dari {row.progress}%.", "backwards")
        if value == row.progress and not note:
            errors.add("note", "Progres tidak bertambah: tuliskan kendalanya di catatan.")
        errors.raise_if_any()
        report = ProgressReport.objects.create(
            renovation=row, reported_on=day, percent=value, note=note, reporter=acting_user
        )
        _store_photos(
            row,
            photos,
            kind=PhotoKind.PROGRESS,
            taken_on=day,
            actor=acting_user,
            report=report,
            latitude=lat,
            longitude=lon,
        )
        row.progress = value
        row.save(update_fields=["progress", "updated_at"])
        _step(row, StepAction.PROGRESS, acting_user, f"{value}%" + (f": {note}" if note else ""))
    return report


# Handover ----------------------------------------------------------------------------


def survey_initial(renovation: Renovation) -> dict:
    """The after-survey form starts from the survey before the work."""
    survey = renovation.before_survey
    if survey is None:
        return {}
    return {name: getattr(survey, name) for name in SURVEY_FIELDS}


def _survey(
    errors: ErrorCollector, household_id: int, day: datetime.date, actor: User, values: dict
) -> HousingSurvey:
    survey = HousingSurvey(household_id=household_id, surveyed_on=day, surveyor=actor)
    for name in SURVEY_FIELDS:
        setattr(survey, name, values.get(name))
    try:
        survey.full_clean(exclude=["household", "surveyor", "submission", "surveyed_on"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            for message in messages:
                errors.add(f"survey.{name}", message)
    return survey


def hand_over(
    renovation: Renovation,
    *,
    acting_user: User,
    data: dict,
    survey: dict,
    after_files=(),
    document=None,
) -> Renovation:
    """Work → handed over. Needs the work at 100 %, an after photo (already there or
    sent with the handover), the handover record number and the state of the house
    now. Writes, in one transaction: the new housing survey and its RTLH assessment,
    the delivery of the enrollment's benefit (the actual cost, with a reason when it
    differs from the planned amount) and its completion."""
    check_manager(acting_user, renovation.village_id)
    errors = ErrorCollector()
    day = parse_date(
        errors,
        "handed_over_on",
        data.get("handed_over_on"),
        "Tanggal serah terima",
        required=True,
        past=True,
    )
    number = _text(errors, "handover_number", data.get("handover_number"), 100, "Nomor BAST")
    if not number and "handover_number" not in errors:
        errors.add("handover_number", "Nomor berita acara serah terima wajib diisi.")
    note = _text(errors, "handover_note", data.get("handover_note"), 2000, "Catatan")
    cost = parse_amount(errors, "final_cost", data.get("final_cost"), "Biaya realisasi")
    if cost is None and "final_cost" not in errors:
        errors.add("final_cost", "Biaya realisasi wajib diisi.")
    reason = _text(errors, "cost_reason", data.get("cost_reason"), 2000, "Alasan")
    photos = read_photos(errors, "after_photos", after_files, required=False, label="sesudah")
    if document is not None:
        try:
            check_document(document)
        except ValidationError as exc:
            for message in exc.messages:
                errors.add("handover_document", message)
    new_survey = None
    if day is not None:
        new_survey = _survey(errors, renovation.household_id, day, acting_user, survey)
    with transaction.atomic():
        # Checks against the locked row join the field errors above, so the form
        # shows everything that is wrong at once.
        row = _locked(renovation, (Status.WORKING,), "diserahterimakan")
        last = row.reports.order_by("-reported_on", "-pk").first()
        if row.progress < 100 or last is None:
            errors.add(
                "__all__",
                f"Progres baru {row.progress}%: laporkan progres 100% dahulu.",
                "not_finished",
            )
        elif day is not None and day < last.reported_on:
            errors.add(
                "handed_over_on", "Tanggal serah terima tidak boleh sebelum progres terakhir."
            )
        if not photos and not row.photos.filter(kind=PhotoKind.AFTER).exists():
            errors.add("after_photos", "Unggah paling sedikit satu foto rumah sesudah dikerjakan.")
        planned = row.enrollment.amount
        if cost is not None and planned is not None and cost != planned and not reason:
            errors.add(
                "cost_reason",
                f"Biaya realisasi {rupiah(cost)} berbeda dari nilai bantuan {rupiah(planned)}: "
                "tuliskan alasannya.",
                "amount_differs",
            )
        errors.raise_if_any()
        assert day is not None and cost is not None and new_survey is not None
        _store_photos(row, photos, kind=PhotoKind.AFTER, taken_on=day, actor=acting_user)
        new_survey.save()
        try:
            assessment = assessments.create_rtlh_assessment(
                new_survey,
                acting_user=acting_user,
                assessed_on=day,
                notes=f"Asesmen sesudah bedah rumah #{row.pk} (BAST {number}).",
            )
            enrollment_actions.deliver(
                row.enrollment,
                acting_user=acting_user,
                delivered_on=day,
                amount=cost,
                amount_reason=reason,
                note=f"Serah terima bedah rumah #{row.pk}, BAST {number}",
                complete=True,
                via_handover=True,
            )
        except InvalidInput as exc:  # the enrollment moved meanwhile: nothing is kept
            messages = [m for ms in exc.errors.values() for m in ms]
            raise _refuse("; ".join(messages) or exc.message, "stale") from exc
        row.status = Status.HANDED_OVER
        row.handed_over_on = day
        row.handover_number = number
        row.handover_note = note
        row.final_cost = cost
        row.after_survey = new_survey
        row.after_assessment = assessment
        if document is not None:
            row.handover_document = document
        row.save()
        verdict = (
            "rumah masih tidak layak huni"
            if assessment.is_rtlh
            else "rumah layak huni, keluar dari hitungan RTLH"
        )
        _step(row, StepAction.HANDOVER, acting_user, f"BAST {number}; {verdict}")
    return row


def cancel(renovation: Renovation, *, acting_user: User, reason: str) -> Renovation:
    check_manager(acting_user, renovation.village_id)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput({"reason": ["Tuliskan alasan pembatalan."]})
    if len(reason) > 2000:
        raise InvalidInput({"reason": ["Alasan paling banyak 2000 karakter."]})
    with transaction.atomic():
        row = _locked(renovation, (Status.PLANNING, Status.WORKING), "dibatalkan")
        row.status = Status.CANCELLED
        row.cancel_reason = reason
        row.save(update_fields=["status", "cancel_reason", "updated_at"])
        _step(row, StepAction.CANCEL, acting_user, reason)
    return row
