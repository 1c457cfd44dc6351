"""Pages that gather what several apps know: the start page, the household and person
dossiers (registry, PPKS, field reports, programs, duplicate merges, history) and the
registry's create forms, which flag look-alikes through pilar.dedup. They sit above
the apps they show (docs/development/architecture.md), so no lower app imports them.

Every object is fetched through `restrict(user, ...)`, so a record outside the user's
area answers 404 exactly like a missing one; writes go through the registry actions.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from pilar.accounts.scope import villages_for
from pilar.accounts.types import AuthedRequest
from pilar.assessments.models import PovertyAssessment, RtlhAssessment
from pilar.audit.actions import log_access
from pilar.audit.models import AccessAction
from pilar.core.dates import today
from pilar.core.errors import InvalidInput, NotAllowed
from pilar.core.forms import apply_errors
from pilar.core.web import PAGE_SIZE, editor_required, people_required, run_action
from pilar.dedup.similar import LookalikeGuard
from pilar.figures.views import dashboard_page
from pilar.pdp import clock as pdp_clock
from pilar.pdp.notices import overrides_for, restriction_for
from pilar.pdp.querysets import may_manage as may_manage_pdp
from pilar.ppks.choices import RecordStatus
from pilar.ppks.models import PpksRecord, PpksType
from pilar.programs.participation import for_household as enrollments_for_household
from pilar.programs.participation import for_person as enrollments_for_person
from pilar.registry import actions
from pilar.registry.annotations import head_name, member_count
from pilar.registry.choices import Disability, LifeStatus, Relation
from pilar.registry.filters import HouseholdFilter, households_for
from pilar.registry.forms import HouseholdForm, PersonForm
from pilar.registry.models import Household, Membership, Person
from pilar.registry.search import household_matches
from pilar.registry.views import (
    can_change,
    can_write,
    household_for_change,
    report_instead,
    report_link,
)
from pilar.submissions.history import submissions_touching
from pilar.web.timeline import household_timeline, person_timeline

# The start page ------------------------------------------------------------------------


@login_required
def home(request: AuthedRequest):
    """Every role's start page (issue 13, part 4): leaders and Dinas Sosial the city
    dashboard (Dinas Sosial with its to-do), a TKSK their kecamatan by kelurahan and
    the reports to verify, a PSM their kelurahan, their own reports and, on a phone,
    the field app. All read the kept figures (pilar.figures), never count live."""
    if not request.user.can_see_people:
        # API partners (mitra) get no person data on pages at all.
        return render(request, "web/home_api_only.html")
    # The personal data law's 3x24-hour clocks (Dinas Sosial and admins only).
    return dashboard_page(request, extra={"pdp_clock": pdp_clock.summary(request.user)})


# The household list (with PPKS badges and filter) ----------------------------------------


@people_required
def household_list(request: AuthedRequest):
    user = request.user
    flt = HouseholdFilter.from_params(request.GET)
    qs = households_for(user, flt).annotate(head_name=head_name(), member_count=member_count())
    paginator = Paginator(qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    households = list(page.object_list)
    # One query for the PPKS badges of the whole page.
    active = (
        PpksRecord.objects.restrict(user, "view")
        .filter(household_id__in=[h.pk for h in households], status=RecordStatus.ACTIVE)
        .values_list("household_id", "ppks_type__number", "ppks_type__short_name")
        .distinct()
    )
    badges: dict[int, dict[int, str]] = {}
    for household_id, number, short in active:
        badges.setdefault(household_id, {})[number] = short
    # What matched the search, per row ("anggota: Siti Aminah", "alamat", "No. KK").
    matches = household_matches(households, flt.q) if flt.q else {}
    for household in households:
        household.ppks_badges = [  # type: ignore[attr-defined]  # for the template
            s for _, s in sorted(badges.get(household.pk, {}).items())
        ]
        household.matched = matches.get(household.pk, "")  # type: ignore[attr-defined]

    villages = list(villages_for(user).order_by("district__name", "name"))
    districts = sorted({v.district_id: v.district for v in villages}.values(), key=lambda d: d.name)
    if flt.kecamatan:
        village_options = [v for v in villages if v.district_id == flt.kecamatan]
    else:
        village_options = villages
    return render(
        request,
        "web/household_list.html",
        {
            "filter": flt,
            "page": page,
            "households": households,
            "total": paginator.count,
            "districts": districts,
            "villages": village_options,
            "ppks_types": PpksType.objects.filter(is_active=True).order_by("number"),
            "life_statuses": LifeStatus.choices,
            "filtered": bool(flt.as_dict()),
        },
    )


# Dossiers ------------------------------------------------------------------------------


def _person_order(person: Person) -> tuple:
    return (person.relation != Relation.HEAD, person.life_status != LifeStatus.ALIVE, person.pk)


@people_required
def household_detail(request: AuthedRequest, pk: int):
    user = request.user
    household = get_object_or_404(
        Household.objects.restrict(user, "view").select_related("village__district"), pk=pk
    )
    records = list(
        PpksRecord.objects.restrict(user, "view")
        .filter(household=household)
        .select_related("ppks_type")
        .order_by("status", "ppks_type__number", "-date_found")
    )
    by_person: dict[int, list[PpksRecord]] = {}
    household_records = []
    for record in records:
        if record.person_id is None:
            household_records.append(record)
        elif record.status == RecordStatus.ACTIVE:
            by_person.setdefault(record.person_id, []).append(record)
    members = sorted(household.members.filter(is_active=True), key=_person_order)
    for member in members:
        member.active_ppks = by_person.get(member.pk, [])
    past = (
        Membership.objects.filter(household=household, end_date__isnull=False)
        .select_related("person")
        .order_by("-end_date", "-id")
    )
    log_access(user=user, action=AccessAction.VIEW_HOUSEHOLD, obj=household, request=request)
    return render(
        request,
        "web/household_detail.html",
        {
            "household": household,
            "members": members,
            "household_records": household_records,
            "past_memberships": past,
            "timeline": household_timeline(household, user),
            "can_change": can_change(user, household),
            "can_write": can_write(user, household),
            "submissions": submissions_touching(user, household=household),
            "report_link": report_link(user, household),
            "enrollments": enrollments_for_household(household),
            "poverty": PovertyAssessment.objects.filter(household=household)
            .order_by("-assessed_on", "-id")
            .first(),
            "rtlh": RtlhAssessment.objects.filter(household=household)
            .order_by("-assessed_on", "-id")
            .first(),
            "today": today(),
        },
    )


@people_required
def person_detail(request: AuthedRequest, pk: int):
    user = request.user
    person = get_object_or_404(
        Person.objects.restrict(user, "view").select_related("household__village__district"),
        pk=pk,
    )
    records = (
        PpksRecord.objects.restrict(user, "view")
        .filter(person=person)
        .select_related("ppks_type")
        .order_by("status", "-date_found")
    )
    memberships = (
        Membership.objects.filter(person=person)
        .select_related("household__village")
        .order_by("-start_date", "-id")
    )
    log_access(user=user, action=AccessAction.VIEW_PERSON, obj=person, request=request)
    return render(
        request,
        "web/person_detail.html",
        {
            "person": person,
            "household": person.household,
            "records": records,
            "memberships": memberships,
            "timeline": person_timeline(person, user),
            "disability_labels": [Disability(d).label for d in person.disabilities],
            # A restriction or objection under the personal data law, for every role.
            "pdp_notice": restriction_for(person),
            "pdp_manage": may_manage_pdp(user),
            # Processing done despite a restriction (decision 43), for the PDP roles.
            "pdp_overrides": overrides_for(person) if may_manage_pdp(user) else [],
            "can_change": can_change(user, person.household),
            "can_write": can_write(user, person.household),
            "submissions": submissions_touching(user, person=person),
            "report_link": report_link(user, person.household),
            "enrollments": enrollments_for_person(person),
        },
    )


# Create forms (look-alikes flagged by pilar.dedup) ----------------------------------------


def _split_member_errors(exc: InvalidInput) -> tuple[InvalidInput, InvalidInput]:
    """create_household reports head errors as "members[0].<field>"; split them off."""
    own: dict[str, list[str]] = {}
    head: dict[str, list[str]] = {}
    for key, msgs in exc.errors.items():
        if key.startswith("members[0]."):
            head[key.removeprefix("members[0].")] = msgs
        elif key == "members":
            head["__all__"] = msgs
        else:
            own[key] = msgs
    head_codes = {
        k.removeprefix("members[0]."): v
        for k, v in exc.codes.items()
        if k.startswith("members[0].")
    }
    return InvalidInput(own), InvalidInput(head, codes=head_codes)


@editor_required
def household_create(request: AuthedRequest):
    user = request.user
    if not user.can_write_registry:
        return report_instead(request)
    form = HouseholdForm(request.POST or None, user=user)
    head_form = PersonForm(request.POST or None, prefix="kepala", head=True)
    # pilar.dedup: a head who resembles a registered person needs a confirming tick.
    lookalikes = LookalikeGuard(request.POST or None, user=user)
    if (
        request.method == "POST"
        and form.is_valid()
        and head_form.is_valid()
        and lookalikes.passes(head_form.values(), village_id=form.values().get("village") or "")
    ):
        try:
            household = actions.create_household(
                acting_user=user, data=form.values(), members=[head_form.values()]
            )
        except InvalidInput as exc:
            own, head = _split_member_errors(exc)
            apply_errors(form, own)
            apply_errors(head_form, head)
        except NotAllowed:
            raise Http404 from None
        else:
            messages.success(request, "Keluarga baru berhasil disimpan.")
            return redirect("web:household_detail", pk=household.pk)
    return render(
        request,
        "registry/household_form.html",
        {"form": form, "head_form": head_form, "title": "Keluarga baru", "lookalikes": lookalikes},
    )


@editor_required
def member_create(request: AuthedRequest, pk: int):
    user = request.user
    household = household_for_change(user, pk)
    if not user.can_write_registry:
        return report_instead(request, household)
    form = PersonForm(request.POST or None, new=True)
    # pilar.dedup: a person who resembles a registered one needs a confirming tick.
    lookalikes = LookalikeGuard(request.POST or None, user=user)
    if (
        request.method == "POST"
        and form.is_valid()
        and lookalikes.passes(form.values(), village_id=household.village_id, household=household)
    ):
        person, ok = run_action(
            form,
            lambda: actions.create_person(
                acting_user=user, household=household, data=form.values()
            ),
        )
        if ok and person is not None:
            messages.success(request, f"{person.name} berhasil ditambahkan sebagai anggota.")
            return redirect("web:household_detail", pk=household.pk)
    return render(
        request,
        "registry/person_form.html",
        {
            "form": form,
            "household": household,
            "title": "Tambah anggota keluarga",
            "lookalikes": lookalikes,
        },
    )
