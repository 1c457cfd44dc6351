"""Validation of PPKS records by Dinas Sosial (decisions.md): who may validate, where,
what an entry or a correction does to the validation, and how it shows in history."""

from __future__ import annotations

import pghistory
import pytest
from django.core.exceptions import PermissionDenied

from pilar.accounts.models import ApiToken
from pilar.conftest import VILLAGE_A, make_household, make_nik
from pilar.core.errors import InvalidInput, NotAllowed
from pilar.ppks.actions import (
    create_ppks_record,
    end_ppks_record,
    update_ppks_record,
    validate_record,
)
from pilar.ppks.filters import PpksRecordFilter, ppks_records_for
from pilar.ppks.models import PpksRecord, PpksType
from pilar.ppks.tests.factories import unvalidated_record
from pilar.regions.models import Village
from pilar.registry.models import Household
from pilar.web.timeline import person_timeline

pytestmark = pytest.mark.django_db


def _events(record) -> int:
    return PpksRecord.pgh_event_model.objects.filter(pgh_obj_id=record.pk).count()  # type: ignore[attr-defined]


@pytest.fixture
def person_a(household_a):
    return household_a.members.get()


def test_entry_by_dinsos_or_admin_is_validated(dinsos, admin_user, person_a, household_a):
    record = create_ppks_record(acting_user=dinsos, data={"ppks_type": 13, "person": person_a})
    assert record.validated_by == dinsos and record.validated_at is not None
    household_record = create_ppks_record(
        acting_user=admin_user, data={"ppks_type": 24, "household": household_a}
    )
    assert household_record.validated_by == admin_user
    assert household_record.validated_at is not None


def test_field_workers_may_not_enter_records(psm_a, tksk_a, person_a, household_a):
    # They report a PPKS through a field report; Dinas Sosial's validation enters it.
    for user, data in (
        (psm_a, {"ppks_type": 13, "person": person_a}),
        (tksk_a, {"ppks_type": 24, "household": household_a}),
    ):
        with pytest.raises(PermissionDenied):
            create_ppks_record(acting_user=user, data=data)
    assert not PpksRecord.objects.exists()


def test_dinsos_validates_and_is_idempotent(dinsos, psm_a, person_a):
    record = unvalidated_record(
        {"ppks_type": 13, "person": person_a}, checked_by=psm_a, reporter=psm_a
    )
    before = _events(record)
    validate_record(record, acting_user=dinsos)
    record.refresh_from_db()
    first_at = record.validated_at
    assert record.validated_by == dinsos and first_at is not None
    assert _events(record) == before + 2  # before_update + update
    # Again (a second click, another operator): nothing changes, nothing is written.
    validate_record(record, acting_user=dinsos)
    record.refresh_from_db()
    assert record.validated_at == first_at and record.validated_by == dinsos
    assert _events(record) == before + 2


@pytest.mark.parametrize("persona", ["psm_a", "tksk_a", "pimpinan", "mitra"])
def test_other_roles_may_not_validate(request, psm_a, person_a, persona):
    record = unvalidated_record(
        {"ppks_type": 13, "person": person_a}, checked_by=psm_a, reporter=psm_a
    )
    with pytest.raises(NotAllowed):
        validate_record(record, acting_user=request.getfixturevalue(persona))
    record.refresh_from_db()
    assert record.validated_at is None


def test_record_outside_the_region_is_not_allowed(dinsos):
    # A kelurahan of another regency (Kota Serang): outside the deployment region,
    # so outside even a city-wide user's area. Built with the ORM because the
    # actions refuse to write there at all.
    village = (
        Village.objects.exclude(code__startswith="36.71.").filter(code__startswith="36.").first()
    )
    household = Household.objects.create(
        no_kk="3673010101100001", address="Jl. Luar", village=village
    )
    record = PpksRecord.objects.create(
        ppks_type=PpksType.objects.get(number=24), household=household, date_found="2025-01-01"
    )
    with pytest.raises(NotAllowed):
        validate_record(record, acting_user=dinsos)
    assert PpksRecord.objects.get(pk=record.pk).validated_at is None


def test_ended_record_cannot_be_validated(dinsos, psm_a, person_a):
    record = unvalidated_record(
        {"ppks_type": 13, "person": person_a}, checked_by=psm_a, reporter=psm_a
    )
    end_ppks_record(record, acting_user=dinsos, reason="Sudah bekerja")
    with pytest.raises(InvalidInput) as exc:
        validate_record(record, acting_user=dinsos)
    assert exc.value.errors == {"__all__": ["Data PPKS yang sudah selesai tidak dapat divalidasi."]}
    assert PpksRecord.objects.get(pk=record.pk).validated_at is None


def test_field_workers_may_not_correct_or_end_records(dinsos, psm_a, tksk_a, person_a):
    record = create_ppks_record(acting_user=dinsos, data={"ppks_type": 13, "person": person_a})
    validated_at = record.validated_at
    for user in (psm_a, tksk_a):
        with pytest.raises(PermissionDenied):
            update_ppks_record(record, acting_user=user, data={"notes": "Pindah lokasi"})
        with pytest.raises(PermissionDenied):
            end_ppks_record(record, acting_user=user, reason="Sudah bekerja")
    record.refresh_from_db()
    assert (record.notes, record.status) == ("", "aktif")
    assert record.validated_by == dinsos and record.validated_at == validated_at


def test_dinsos_correction_validates_what_it_wrote(dinsos, psm_a, person_a):
    record = unvalidated_record(
        {"ppks_type": 13, "person": person_a}, checked_by=psm_a, reporter=psm_a
    )
    # Saving the same values is not a correction: nothing is validated by it.
    update_ppks_record(record, acting_user=dinsos, data={})
    record.refresh_from_db()
    assert record.validated_at is None
    update_ppks_record(record, acting_user=dinsos, data={"notes": "Dicek ulang"})
    record.refresh_from_db()
    assert record.validated_by == dinsos and record.validated_at is not None
    assert record.reporter == psm_a


def test_validation_appears_in_history(dinsos, psm_a, person_a):
    with pghistory.context(user=psm_a.pk):
        record = unvalidated_record(
            {"ppks_type": 11, "person": person_a}, checked_by=psm_a, reporter=psm_a
        )
    with pghistory.context(user=dinsos.pk):
        validate_record(record, acting_user=dinsos)
    timeline = person_timeline(person_a, dinsos)
    entry = next(e for e in timeline if "divalidasi" in e.title)
    assert entry.title == "PPKS Gelandangan (Budi Santoso) divalidasi Dinas Sosial"
    assert entry.username == "dinsos"
    changes = {c.field: c for c in entry.changes}
    assert changes["validated_by"].old == "(kosong)" and changes["validated_by"].new == "dinsos"
    assert changes["validated_at"].label == "tanggal validasi"


def test_filter_validated(dinsos, psm_a, household_a, person_a):
    validated = create_ppks_record(acting_user=dinsos, data={"ppks_type": 13, "person": person_a})
    waiting = unvalidated_record(
        {"ppks_type": 24, "household": household_a}, checked_by=psm_a, reporter=psm_a
    )
    assert PpksRecordFilter.from_params({"validated": "YA"}).validated == "ya"
    assert PpksRecordFilter.from_params({"validated": "mungkin"}).validated == ""

    def ids(**params):
        return set(
            ppks_records_for(dinsos, PpksRecordFilter.from_params(params)).values_list(
                "pk", flat=True
            )
        )

    assert ids(validated="ya") == {validated.pk}
    assert ids(validated="tidak") == {waiting.pk}
    assert ids() == {validated.pk, waiting.pk}
    assert PpksRecordFilter.from_params({"validated": "ya"}).as_dict() == {"validated": "ya"}


def test_filter_search_by_name_nik_and_kk(dinsos, household_a, person_a):
    other = make_household(
        dinsos,
        VILLAGE_A,
        members=[
            {
                "nik": make_nik("P", "1950-01-01"),
                "name": "Suminah Wulandari",
                "sex": "P",
                "birth_date": "1950-01-01",
                "relation": "kepala",
            }
        ],
    )
    budi = create_ppks_record(acting_user=dinsos, data={"ppks_type": 13, "person": person_a})
    family = create_ppks_record(
        acting_user=dinsos, data={"ppks_type": 24, "household": household_a}
    )
    suminah = create_ppks_record(
        acting_user=dinsos, data={"ppks_type": 8, "person": other.members.get()}
    )

    def ids(q):
        return set(
            ppks_records_for(dinsos, PpksRecordFilter.from_params({"q": q})).values_list(
                "pk", flat=True
            )
        )

    # A name finds the person's own records and the records of their household.
    assert ids("Budi Santoso") == {budi.pk, family.pk}
    assert ids("Suminah") == {suminah.pk}
    assert ids(person_a.nik) == {budi.pk, family.pk}
    assert ids(household_a.no_kk) == {family.pk}


def test_api_filter_and_field(client, dinsos, psm_a, household_a, person_a):

    validated = create_ppks_record(acting_user=dinsos, data={"ppks_type": 13, "person": person_a})
    waiting = unvalidated_record(
        {"ppks_type": 24, "household": household_a}, checked_by=psm_a, reporter=psm_a
    )
    _, key = ApiToken.issue(dinsos)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def items(**params):
        response = client.get("/api/v1/ppks/records", params, **headers)
        assert response.status_code == 200, response.content
        return {item["id"]: item for item in response.json()["items"]}

    assert set(items(validated="ya")) == {validated.pk}
    assert set(items(validated="tidak")) == {waiting.pk}
    both = items()
    assert both[validated.pk]["validated_at"] is not None
    assert both[waiting.pk]["validated_at"] is None
    response = client.get("/api/v1/ppks/records", {"validated": "mungkin"}, **headers)
    assert response.status_code == 422
