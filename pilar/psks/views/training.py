"""Training pages: the event list and page, invitations, materials, the day's check-in
code (for the projector), the organiser's attendance list (on screen and printed),
the test and its scores, certificates, the public certificate check and the list of
workers not yet trained. Writes go through pilar.psks.training."""

from __future__ import annotations

import datetime
import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pilar.accounts.choices import Role
from pilar.accounts.models import User
from pilar.accounts.types import AuthedRequest
from pilar.audit.exports import logged_download
from pilar.core.dates import today
from pilar.core.errors import InvalidInput
from pilar.core.numbers import format_number
from pilar.core.tables import DATE, INT, Column
from pilar.core.web import PAGE_SIZE, people_required, run_action
from pilar.psks import training
from pilar.psks.actions import can_manage
from pilar.psks.certificates import certificates_pdf
from pilar.psks.checkin import day_code
from pilar.psks.forms import CertificateForm, EventForm, InviteForm, MaterialForm, QuestionsForm
from pilar.psks.models import (
    Attendance,
    Participant,
    PsksWorker,
    TrainingEvent,
    TrainingMaterial,
)
from pilar.regions.deployment import districts

# A printed list holds every participant; beyond this the page is split by kecamatan.
PRINT_LIMIT = 1000


def _events_for(user: User):
    if user.is_city_wide or user.role == Role.TKSK:
        return TrainingEvent.objects.all()
    return TrainingEvent.objects.filter(participants__worker_id=user.psks_worker_id or 0)


def _get_event(user: User, pk: int) -> TrainingEvent:
    return get_object_or_404(_events_for(user).distinct(), pk=pk)


def _manager_event(request: AuthedRequest, pk: int) -> TrainingEvent:
    if not can_manage(request.user):
        raise PermissionDenied
    return get_object_or_404(TrainingEvent, pk=pk)


def _participants(user: User, event: TrainingEvent):
    workers = PsksWorker.objects.restrict(user, "view").values("pk")
    return training.with_days_present(
        event.participants.filter(worker__in=workers).select_related(
            "worker__psks_type", "worker__district", "worker__village"
        )
    )


def _search(qs, request, field="worker__name"):
    q = request.GET.get("q", "").strip()[:100]
    if q:
        qs = qs.filter(**{f"{field}__icontains": q})
    kecamatan = request.GET.get("kecamatan", "").strip()[:20]
    if kecamatan:
        qs = qs.filter(**{field.replace("name", "district_id"): kecamatan})
    return qs, {"q": q, "kecamatan": kecamatan}


# Events -------------------------------------------------------------------------------


@people_required
def event_list(request: AuthedRequest):
    events = (
        _events_for(request.user)
        .distinct()
        .annotate(
            n=Count("participants", distinct=True),
            certified=Count(
                "participants",
                filter=Q(participants__certificate_number__isnull=False),
                distinct=True,
            ),
        )
    )
    q = request.GET.get("q", "").strip()[:100]
    if q:
        events = events.filter(Q(title__icontains=q) | Q(place__icontains=q))
    page = Paginator(events.order_by("-starts_on", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "psks/training/list.html",
        {"page_obj": page, "q": q, "can_manage": can_manage(request.user), "tab": "training"},
    )


@people_required
def event_export(request: AuthedRequest, fmt: str):
    events = _events_for(request.user).distinct().annotate(n=Count("participants", distinct=True))
    q = request.GET.get("q", "").strip()[:100]
    if q:
        events = events.filter(Q(title__icontains=q) | Q(place__icontains=q))
    columns = [
        Column("Judul", lambda e: e.title, width=40),
        Column("Topik", lambda e: e.get_topic_display(), width=24),
        Column("Bimtek dasar", lambda e: "Ya" if e.is_basic else "", width=10),
        Column("Tempat", lambda e: e.place, width=24),
        Column("Penyelenggara", lambda e: e.organiser, width=24),
        Column("Mulai", lambda e: e.starts_on, DATE, 12),
        Column("Selesai", lambda e: e.ends_on, DATE, 12),
        Column("Anggaran (Rp)", lambda e: e.budget, INT, 16),
        Column("Peserta", lambda e: e.n, INT, 10),
    ]
    return logged_download(
        request,
        fmt,
        queryset=events.order_by("-starts_on", "-pk"),
        filters={"q": q},
        columns=columns,
        object_type="psks.trainingevent",
        name="pelatihan",
    )


@people_required
def event_create(request: AuthedRequest):
    if not can_manage(request.user):
        raise PermissionDenied
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        event, ok = run_action(
            form, lambda: training.create_event(acting_user=request.user, data=form.values())
        )
        if ok and event is not None:
            messages.success(request, f"Pelatihan {event.title} dibuat. Undang pesertanya.")
            return redirect("psks:event_detail", pk=event.pk)
    return render(request, "psks/training/form.html", {"form": form, "tab": "training"})


@people_required
def event_edit(request: AuthedRequest, pk: int):
    event = _manager_event(request, pk)
    form = EventForm(request.POST or None, initial=EventForm.initial_for(event))
    if request.method == "POST" and form.is_valid():
        _, ok = run_action(
            form, lambda: training.update_event(event, acting_user=request.user, data=form.values())
        )
        if ok:
            messages.success(request, "Perubahan pelatihan tersimpan.")
            return redirect("psks:event_detail", pk=event.pk)
    return render(
        request, "psks/training/form.html", {"form": form, "event": event, "tab": "training"}
    )


@people_required
def event_detail(request: AuthedRequest, pk: int):
    user = request.user
    event = _get_event(user, pk)
    manager = can_manage(user)
    if not (user.is_city_wide or user.role == Role.TKSK):
        # A PSM sees the event and their own participation only.
        mine = (
            event.participants.filter(worker_id=user.psks_worker_id)
            .prefetch_related("attendance")
            .first()
        )
        return render(
            request, "psks/training/mine.html", {"event": event, "mine": mine, "tab": "training"}
        )
    participants, flt = _search(_participants(user, event), request)
    page = Paginator(participants.order_by("worker__name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    totals = event.participants.aggregate(
        n=Count("pk"),
        certified=Count("pk", filter=Q(certificate_number__isnull=False)),
        pre=Count("pk", filter=Q(pre_score__isnull=False)),
        post=Count("pk", filter=Q(post_score__isnull=False)),
    )
    per_day = dict(
        Attendance.objects.filter(participant__event=event)
        .values_list("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return render(
        request,
        "psks/training/detail.html",
        {
            "event": event,
            "page_obj": page,
            "flt": flt,
            "districts": districts(),
            "totals": totals,
            "days": [(d, per_day.get(d, 0)) for d in event.days],
            "materials": event.materials.all(),
            "invite_form": InviteForm() if manager else None,
            "material_form": MaterialForm() if manager else None,
            "can_manage": manager,
            "today": today(),
            "tab": "training",
        },
    )


@people_required
def participant_export(request: AuthedRequest, pk: int, fmt: str):
    user = request.user
    if not (user.is_city_wide or user.role == Role.TKSK):
        raise PermissionDenied
    event = _get_event(user, pk)
    participants, flt = _search(_participants(user, event), request)
    columns = [
        Column("Nama", lambda p: p.worker.name, width=28),
        Column("Peran", lambda p: p.worker.psks_type.short_name, width=8),
        Column("Kecamatan", lambda p: p.worker.district.name, width=18),
        Column(
            "Kelurahan", lambda p: p.worker.village.name if p.worker.village_id else "", width=18
        ),
        Column("Hari hadir", lambda p: p.days_present, INT, 10),
        Column("Jumlah hari", lambda p: len(event.days), INT, 10),
        Column("Nilai pre-test", lambda p: p.pre_score, width=12),
        Column("Nilai post-test", lambda p: p.post_score, width=12),
        Column("Nomor sertifikat", lambda p: p.certificate_number or "", width=28),
    ]
    return logged_download(
        request,
        fmt,
        queryset=participants.order_by("worker__name", "pk"),
        filters={"event": event.pk, **flt},
        columns=columns,
        object_type="psks.participant",
        name=f"peserta-pelatihan-{event.pk}",
        sheet_name="Peserta",
    )


@require_POST
@people_required
def event_invite(request: AuthedRequest, pk: int):
    event = _manager_event(request, pk)
    form = InviteForm(request.POST)
    form.is_valid()
    try:
        n = training.invite(
            event,
            acting_user=request.user,
            types=request.POST.getlist("types"),
            district=request.POST.get("district", ""),
            village=request.POST.get("village", ""),
        )
    except InvalidInput as exc:
        for problems in exc.errors.values():
            for message in problems:
                messages.error(request, message)
    else:
        messages.success(
            request,
            f"{format_number(n)} peserta diundang."
            if n
            else "Tidak ada pekerja baru untuk diundang.",
        )
    return redirect("psks:event_detail", pk=event.pk)


@require_POST
@people_required
def material_add(request: AuthedRequest, pk: int):
    event = _manager_event(request, pk)
    try:
        training.add_material(
            event,
            acting_user=request.user,
            title=request.POST.get("title"),
            upload=request.FILES.get("file"),
        )
    except InvalidInput as exc:
        for problems in exc.errors.values():
            for message in problems:
                messages.error(request, message)
    else:
        messages.success(request, "Materi ditambahkan.")
    return redirect("psks:event_detail", pk=event.pk)


@people_required
def material_download(request: AuthedRequest, pk: int, material_id: int):
    event = _get_event(request.user, pk)
    material = get_object_or_404(TrainingMaterial, event=event, pk=material_id)
    response = HttpResponse(material.file.read(), content_type="application/octet-stream")
    name = (material.file.name or "materi").rsplit("/", 1)[-1]
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# The day's code -----------------------------------------------------------------------


def _day(event: TrainingEvent, raw: str) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        raise Http404 from None
    if not event.starts_on <= day <= event.ends_on:
        raise Http404
    return day


def qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    text = buffer.getvalue().decode()
    # Inline in the page: no XML declaration; the size comes from the stylesheet.
    return text[text.index("<svg") :]


@people_required
def checkin_code(request: AuthedRequest, pk: int, day: str):
    """The code of one day, large, with its QR code: shown on the projector."""
    event = _manager_event(request, pk)
    when = _day(event, day)
    code = day_code(event, when)
    url = request.build_absolute_uri(reverse("fieldapp:app")) + f"#/hadir/{code}"
    return render(
        request,
        "psks/training/code.html",
        {
            "event": event,
            "day": when,
            "code": code,
            "url": url,
            "qr": qr_svg(url),
            "tab": "training",
        },
    )


# The organiser's attendance list ------------------------------------------------------


@people_required
def attendance(request: AuthedRequest, pk: int, day: str):
    event = _manager_event(request, pk)
    when = _day(event, day)
    qs, flt = _search(
        event.participants.select_related(
            "worker__psks_type", "worker__district", "worker__village"
        ),
        request,
    )
    qs = qs.order_by("worker__district__name", "worker__village__name", "worker__name", "pk")
    if request.method == "POST":
        shown = request.POST.getlist("shown")
        try:
            added, removed = training.tick_attendance(
                event,
                acting_user=request.user,
                day=when,
                present=request.POST.getlist("present"),
                shown=shown,
            )
        except InvalidInput as exc:
            for problems in exc.errors.values():
                for message in problems:
                    messages.error(request, message)
        else:
            messages.success(
                request, f"Daftar hadir tersimpan: {added} ditambah, {removed} dihapus."
            )
        return redirect(request.get_full_path())
    printing = request.GET.get("cetak") == "1"
    if printing:
        rows = list(qs[:PRINT_LIMIT])
        page = None
    else:
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        rows = list(page.object_list)
    present = dict(
        event.participants.filter(pk__in=[p.pk for p in rows], attendance__day=when).values_list(
            "pk", "attendance__method"
        )
    )
    for p in rows:
        p.present_method = present.get(p.pk)
    return render(
        request,
        "psks/training/print.html" if printing else "psks/training/attendance.html",
        {
            "event": event,
            "day": when,
            "rows": rows,
            "page_obj": page,
            "flt": flt,
            "districts": districts(),
            "truncated": printing and qs.count() > PRINT_LIMIT,
            "tab": "training",
        },
    )


# Test and scores ----------------------------------------------------------------------


@people_required
def test_page(request: AuthedRequest, pk: int):
    event = _manager_event(request, pk)
    form = QuestionsForm(
        request.POST or None, initial={"questions": training.questions_text(event)}
    )
    if request.method == "POST" and "questions" in request.POST:
        if form.is_valid():
            n, ok = run_action(
                form,
                lambda: training.set_questions(
                    event, acting_user=request.user, text=form.values()["questions"]
                ),
            )
            if ok:
                messages.success(request, f"{n} soal tersimpan.")
                return redirect("psks:event_test", pk=event.pk)
    qs, flt = _search(
        event.participants.select_related("worker__district", "worker__village"), request
    )
    page = Paginator(qs.order_by("worker__name", "pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "psks/training/test.html",
        {
            "event": event,
            "form": form,
            "page_obj": page,
            "flt": flt,
            "questions": event.questions.all(),
            "tab": "training",
        },
    )


@require_POST
@people_required
def scores_save(request: AuthedRequest, pk: int):
    event = _manager_event(request, pk)
    scores = {
        raw: {
            "pre": request.POST.get(f"pre-{raw}", ""),
            "post": request.POST.get(f"post-{raw}", ""),
        }
        for raw in request.POST.getlist("shown")
    }
    try:
        n = training.record_scores(event, acting_user=request.user, scores=scores)
    except InvalidInput as exc:
        for problems in exc.errors.values():
            for message in problems:
                messages.error(request, message)
        messages.error(request, "Tidak ada nilai yang disimpan; perbaiki lalu kirim lagi.")
    else:
        messages.success(request, f"Nilai {n} peserta tersimpan.")
    return redirect(request.POST.get("back") or reverse("psks:event_test", args=[event.pk]))


# Certificates -------------------------------------------------------------------------


@people_required
def certificates(request: AuthedRequest, pk: int):
    event = _manager_event(request, pk)
    form = CertificateForm(
        request.POST or None,
        initial={
            "pattern": f"400.9/{{n}}/PLT-{event.pk}/DINSOS/{event.ends_on.year}",
            "first": "1",
            "issued_on": event.ends_on.isoformat(),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.values()
        n, ok = run_action(
            form,
            lambda: training.issue_certificates(
                event,
                acting_user=request.user,
                pattern=data["pattern"],
                first=data["first"],
                issued_on=data["issued_on"],
            ),
        )
        if ok:
            messages.success(request, f"{n} sertifikat diterbitkan.")
            return redirect("psks:event_certificates", pk=event.pk)
    issued = (
        event.participants.filter(certificate_number__isnull=False)
        .select_related("worker")
        .order_by("certificate_number")
    )
    page = Paginator(issued, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "psks/training/certificates.html",
        {
            "event": event,
            "form": form,
            "page_obj": page,
            "eligible": training.eligible_for_certificate(event).count(),
            "tab": "training",
        },
    )


def _verify_url(request):
    def url(participant: Participant) -> str:
        return request.build_absolute_uri(
            reverse("certificate_check", args=[participant.certificate_token])
        )

    return url


@people_required
def certificate_pdf(request: AuthedRequest, pk: int, participant_id: int):
    user = request.user
    workers = PsksWorker.objects.restrict(user, "view").values("pk")
    participant = get_object_or_404(
        Participant.objects.select_related(
            "event", "worker__psks_type", "worker__district", "worker__village"
        ).filter(worker__in=workers, certificate_number__isnull=False),
        event_id=pk,
        pk=participant_id,
    )
    body = certificates_pdf([participant], _verify_url(request))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="sertifikat-{participant.pk}.pdf"'
    return response


def certificate_check(request, token):
    """Public: anyone holding the QR code sees the name, the event and its date."""
    participant = (
        Participant.objects.select_related("event", "worker")
        .filter(certificate_token=token, certificate_number__isnull=False)
        .first()
    )
    return render(
        request,
        "psks/training/check.html",
        {"participant": participant},
        status=200 if participant else 404,
    )


# Not yet trained ----------------------------------------------------------------------


@people_required
def untrained(request: AuthedRequest):
    qs, flt = _search(
        training.untrained_workers(request.user).select_related("psks_type", "district", "village"),
        request,
        "name",
    )
    page = Paginator(
        qs.order_by("district__name", "village__name", "name", "pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "psks/training/untrained.html",
        {"page_obj": page, "flt": flt, "districts": districts(), "tab": "untrained"},
    )


@people_required
def untrained_export(request: AuthedRequest, fmt: str):
    qs, flt = _search(
        training.untrained_workers(request.user).select_related("psks_type", "district", "village"),
        request,
        "name",
    )
    columns = [
        Column("Nama", lambda w: w.name, width=28),
        Column("Peran", lambda w: w.psks_type.short_name, width=8),
        Column("Kecamatan", lambda w: w.district.name, width=18),
        Column("Kelurahan", lambda w: w.village.name if w.village_id else "", width=18),
        Column("Telepon", lambda w: w.phone, width=16),
        Column("Aktif sejak", lambda w: w.active_from, DATE, 12),
    ]
    return logged_download(
        request,
        fmt,
        queryset=qs.order_by("district__name", "village__name", "name", "pk"),
        filters=flt,
        columns=columns,
        object_type="psks.psksworker",
        name="belum-bimtek-dasar",
        sheet_name="Belum terlatih",
    )


def history_for(worker: PsksWorker):
    """A worker's trainings, newest first, with days present (for their PSKS page)."""
    return training.with_days_present(worker.trainings.select_related("event")).order_by(
        "-event__starts_on", "-pk"
    )
