"""PPKS pages: the list of PPKS records, register a person or household as a PPKS
type, validate (Dinas Sosial) and end a record.

The person/household/record is fetched through `restrict(user, ...)` (404 when
outside the user's area); the actions check the type's rules (age, sex, level)
and who may validate. Registering and ending are for Dinas Sosial and admins; a
PSM/TKSK gets a 403 page pointing to the field app (report a PPKS instead).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from pilar.accounts.scope import villages_for
from pilar.accounts.types import AuthedRequest
from pilar.core.errors import InvalidInput, NotAllowed
from pilar.core.web import PAGE_SIZE, editor_required, people_required, run_action
from pilar.ppks import actions
from pilar.ppks.access import hidden_type_ids
from pilar.ppks.choices import RecordStatus
from pilar.ppks.filters import VALIDATED_CHOICES, PpksRecordFilter, ppks_records_for
from pilar.ppks.forms import PpksEndForm, PpksRecordForm
from pilar.ppks.models import PpksRecord, PpksType
from pilar.registry.choices import Relation
from pilar.registry.models import Household, Person
from pilar.registry.views import report_instead

# List ---------------------------------------------------------------------


@people_required
def record_list(request: AuthedRequest):
    """PPKS records in the user's area, filtered by the same `PpksRecordFilter` as the
    API and the exports (PPKS list and BNBA)."""
    user = request.user
    flt = PpksRecordFilter.from_params(request.GET)
    # Household-level records show the head of household (first living head).
    head_name = Person.objects.filter(
        household_id=OuterRef("household_id"), relation=Relation.HEAD, is_active=True
    ).order_by("life_status", "id")
    qs = (
        ppks_records_for(user, flt)
        .select_related("validated_by")
        .annotate(head_name=Subquery(head_name.values("name")[:1]))
    )
    paginator = Paginator(qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    records = list(page.object_list)
    # "Buka penanganan" only where it leads somewhere: a case exists (through the cases
    # app's reverse relation), or the user is Dinas Sosial, who opens cases.
    with_case = set(
        PpksRecord.objects.filter(pk__in=[r.pk for r in records], cases__isnull=False)
        .values_list("pk", flat=True)
        .distinct()
    )
    for record in records:
        record.case_link = user.can_write_registry or record.pk in with_case  # type: ignore[attr-defined]

    villages = list(villages_for(user).order_by("district__name", "name"))
    districts = sorted({v.district_id: v.district for v in villages}.values(), key=lambda d: d.name)
    village_options = (
        [v for v in villages if v.district_id == flt.kecamatan] if flt.kecamatan else villages
    )
    return render(
        request,
        "ppks/record_list.html",
        {
            "filter": flt,
            "page": page,
            "records": records,
            "total": paginator.count,
            "districts": districts,
            "villages": village_options,
            # Restricted health types are not even offered to roles that may not see them.
            "ppks_types": PpksType.objects.filter(is_active=True)
            .exclude(pk__in=hidden_type_ids(user))
            .order_by("number"),
            "statuses": RecordStatus.choices,
            "validated_choices": list(VALIDATED_CHOICES.items()),
            "can_validate": actions.may_validate(user),
            "filtered": bool(flt.as_dict()),
        },
    )


@login_required
@require_POST
def record_validate(request: AuthedRequest, pk: int):
    """Dinas Sosial validates one record ("Validasi" button); other roles get 403,
    records outside the area 404."""
    user = request.user
    if not actions.may_validate(user):
        raise PermissionDenied
    record = get_object_or_404(
        PpksRecord.objects.restrict(user, "change").select_related(
            "ppks_type", "person", "household"
        ),
        pk=pk,
    )
    try:
        already = record.validated_at is not None
        actions.validate_record(record, acting_user=user)
    except InvalidInput as exc:
        messages.error(request, " ".join(m for ms in exc.errors.values() for m in ms))
    except NotAllowed:
        raise Http404 from None
    else:
        who = record.person.name if record.person else f"keluarga {record.household.address}"
        if already:
            messages.info(request, f"Data PPKS {record.ppks_type.name} ({who}) sudah tervalidasi.")
        else:
            messages.success(
                request, f"Data PPKS {record.ppks_type.name} ({who}) telah divalidasi."
            )
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = ""
    return redirect(target or "ppks:record_list")


def _subject(request) -> tuple[Person | None, Household]:
    """The person or household named in ?person= / ?household=, inside the user's area."""
    user = request.user
    person_id = request.GET.get("person", "")
    household_id = request.GET.get("household", "")
    if person_id.isdigit():
        person = get_object_or_404(
            Person.objects.restrict(user, "change")
            .filter(is_active=True)
            .select_related("household"),
            pk=int(person_id),
        )
        return person, person.household
    if household_id.isdigit():
        household = get_object_or_404(
            Household.objects.restrict(user, "change").filter(is_active=True),
            pk=int(household_id),
        )
        return None, household
    raise Http404


def _back(record_or_person: Person | None, household: Household):
    if record_or_person is not None:
        return redirect("web:person_detail", pk=record_or_person.pk)
    return redirect("web:household_detail", pk=household.pk)


@editor_required
def record_create(request: AuthedRequest):
    user = request.user
    person, household = _subject(request)
    if not user.can_write_registry:
        return report_instead(request, household)
    form = PpksRecordForm(request.POST or None, for_person=person is not None)
    if request.method == "POST" and form.is_valid():
        data = form.values()
        if person is not None:
            data["person"] = person
        else:
            data["household"] = household
        record, ok = run_action(
            form, lambda: actions.create_ppks_record(acting_user=user, data=data)
        )
        if ok and record is not None:
            messages.success(request, f"Data PPKS {record.ppks_type.name} berhasil dicatat.")
            return _back(person, household)
    return render(
        request,
        "ppks/record_form.html",
        {"form": form, "person": person, "household": household},
    )


@editor_required
def record_end(request: AuthedRequest, pk: int):
    user = request.user
    record = get_object_or_404(
        PpksRecord.objects.restrict(user, "change")
        .filter(status=RecordStatus.ACTIVE)
        .select_related("ppks_type", "person", "household"),
        pk=pk,
    )
    if not user.can_write_registry:
        return report_instead(request, record.household)
    form = PpksEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.values()
        _, ok = run_action(
            form,
            lambda: actions.end_ppks_record(
                record,
                acting_user=user,
                ended_on=data.get("ended_on") or None,
                reason=data.get("end_reason") or "",
            ),
        )
        if ok:
            messages.success(request, f"Data PPKS {record.ppks_type.name} telah diselesaikan.")
            return _back(record.person, record.household)
        record.refresh_from_db()
    return render(request, "ppks/record_end.html", {"form": form, "record": record})
