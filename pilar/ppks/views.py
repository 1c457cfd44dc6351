"""PPKS pages: register a person or household as a PPKS type, end a record.

The person/household is fetched through `restrict(user, "change")` (404 when
outside the user's area); the actions check the type's rules (age, sex, level).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from pilar.core.errors import InvalidInput
from pilar.ppks import actions
from pilar.ppks.choices import RecordStatus
from pilar.ppks.forms import PpksEndForm, PpksRecordForm
from pilar.ppks.models import PpksRecord
from pilar.registry.actions import NotAllowed
from pilar.registry.forms import apply_errors
from pilar.registry.models import Household, Person
from pilar.registry.views import editor_required


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
        return redirect("registry:person_detail", pk=record_or_person.pk)
    return redirect("registry:household_detail", pk=household.pk)


@editor_required
def record_create(request):
    user = request.user
    person, household = _subject(request)
    form = PpksRecordForm(request.POST or None, for_person=person is not None)
    if request.method == "POST" and form.is_valid():
        data = form.values()
        if person is not None:
            data["person"] = person
        else:
            data["household"] = household
        try:
            record = actions.create_ppks_record(acting_user=user, data=data)
        except InvalidInput as exc:
            apply_errors(form, exc)
        except NotAllowed:
            raise Http404 from None
        else:
            messages.success(request, f"Data PPKS {record.ppks_type.name} berhasil dicatat.")
            return _back(person, household)
    return render(
        request,
        "ppks/record_form.html",
        {"form": form, "person": person, "household": household},
    )


@editor_required
def record_end(request, pk: int):
    user = request.user
    record = get_object_or_404(
        PpksRecord.objects.restrict(user, "change")
        .filter(status=RecordStatus.ACTIVE)
        .select_related("ppks_type", "person", "household"),
        pk=pk,
    )
    form = PpksEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.values()
        try:
            actions.end_ppks_record(
                record,
                acting_user=user,
                ended_on=data.get("ended_on") or None,
                reason=data.get("end_reason") or "",
            )
        except InvalidInput as exc:
            record.refresh_from_db()
            apply_errors(form, exc)
        except NotAllowed:
            raise Http404 from None
        else:
            messages.success(request, f"Data PPKS {record.ppks_type.name} telah diselesaikan.")
            return _back(record.person, record.household)
    return render(request, "ppks/record_end.html", {"form": form, "record": record})
