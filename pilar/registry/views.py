"""Registry pages: the edit forms of a household and a person, and moving a person.
The list, the dossiers and the create forms (which show PPKS, programs, reports and
look-alikes) are in pilar.web, above the apps they gather.

Every object is fetched through `restrict(user, ...)`, so a record outside the
user's area answers 404 exactly like a missing one. Writes go through the
actions; their InvalidInput errors are shown on the form fields.

The forms are for Dinas Sosial and admins (`User.can_write_registry`). A PSM or
TKSK opening one gets a 403 page pointing to the field app, where they report
the change instead; the area is checked first, so outside it they get 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from pilar.accounts.scope import village_allowed
from pilar.accounts.types import AuthedRequest
from pilar.core.web import editor_required, run_action
from pilar.registry import actions
from pilar.registry.forms import HouseholdForm, MoveForm, PersonForm
from pilar.registry.identity import clean_digits
from pilar.registry.models import Household, Person

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User


def can_change(user: User, household: Household) -> bool:
    """Inside the user's "change" area: they may report on it (and, for Dinas Sosial
    and admins, write it directly: see `can_write`)."""
    return user.can_edit and village_allowed(user, household.village_id, "change")


def can_write(user: User, household: Household) -> bool:
    """May use the direct edit forms of this household (Dinas Sosial, admin)."""
    return user.can_write_registry and can_change(user, household)


def field_app_link(household: Household | None = None) -> str:
    """The field app's page where a report is written: the household's page, or the
    app's home (its "+ Keluarga baru" button) for a new household. The hash routes
    are those of pilar/fieldapp/static/fieldapp/app.js."""
    if household is None:
        return "/lapangan/#/"
    return f"/lapangan/#/keluarga/{household.pk}"


def report_link(user: User, household: Household) -> str:
    """The field app's page of this household, where reports are written."""
    if household is None or not household.is_active or not can_change(user, household):
        return ""
    return field_app_link(household)


def report_instead(request, household: Household | None = None):
    """The 403 answer to a PSM/TKSK opening a direct-edit page: what to do instead."""
    return render(
        request,
        "registry/report_instead.html",
        {
            "message": actions.MSG_FIELD_REPORT,
            "household": household,
            "report_link": field_app_link(household),
        },
        status=403,
    )


# Forms --------------------------------------------------------------------


def household_for_change(user: User, pk: int) -> Household:
    return get_object_or_404(
        Household.objects.restrict(user, "change").filter(is_active=True), pk=pk
    )


def _person_for_change(user: User, pk: int) -> Person:
    return get_object_or_404(
        Person.objects.restrict(user, "change").filter(is_active=True).select_related("household"),
        pk=pk,
    )


@editor_required
def household_edit(request: AuthedRequest, pk: int):
    user = request.user
    household = household_for_change(user, pk)
    if not user.can_write_registry:
        return report_instead(request, household)
    form = HouseholdForm(request.POST or None, user=user, instance=household)
    if request.method == "POST" and form.is_valid():
        _, ok = run_action(
            form, lambda: actions.update_household(household, acting_user=user, data=form.values())
        )
        if ok:
            messages.success(request, "Data keluarga berhasil diperbarui.")
            return redirect("web:household_detail", pk=household.pk)
        household.refresh_from_db()
    return render(
        request,
        "registry/household_form.html",
        {"form": form, "household": household, "title": "Ubah data keluarga"},
    )


@editor_required
def person_edit(request: AuthedRequest, pk: int):
    user = request.user
    person = _person_for_change(user, pk)
    if not user.can_write_registry:
        return report_instead(request, person.household)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        _, ok = run_action(
            form, lambda: actions.update_person(person, acting_user=user, data=form.values())
        )
        if ok:
            messages.success(request, "Data individu berhasil diperbarui.")
            return redirect("web:person_detail", pk=person.pk)
        person.refresh_from_db()
    return render(
        request,
        "registry/person_form.html",
        {
            "form": form,
            "person": person,
            "household": person.household,
            "title": f"Ubah data {person.name}",
        },
    )


def _find_target(user: User, raw: str) -> Household | None:
    """A household in the user's change scope by No. KK (16 digits) or by ID."""
    digits = clean_digits(raw)
    if not digits.isdigit():
        return None
    qs = Household.objects.restrict(user, "change").filter(is_active=True)
    if len(digits) == 16:
        return qs.filter(no_kk=digits).first()
    return qs.filter(pk=int(digits)).first() if len(digits) <= 12 else None


@editor_required
def person_move(request: AuthedRequest, pk: int):
    user = request.user
    person = _person_for_change(user, pk)
    if not user.can_write_registry:
        return report_instead(request, person.household)
    form = MoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.values()
        target = _find_target(user, data.get("to_household") or "")
        if target is None:
            form.add_error(
                "to_household",
                "Keluarga tujuan tidak ditemukan di wilayah kerja Anda. "
                "Isi No. KK 16 digit atau nomor ID keluarga.",
            )
        else:
            _, ok = run_action(
                form,
                lambda: actions.move_person(
                    person,
                    acting_user=user,
                    to_household=target,
                    relation=data.get("relation") or "",
                    moved_on=data.get("moved_on") or None,
                    reason=data.get("reason") or "",
                ),
            )
            if ok:
                messages.success(request, f"{person.name} berhasil dipindahkan ke keluarga baru.")
                return redirect("web:person_detail", pk=person.pk)
            person.refresh_from_db()
    return render(
        request,
        "registry/person_move.html",
        {"form": form, "person": person, "household": person.household},
    )
