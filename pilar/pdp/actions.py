"""Writes of the data-protection registers. Each action checks the role (Dinas
Sosial, admin), validates everything, then writes in one transaction and appends the
step (RequestStep / BreachStep: who, when, why).

A correction runs through the registry's own actions (`update_person`,
`update_household`) inside a pghistory context naming the request, so the person's
history says which request changed what.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

import pghistory
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pilar.audit.actions import log_access
from pilar.audit.models import AccessAction
from pilar.core.dates import parse_date, today
from pilar.core.errors import ErrorCollector, InvalidInput, NotAllowed
from pilar.core.text import check_text
from pilar.pdp import choices, restrictions
from pilar.pdp.models import (
    Breach,
    BreachStep,
    ImpactAssessment,
    RequestStep,
    SubjectRequest,
)
from pilar.pdp.querysets import may_manage
from pilar.pdp.subject import collect, document, trail
from pilar.registry import actions as registry_actions
from pilar.registry.models import Person
from pilar.registry.validation import HOUSEHOLD_FIELDS, PERSON_FIELDS

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

# UU 27/2022 art. 30, 32, 46: "paling lambat 3 x 24 jam".
DEADLINE = datetime.timedelta(hours=72)
# A typed time may be a few minutes ahead of the server's clock.
CLOCK_SKEW = datetime.timedelta(minutes=10)
DATETIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M", "%d/%m/%Y %H:%M")
# Which registry fields a correction may change (the person's and their household's).
CORRECTABLE_PERSON = [f for f in PERSON_FIELDS if f not in ("relation",)]
CORRECTABLE_HOUSEHOLD = [f for f in HOUSEHOLD_FIELDS if f not in ("village", "no_kk_missing_note")]


def require_manager(user: User) -> None:
    if not may_manage(user):
        raise PermissionDenied("Hanya Dinas Sosial dan admin yang mengelola register PDP.")


def parse_moment(
    errors: ErrorCollector, field: str, value: Any, label: str, *, required: bool = False
) -> datetime.datetime | None:
    """A date and time as typed (2026-12-07T09:30, 07-12-2026 09:30); a bare date is
    read as 00:00. Not in the future."""
    moment: datetime.datetime | None = None
    if isinstance(value, datetime.datetime):
        moment = value
    elif value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.add(field, f"{label} wajib diisi.")
        return None
    else:
        text = str(value).strip()
        for fmt in DATETIME_FORMATS:
            try:
                moment = datetime.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        if moment is None:
            date = parse_date(errors, field, text, label)
            if date is None:
                return None
            moment = datetime.datetime.combine(date, datetime.time())
    assert moment is not None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > timezone.now() + CLOCK_SKEW:
        errors.add(field, f"{label} tidak boleh di masa depan.")
        return None
    if moment.year < 2000:
        errors.add(field, f"{label} tidak masuk akal.")
        return None
    return moment


def _step(req: SubjectRequest, action: str, user: User, note: str = "") -> None:
    RequestStep.objects.create(request=req, action=action, actor=user, note=note)


def _lock(req: SubjectRequest, user: User) -> SubjectRequest:
    """The request row locked, re-read through the user's scope (404 if gone)."""
    current = (
        SubjectRequest.objects.restrict(user)
        .select_for_update(of=("self",))
        .filter(pk=req.pk)
        .first()
    )
    if current is None:
        raise NotAllowed
    return current


def _require_open(req: SubjectRequest) -> None:
    if not req.is_open:
        raise InvalidInput({"__all__": ["Permintaan ini sudah selesai atau ditolak."]})


# Data-subject requests ------------------------------------------------------------------


@transaction.atomic
def create_request(*, acting_user: User, data: dict, person: Person | None) -> SubjectRequest:
    """Record a request as received. `person` was fetched by the caller through the
    user's scoped queryset (or is None when nobody matches yet)."""
    require_manager(acting_user)
    errors = ErrorCollector()
    kind = str(data.get("kind") or "")
    if kind not in choices.RequestKind.values:
        errors.add("kind", "Pilih jenis permintaan.")
    channel = str(data.get("channel") or "")
    if channel not in choices.Channel.values:
        errors.add("channel", "Pilih saluran permintaan.")
    name = check_text(errors, "requester_name", data.get("requester_name"), max_length=150)
    if not name and "requester_name" not in errors:
        errors.add("requester_name", "Nama pemohon wajib diisi.")
    relation = check_text(
        errors, "requester_relation", data.get("requester_relation"), max_length=100
    )
    contact = check_text(errors, "requester_contact", data.get("requester_contact"), max_length=200)
    details = check_text(errors, "details", data.get("details"), max_length=5000, multiline=True)
    if not details and "details" not in errors:
        errors.add("details", "Tuliskan isi permintaan.")
    received = parse_moment(
        errors, "received_at", data.get("received_at"), "Waktu diterima", required=True
    )
    if kind in (choices.RequestKind.ACCESS, choices.RequestKind.CORRECTION) and person is None:
        errors.add("person", "Permintaan akses dan perbaikan harus menunjuk individu di registri.")
    errors.raise_if_any()
    assert received is not None
    req = SubjectRequest.objects.create(
        kind=kind,
        person=person,
        requester_name=name,
        requester_relation=relation or "diri sendiri",
        requester_contact=contact,
        channel=channel,
        identity_checked=bool(data.get("identity_checked")),
        received_at=received,
        due_at=received + DEADLINE,
        details=details,
        created_by=acting_user,
    )
    _step(req, choices.RequestAction.RECEIVED, acting_user)
    if kind == choices.RequestKind.RESTRICTION:
        restrictions.sync(person, acting_user=acting_user, cause=req)
    return req


@transaction.atomic
def start_request(req: SubjectRequest, *, acting_user: User, note: str = "") -> SubjectRequest:
    require_manager(acting_user)
    current = _lock(req, acting_user)
    _require_open(current)
    errors = ErrorCollector()
    note = check_text(errors, "note", note, max_length=2000, multiline=True)
    errors.raise_if_any()
    current.status = choices.RequestStatus.IN_PROGRESS
    current.handled_by = acting_user
    current.save()
    _step(current, choices.RequestAction.STARTED, acting_user, note)
    return current


@transaction.atomic
def export_for_request(
    req: SubjectRequest, *, acting_user: User, fmt: str, request=None
) -> tuple[bytes, str]:
    """The access export (data + processing trail) of the request's person, as JSON or
    PDF. Logged as an export of the person's record and as a step of the request."""
    require_manager(acting_user)
    current = _lock(req, acting_user)
    if fmt not in ("json", "pdf"):
        raise InvalidInput({"fmt": ["Format tidak dikenal."]})
    if current.kind != choices.RequestKind.ACCESS or current.person is None:
        raise InvalidInput({"__all__": ["Ekspor data hanya untuk permintaan akses."]})
    person = current.person
    data = collect.collect(person)
    entries = trail.trail(data)
    doc = document.build(data, entries, request_id=current.pk)
    body = document.to_json(doc) if fmt == "json" else document.to_pdf(doc)
    log_access(
        user=acting_user,
        action=AccessAction.EXPORT,
        obj=person,
        reason=f"Permintaan akses subjek data #{current.pk} (UU 27/2022 pasal 32)",
        request=request,
        extra={"pdp_request": current.pk, "format": fmt, "sections": len(doc["data"])},
    )
    if current.status == choices.RequestStatus.RECEIVED:
        current.status = choices.RequestStatus.IN_PROGRESS
        current.handled_by = acting_user
        current.save()
    _step(current, choices.RequestAction.EXPORTED, acting_user, f"format {fmt.upper()}")
    return body, ("application/json" if fmt == "json" else "application/pdf")


def _request_url(req: SubjectRequest) -> str:
    return reverse("pdp:request_detail", args=[req.pk])


@transaction.atomic
def apply_correction(
    req: SubjectRequest, *, acting_user: User, data: dict, note: str = ""
) -> SubjectRequest:
    """Correct the person's (and their household's) data through the registry's actions;
    every row event carries `pdp_request` in its context."""
    require_manager(acting_user)
    current = _lock(req, acting_user)
    _require_open(current)
    if current.kind != choices.RequestKind.CORRECTION or current.person is None:
        raise InvalidInput({"__all__": ["Perbaikan hanya untuk permintaan perbaikan."]})
    person = Person.objects.restrict(acting_user, "change").filter(pk=current.person_id).first()
    if person is None:
        raise NotAllowed
    errors = ErrorCollector()
    note = check_text(errors, "note", note, max_length=2000, multiline=True)
    errors.raise_if_any()
    person_data = {k: v for k, v in data.items() if k in CORRECTABLE_PERSON}
    household_data = {k: v for k, v in data.items() if k in CORRECTABLE_HOUSEHOLD}
    before_person = {f: getattr(person, f) for f in CORRECTABLE_PERSON}
    household = person.household
    before_household = {f: getattr(household, f) for f in CORRECTABLE_HOUSEHOLD}
    with pghistory.context(pdp_request=current.pk, url=_request_url(current), user=acting_user.pk):
        if household_data:
            try:
                registry_actions.update_household(
                    household, acting_user=acting_user, data=household_data
                )
            except InvalidInput as exc:
                raise InvalidInput({f"household.{k}": v for k, v in exc.errors.items()}) from exc
        if person_data:
            registry_actions.update_person(person, acting_user=acting_user, data=person_data)
    person.refresh_from_db()
    household.refresh_from_db()
    changed = {
        f: [_plain(before_person[f]), _plain(getattr(person, f))]
        for f in CORRECTABLE_PERSON
        if before_person[f] != getattr(person, f)
    }
    changed.update(
        {
            f"household.{f}": [_plain(before_household[f]), _plain(getattr(household, f))]
            for f in CORRECTABLE_HOUSEHOLD
            if before_household[f] != getattr(household, f)
        }
    )
    if not changed:
        raise InvalidInput({"__all__": ["Tidak ada data yang berubah."]})
    current.correction = {**(current.correction or {}), "diterapkan": changed}
    current.status = choices.RequestStatus.IN_PROGRESS
    current.handled_by = acting_user
    current.save()
    _step(
        current,
        choices.RequestAction.CORRECTED,
        acting_user,
        note or "Diperbaiki: " + ", ".join(sorted(changed)),
    )
    return current


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value if isinstance(value, (int, str, list, type(None), bool)) else str(value)


@transaction.atomic
def close_request(
    req: SubjectRequest, *, acting_user: User, status: str, outcome: str
) -> SubjectRequest:
    require_manager(acting_user)
    current = _lock(req, acting_user)
    _require_open(current)
    errors = ErrorCollector()
    if status not in (choices.RequestStatus.DONE, choices.RequestStatus.REFUSED):
        errors.add("status", "Pilih selesai atau ditolak.")
    outcome = check_text(errors, "outcome", outcome, max_length=5000, multiline=True)
    if not outcome and "outcome" not in errors:
        errors.add("outcome", "Tuliskan hasil atau alasan penolakan.")
    if (
        status == choices.RequestStatus.DONE
        and current.kind == choices.RequestKind.ACCESS
        and not current.steps.filter(action=choices.RequestAction.EXPORTED).exists()
    ):
        errors.add("status", "Permintaan akses selesai setelah data diekspor untuk pemohon.")
    if (
        status == choices.RequestStatus.DONE
        and current.kind == choices.RequestKind.CORRECTION
        and not current.steps.filter(action=choices.RequestAction.CORRECTED).exists()
    ):
        errors.add("status", "Permintaan perbaikan selesai setelah perbaikan diterapkan.")
    errors.raise_if_any()
    current.status = status
    current.outcome = outcome
    current.closed_at = timezone.now()
    current.handled_by = current.handled_by or acting_user
    current.save()
    action = (
        choices.RequestAction.DONE
        if status == choices.RequestStatus.DONE
        else choices.RequestAction.REFUSED
    )
    _step(current, action, acting_user, outcome)
    if current.kind in (choices.RequestKind.RESTRICTION, choices.RequestKind.OBJECTION):
        restrictions.sync(current.person, acting_user=acting_user, cause=current)
    return current


@transaction.atomic
def lift_restriction(req: SubjectRequest, *, acting_user: User, reason: str) -> SubjectRequest:
    """End a granted restriction or objection (the person asked, or the ground for
    it is gone): processing resumes unless another request is still in force."""
    require_manager(acting_user)
    current = _lock(req, acting_user)
    if not restrictions.may_lift(current):
        raise InvalidInput(
            {"__all__": ["Hanya pembatasan atau keberatan yang dikabulkan dapat dicabut."]}
        )
    errors = ErrorCollector()
    reason = check_text(errors, "reason", reason, max_length=2000, multiline=True)
    if not reason and "reason" not in errors:
        errors.add("reason", "Tuliskan alasan pencabutan pembatasan.")
    errors.raise_if_any()
    current.lifted_at = timezone.now()
    current.lift_reason = reason
    current.save()
    _step(current, choices.RequestAction.LIFTED, acting_user, reason)
    restrictions.sync(current.person, acting_user=acting_user, cause=current)
    return current


@transaction.atomic
def record_told(
    req: SubjectRequest, *, acting_user: User, told_at: Any, how: str
) -> SubjectRequest:
    require_manager(acting_user)
    current = _lock(req, acting_user)
    errors = ErrorCollector()
    moment = parse_moment(errors, "told_at", told_at, "Waktu pemberitahuan", required=True)
    how = check_text(errors, "told_how", how, max_length=200)
    if not how and "told_how" not in errors:
        errors.add("told_how", "Tuliskan cara pemberitahuan (surat, datang langsung, surel…).")
    if moment is not None and moment < current.received_at:
        errors.add("told_at", "Waktu pemberitahuan sebelum permintaan diterima.")
    errors.raise_if_any()
    current.told_at = moment
    current.told_how = how
    current.save()
    _step(current, choices.RequestAction.TOLD, acting_user, how)
    return current


# Breaches --------------------------------------------------------------------------------

BREACH_TEXT = {
    "title": ("Judul", 200, False),
    "description": ("Apa yang terjadi", 5000, True),
    "cause": ("Bagaimana terjadi", 5000, True),
    "data_categories": ("Data pribadi yang terungkap", 2000, True),
    "consequences": ("Akibat yang mungkin", 5000, True),
    "measures": ("Upaya penanganan dan pemulihan", 5000, True),
    "contact": ("Narahubung", 300, False),
}
BREACH_REQUIRED = {"title", "description", "cause", "data_categories", "measures", "contact"}


def _breach_values(data: dict, persons: list[Person] | None) -> dict:
    errors = ErrorCollector()
    values: dict[str, Any] = {}
    for name, (label, max_length, multiline) in BREACH_TEXT.items():
        values[name] = check_text(
            errors, name, data.get(name), max_length=max_length, multiline=multiline
        )
        if name in BREACH_REQUIRED and not values[name] and name not in errors:
            errors.add(name, f"{label} wajib diisi.")
    values["discovered_at"] = parse_moment(
        errors, "discovered_at", data.get("discovered_at"), "Waktu diketahui", required=True
    )
    values["occurred_at"] = parse_moment(
        errors, "occurred_at", data.get("occurred_at"), "Waktu terjadi"
    )
    if (
        values["occurred_at"]
        and values["discovered_at"]
        and values["occurred_at"] > values["discovered_at"]
    ):
        errors.add("occurred_at", "Waktu terjadi tidak boleh sesudah waktu diketahui.")
    raw = str(data.get("affected_count") or "0").replace(".", "").strip()
    if not raw.isdigit() or int(raw) > 100_000_000:
        errors.add("affected_count", "Isi jumlah dengan angka bulat.")
    else:
        values["affected_count"] = max(int(raw), len(persons or []))
    errors.raise_if_any()
    return values


@transaction.atomic
def create_breach(*, acting_user: User, data: dict, persons: list[Person] | None = None) -> Breach:
    """`persons` were fetched by the caller through the user's scoped queryset."""
    require_manager(acting_user)
    values = _breach_values(data, persons)
    breach = Breach.objects.create(
        **values, due_at=values["discovered_at"] + DEADLINE, recorded_by=acting_user
    )
    if persons:
        breach.persons.set(persons)
    BreachStep.objects.create(
        breach=breach, action=choices.BreachAction.RECORDED, actor=acting_user
    )
    return breach


def _lock_breach(breach: Breach, user: User) -> Breach:
    current = Breach.objects.restrict(user).select_for_update().filter(pk=breach.pk).first()
    if current is None:
        raise NotAllowed
    return current


@transaction.atomic
def update_breach(
    breach: Breach, *, acting_user: User, data: dict, persons: list[Person] | None = None
) -> Breach:
    require_manager(acting_user)
    current = _lock_breach(breach, acting_user)
    if current.status == choices.BreachStatus.CLOSED:
        raise InvalidInput({"__all__": ["Insiden yang sudah ditutup tidak dapat diubah."]})
    values = _breach_values(data, persons)
    for name, value in values.items():
        setattr(current, name, value)
    # The clock runs from when the office learnt of the breach.
    current.due_at = current.discovered_at + DEADLINE
    current.save()
    if persons is not None:
        current.persons.set(persons)
    BreachStep.objects.create(
        breach=current, action=choices.BreachAction.UPDATED, actor=acting_user
    )
    return current


@transaction.atomic
def record_notice(breach: Breach, *, acting_user: User, to: str, at: Any, note: str = "") -> Breach:
    """The written notice was sent to the authority ("lembaga") or to the data
    subjects ("subjek")."""
    require_manager(acting_user)
    current = _lock_breach(breach, acting_user)
    errors = ErrorCollector()
    if to not in ("lembaga", "subjek"):
        errors.add("to", "Pilih penerima pemberitahuan.")
    moment = parse_moment(errors, "at", at, "Waktu pemberitahuan", required=True)
    note = check_text(errors, "note", note, max_length=2000, multiline=True)
    if moment is not None and moment < current.discovered_at:
        errors.add("at", "Waktu pemberitahuan sebelum insiden diketahui.")
    errors.raise_if_any()
    if to == "lembaga":
        current.authority_notified_at = moment
        action = choices.BreachAction.AUTHORITY
    else:
        current.subjects_notified_at = moment
        action = choices.BreachAction.SUBJECTS
    if current.is_notified and current.status == choices.BreachStatus.OPEN:
        current.status = choices.BreachStatus.NOTIFIED
    current.save()
    BreachStep.objects.create(breach=current, action=action, actor=acting_user, note=note)
    return current


@transaction.atomic
def close_breach(breach: Breach, *, acting_user: User, note: str) -> Breach:
    require_manager(acting_user)
    current = _lock_breach(breach, acting_user)
    errors = ErrorCollector()
    note = check_text(errors, "note", note, max_length=2000, multiline=True)
    if not note and "note" not in errors:
        errors.add("note", "Tuliskan hasil penanganan.")
    if not current.is_notified:
        errors.add("__all__", "Catat dahulu pemberitahuan ke lembaga dan ke subjek data.")
    errors.raise_if_any()
    current.status = choices.BreachStatus.CLOSED
    current.closed_at = timezone.now()
    current.save()
    BreachStep.objects.create(
        breach=current, action=choices.BreachAction.CLOSED, actor=acting_user, note=note
    )
    return current


# Impact assessments ------------------------------------------------------------------------

DPIA_TEXT = {
    "title": ("Judul", 200),
    "processing": ("Uraian pemrosesan", 10000),
    "purpose": ("Tujuan", 5000),
    "legal_basis": ("Dasar hukum", 5000),
    "data_used": ("Data pribadi yang dipakai", 5000),
    "necessity": ("Kebutuhan dan proporsionalitas", 5000),
    "risks": ("Risiko bagi subjek data", 10000),
    "measures": ("Langkah pengendalian", 10000),
}


@transaction.atomic
def update_assessment(
    assessment: ImpactAssessment, *, acting_user: User, data: dict
) -> ImpactAssessment:
    """Edit a DPIA; an edit withdraws an earlier approval (it must be approved again)."""
    require_manager(acting_user)
    errors = ErrorCollector()
    values: dict[str, Any] = {}
    for name, (label, max_length) in DPIA_TEXT.items():
        values[name] = check_text(
            errors, name, data.get(name), max_length=max_length, multiline=name != "title"
        )
        if not values[name] and name not in errors:
            errors.add(name, f"{label} wajib diisi.")
    risk = str(data.get("risk_level") or "")
    if risk not in choices.RiskLevel.values:
        errors.add("risk_level", "Pilih tingkat risiko sisa.")
    review = parse_date(errors, "review_due", data.get("review_due"), "Tinjau ulang", required=True)
    if review is not None and review < today():
        errors.add("review_due", "Tanggal tinjau ulang harus hari ini atau sesudahnya.")
    errors.raise_if_any()
    assert review is not None
    current = ImpactAssessment.objects.select_for_update().get(pk=assessment.pk)
    changed = any(getattr(current, k) != v for k, v in values.items()) or (
        current.risk_level != risk or current.review_due != review
    )
    for name, value in values.items():
        setattr(current, name, value)
    current.risk_level = risk
    current.review_due = review
    current.updated_by = acting_user
    if changed:
        current.approved_by = None
        current.approved_on = None
    current.save()
    return current


@transaction.atomic
def approve_assessment(assessment: ImpactAssessment, *, acting_user: User) -> ImpactAssessment:
    require_manager(acting_user)
    current = ImpactAssessment.objects.select_for_update().get(pk=assessment.pk)
    current.approved_by = acting_user
    current.approved_on = today()
    current.save()
    return current


def at_risk_hours() -> int:
    return int(getattr(settings, "PILAR_PDP_AT_RISK_HOURS", 24))
