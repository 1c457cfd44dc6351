"""API: households and persons, with their PPKS records (it gathers registry and PPKS
data, so it sits in the dossier layer with the pages that do the same).

Lists reuse the page filters (`HouseholdFilter` / `households_for`, `PersonFilter`
/ `persons_for`), so the API returns exactly what the user sees on the pages.
Single objects come through `restrict(user, "view"|"change")`: out-of-area
answers 404 like a missing record. Writes go through pilar.registry.actions,
which refuse PSM/TKSK with 403 after the area check (they report changes through
/api/v1/reports instead).
NIK and No. KK are in full only for roles that may reveal them; reading one
person's full record is logged in the access log, as on the pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from pilar.accounts.types import ApiRequest
from pilar.audit.actions import log_access
from pilar.audit.models import AccessAction
from pilar.core.api import (
    AUTH_EDIT,
    AUTH_PEOPLE,
    ERRORS,
    check_filter_codes,
    paginate,
    show_id,
)
from pilar.core.errors import InvalidInput
from pilar.ppks.api import record_out
from pilar.ppks.models import PpksRecord
from pilar.registry import actions
from pilar.registry.annotations import member_count
from pilar.registry.choices import LifeStatus, Relation
from pilar.registry.filters import HouseholdFilter, PersonFilter, households_for, persons_for
from pilar.registry.models import Household, Membership, Person
from pilar.web.schemas import (
    HouseholdCreateIn,
    HouseholdDetailOut,
    HouseholdIn,
    HouseholdPage,
    HouseholdParams,
    PersonCreateIn,
    PersonDetailOut,
    PersonIn,
    PersonMoveIn,
    PersonPage,
    PersonParams,
)

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

# People's data: not for `mitra`; writes also exclude `pimpinan` (AUTH_EDIT).
households_router = Router(auth=AUTH_PEOPLE)
persons_router = Router(auth=AUTH_PEOPLE)


def _with_kelurahan(api_data: dict) -> dict:
    """The API says `kelurahan`; the actions say `village`."""
    data = dict(api_data)
    if "kelurahan" in data:
        data["village"] = data.pop("kelurahan")
    return data


def household_out(household: Household, user: User, member_count: int | None = None) -> dict:
    village = household.village
    return {
        "id": household.pk,
        "no_kk": show_id(user, household.no_kk),
        "no_kk_missing_reason": household.no_kk_missing_reason,
        "address": household.address,
        "rt": household.rt,
        "rw": household.rw,
        "kelurahan": village.code,
        "kelurahan_name": village.name,
        "kecamatan": village.district_id,
        "kecamatan_name": village.district.name,
        "latitude": household.latitude,
        "longitude": household.longitude,
        "house_ownership": household.house_ownership,
        "land_status": household.land_status,
        "member_count": (
            member_count if member_count is not None else getattr(household, "member_count", 0)
        ),
        "is_active": household.is_active,
        "updated_at": household.updated_at,
    }


def person_out(person: Person, user: User, household: Household | None = None) -> dict:
    household = household or person.household
    return {
        "id": person.pk,
        "nik": show_id(user, person.nik),
        "nik_missing_reason": person.nik_missing_reason,
        "nik_missing_note": person.nik_missing_note,
        "name": person.name,
        "sex": person.sex,
        "birth_place": person.birth_place,
        "birth_date": person.birth_date,
        "age": person.age,
        "household_id": person.household_id,
        "relation": person.relation,
        "marital_status": person.marital_status,
        "education": person.education,
        "occupation": person.occupation,
        "disabilities": list(person.disabilities),
        "chronic_illness": person.chronic_illness,
        "life_status": person.life_status,
        "life_status_date": person.life_status_date,
        "kelurahan": household.village_id,
        "kelurahan_name": household.village.name,
        "kecamatan": household.village.district_id,
        "updated_at": person.updated_at,
    }


def _member_order(person: Person) -> tuple:
    return (person.relation != Relation.HEAD, person.life_status != LifeStatus.ALIVE, person.pk)


def household_detail(household: Household, user: User) -> dict:
    members = sorted(household.members.filter(is_active=True), key=_member_order)
    records = (
        PpksRecord.objects.restrict(user, "view")
        .filter(household=household)
        .select_related("ppks_type", "person", "household")
        .order_by("status", "ppks_type__number", "-date_found")
    )
    alive = sum(1 for m in members if m.life_status == LifeStatus.ALIVE)
    return {
        **household_out(household, user, member_count=alive),
        "no_kk_missing_note": household.no_kk_missing_note,
        "members": [person_out(m, user, household) for m in members],
        "ppks_records": [record_out(r) for r in records],
    }


def person_detail(person: Person, user: User) -> dict:
    memberships = Membership.objects.filter(person=person).order_by("-start_date", "-id")
    records = (
        PpksRecord.objects.restrict(user, "view")
        .filter(person=person)
        .select_related("ppks_type", "person", "household")
        .order_by("status", "-date_found")
    )
    return {
        **person_out(person, user),
        "nik_mismatch_reason": person.nik_mismatch_reason,
        "memberships": [
            {
                "household_id": m.household_id,
                "relation": m.relation,
                "start_date": m.start_date,
                "end_date": m.end_date,
                "end_reason": m.end_reason,
            }
            for m in memberships
        ],
        "ppks_records": [record_out(r) for r in records],
    }


def _households(user: User, action):
    return Household.objects.restrict(user, action).select_related("village__district")


def _persons(user: User, action):
    return Person.objects.restrict(user, action).select_related("household__village__district")


def _writable_household(user: User, household_id: int, field: str = "household_id") -> Household:
    """A household named in a request body: missing and out-of-area read alike."""
    household = _households(user, "change").filter(is_active=True, pk=household_id).first()
    if household is None:
        raise InvalidInput({field: ["Keluarga tidak ditemukan."]})
    return household


# Households -----------------------------------------------------------------------


@households_router.get("", response={200: HouseholdPage, **ERRORS}, summary="Daftar keluarga")
def list_households(request: ApiRequest, params: Query[HouseholdParams]):
    user = request.auth
    flt = HouseholdFilter.from_params(
        {
            "search": params.search,
            "kelurahan": params.kelurahan,
            "kecamatan": params.kecamatan,
            "ppks_type": params.ppks_type,
            "life_status": params.life_status.value if params.life_status else "",
        }
    )
    check_filter_codes(params, {"kelurahan": flt.kelurahan, "kecamatan": flt.kecamatan})
    qs = households_for(user, flt).annotate(member_count=member_count())
    items, count = paginate(qs, params)
    return {"items": [household_out(h, user) for h in items], "count": count}


@households_router.get(
    "/{household_id}", response={200: HouseholdDetailOut, **ERRORS}, summary="Satu keluarga"
)
def get_household(request: ApiRequest, household_id: int):
    user = request.auth
    household = get_object_or_404(_households(user, "view"), pk=household_id)
    log_access(user=user, action=AccessAction.VIEW_HOUSEHOLD, obj=household, request=request)
    return household_detail(household, user)


@households_router.post(
    "",
    response={201: HouseholdDetailOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Tambah keluarga (boleh sekaligus anggotanya)",
)
def create_household(request: ApiRequest, payload: HouseholdCreateIn):
    """All of it is validated before anything is written: one bad member and
    nothing is saved (errors on `members[i].field`)."""
    user = request.auth
    data = _with_kelurahan(payload.dict(exclude={"members"}))
    members = [m.dict() for m in payload.members or []]
    household = actions.create_household(acting_user=user, data=data, members=members)
    household = _households(user, "view").get(pk=household.pk)
    return Status(201, household_detail(household, user))


@households_router.patch(
    "/{household_id}",
    response={200: HouseholdDetailOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Ubah keluarga (hanya kolom yang dikirim)",
)
def update_household(request: ApiRequest, household_id: int, payload: HouseholdIn):
    user = request.auth
    household = get_object_or_404(
        _households(user, "change").filter(is_active=True), pk=household_id
    )
    data = _with_kelurahan(payload.dict(exclude_unset=True))
    actions.update_household(household, acting_user=user, data=data)
    household = _households(user, "view").get(pk=household.pk)
    return household_detail(household, user)


# Persons --------------------------------------------------------------------------


@persons_router.get("", response={200: PersonPage, **ERRORS}, summary="Daftar individu")
def list_persons(request: ApiRequest, params: Query[PersonParams]):
    user = request.auth
    flt = PersonFilter.from_params(
        {
            "nik": params.nik,
            "search": params.search,
            "kelurahan": params.kelurahan,
            "kecamatan": params.kecamatan,
            "life_status": params.life_status.value if params.life_status else "",
            "ppks_type": params.ppks_type,
        }
    )
    check_filter_codes(
        params, {"nik": flt.nik, "kelurahan": flt.kelurahan, "kecamatan": flt.kecamatan}
    )
    items, count = paginate(persons_for(user, flt), params)
    return {"items": [person_out(p, user) for p in items], "count": count}


@persons_router.get(
    "/{person_id}", response={200: PersonDetailOut, **ERRORS}, summary="Satu individu"
)
def get_person(request: ApiRequest, person_id: int):
    """Reading a person's full record is written to the access log."""
    user = request.auth
    person = get_object_or_404(_persons(user, "view"), pk=person_id)
    log_access(user=user, action=AccessAction.VIEW_PERSON, obj=person, request=request)
    return person_detail(person, user)


@persons_router.post(
    "",
    response={201: PersonDetailOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Tambah individu ke sebuah keluarga",
)
def create_person(request: ApiRequest, payload: PersonCreateIn):
    user = request.auth
    household = _writable_household(user, payload.household_id)
    data = payload.dict(exclude={"household_id"})
    person = actions.create_person(acting_user=user, household=household, data=data)
    return Status(201, person_detail(_persons(user, "view").get(pk=person.pk), user))


@persons_router.patch(
    "/{person_id}",
    response={200: PersonDetailOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Ubah individu (hanya kolom yang dikirim)",
)
def update_person(request: ApiRequest, person_id: int, payload: PersonIn):
    """Also records a death or a move away (`life_status`, `life_status_date`)."""
    user = request.auth
    person = get_object_or_404(_persons(user, "change").filter(is_active=True), pk=person_id)
    actions.update_person(person, acting_user=user, data=payload.dict(exclude_unset=True))
    return person_detail(_persons(user, "view").get(pk=person.pk), user)


@persons_router.post(
    "/{person_id}/move",
    response={200: PersonDetailOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Pindahkan individu ke keluarga lain",
)
def move_person(request: ApiRequest, person_id: int, payload: PersonMoveIn):
    """Closes the current membership and opens one in the target household; the
    person's active PPKS records follow them."""
    user = request.auth
    person = get_object_or_404(_persons(user, "change").filter(is_active=True), pk=person_id)
    target = _writable_household(user, payload.household_id)
    actions.move_person(
        person,
        acting_user=user,
        to_household=target,
        relation=payload.relation,
        moved_on=payload.moved_on,
        reason=payload.reason,
    )
    return person_detail(_persons(user, "view").get(pk=person.pk), user)
