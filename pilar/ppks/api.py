"""API: PPKS types (reference data) and PPKS records.

Records are read through `PpksRecord.objects.restrict(user, "view")` and written
through pilar.ppks.actions, which check the type's rules (age, sex, level,
disability sub-types) and the user's area; writes are for Dinas Sosial and
admins (PSM/TKSK get 403 and report through /api/v1/reports).
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from pilar.accounts.types import ApiRequest
from pilar.core.api import (
    AUTH_ANY,
    AUTH_EDIT,
    AUTH_PEOPLE,
    ERRORS,
    check_filter_codes,
    paginate,
)
from pilar.core.errors import InvalidInput
from pilar.ppks import actions
from pilar.ppks.filters import PpksRecordFilter
from pilar.ppks.models import PpksRecord, PpksType
from pilar.ppks.schemas import (
    PpksEndIn,
    PpksRecordIn,
    PpksRecordOut,
    PpksRecordPage,
    PpksRecordParams,
    PpksTypeOut,
)
from pilar.regions.deployment import normalize_code
from pilar.registry.models import Household, Person

router = Router(auth=AUTH_PEOPLE)

RECORD_RELATED = ("ppks_type", "person", "household")


def record_out(record: PpksRecord) -> dict:
    return {
        "id": record.pk,
        "ppks_type": record.ppks_type.number,
        "ppks_type_name": record.ppks_type.name,
        "level": record.ppks_type.level,
        "person_id": record.person_id,
        "person_name": record.person.name if record.person is not None else None,
        "household_id": record.household_id,
        "kelurahan": record.household.village_id,
        "status": record.status,
        "disability_subtypes": list(record.disability_subtypes),
        "date_found": record.date_found,
        "reporter_name": record.reporter_name,
        "notes": record.notes,
        "ended_on": record.ended_on,
        "end_reason": record.end_reason,
        "created_at": record.created_at,
        "validated_at": record.validated_at,
    }


@router.get("/types", response=list[PpksTypeOut], auth=AUTH_ANY, summary="Jenis PPKS")
def list_types(request: ApiRequest):
    return [
        {
            "number": t.number,
            "name": t.name,
            "short_name": t.short_name,
            "level": t.level,
            "min_age": t.min_age,
            "max_age": t.max_age,
            "sex": t.sex,
            "has_disability_subtypes": t.has_disability_subtypes,
            "is_restricted": t.is_restricted,
            "rule": t.age_rule_label,
        }
        for t in PpksType.objects.filter(is_active=True).order_by("number")
    ]


@router.get("/records", response={200: PpksRecordPage, **ERRORS}, summary="Daftar data PPKS")
def list_records(request: ApiRequest, params: Query[PpksRecordParams]):
    kelurahan = normalize_code(params.kelurahan)
    kecamatan = normalize_code(params.kecamatan)[:8]
    check_filter_codes(params, {"kelurahan": kelurahan, "kecamatan": kecamatan})
    qs = PpksRecord.objects.restrict(request.auth, "view")
    if params.ppks_type:
        qs = qs.filter(ppks_type__number=params.ppks_type)
    if params.status:
        qs = qs.filter(status=params.status.value)
    if params.validated:
        # The same rule as the PPKS list and the exports (PpksRecordFilter).
        qs = PpksRecordFilter(validated=params.validated).apply(qs)
    if kelurahan:
        qs = qs.filter(household__village_id=kelurahan)
    if kecamatan:
        qs = qs.filter(household__village__district_id=kecamatan)
    if params.person_id is not None:
        qs = qs.filter(person_id=params.person_id)
    if params.household_id is not None:
        qs = qs.filter(household_id=params.household_id)
    qs = qs.select_related(*RECORD_RELATED).order_by("-date_found", "-id")
    items, count = paginate(qs, params)
    return {"items": [record_out(r) for r in items], "count": count}


@router.get(
    "/records/{record_id}", response={200: PpksRecordOut, **ERRORS}, summary="Satu data PPKS"
)
def get_record(request: ApiRequest, record_id: int):
    record = get_object_or_404(
        PpksRecord.objects.restrict(request.auth, "view").select_related(*RECORD_RELATED),
        pk=record_id,
    )
    return record_out(record)


@router.post(
    "/records",
    response={201: PpksRecordOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Catat data PPKS",
)
def create_record(request: ApiRequest, payload: PpksRecordIn):
    """A person-level type needs `person_id`; a household- or community-level type
    needs `household_id`. Age, sex and disability rules of the type are checked."""
    user = request.auth
    data: dict = {
        "ppks_type": payload.ppks_type,
        "disability_subtypes": payload.disability_subtypes,
        "notes": payload.notes,
        "reporter_name": payload.reporter_name,
    }
    if payload.date_found is not None:
        data["date_found"] = payload.date_found
    # Referenced rows come through the user's writable scope; out-of-area reads as
    # missing, with the same message.
    if payload.person_id is not None:
        person = (
            Person.objects.restrict(user, "change")
            .filter(is_active=True)
            .select_related("household")
            .filter(pk=payload.person_id)
            .first()
        )
        if person is None:
            raise InvalidInput({"person_id": ["Individu tidak ditemukan."]})
        data["person"] = person
    if payload.household_id is not None:
        household = (
            Household.objects.restrict(user, "change")
            .filter(is_active=True, pk=payload.household_id)
            .first()
        )
        if household is None:
            raise InvalidInput({"household_id": ["Keluarga tidak ditemukan."]})
        data["household"] = household
    record = actions.create_ppks_record(acting_user=user, data=data)
    record = PpksRecord.objects.select_related(*RECORD_RELATED).get(pk=record.pk)
    return Status(201, record_out(record))


@router.post(
    "/records/{record_id}/end",
    response={200: PpksRecordOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Selesaikan data PPKS",
)
def end_record(request: ApiRequest, record_id: int, payload: PpksEndIn):
    """Close a record (handled, died, moved, wrong entry...) with a reason."""
    user = request.auth
    record = get_object_or_404(
        PpksRecord.objects.restrict(user, "change").select_related(*RECORD_RELATED),
        pk=record_id,
    )
    actions.end_ppks_record(
        record, acting_user=user, ended_on=payload.ended_on, reason=payload.end_reason
    )
    return record_out(record)  # the action updated `record` in place
