"""Applying a validated submission to the registry (called by validate_submission
inside its transaction). Every write goes through the registry and PPKS
actions, so the same rules hold as for a direct entry; any refusal rolls the
whole submission back. Paths the reviewer resolved to "registri" are skipped."""

from __future__ import annotations

import datetime
from typing import Any

from pilar.accounts.models import User
from pilar.assessments.actions import assess_rtlh_from_survey
from pilar.core.errors import InvalidInput
from pilar.ppks import actions as ppks_actions
from pilar.ppks.models import PpksRecord, RecordStatus
from pilar.registry import actions as registry
from pilar.registry import choices as reg
from pilar.registry.models import HousingSurvey, Person
from pilar.registry.restriction import hold_write
from pilar.submissions import choices
from pilar.submissions.checks import household_data
from pilar.submissions.paths import prefixed


def _reraise(exc: InvalidInput, prefix: str):
    raise InvalidInput(
        prefixed(exc, prefix),
        message="Laporan tidak dapat diterapkan ke registri: " + exc.message,
    ) from exc


def _gps(submission) -> dict:
    if submission.latitude is None or submission.longitude is None:
        return {}
    return {"latitude": submission.latitude, "longitude": submission.longitude}


def apply_submission(
    submission, *, acting_user: User, resolutions: dict[str, str]
) -> dict[str, Any]:
    """Write the submission's changes; returns what was written (stored in `result`)."""
    kind = submission.kind
    payload = submission.payload
    keep_registry = {p for p, r in resolutions.items() if r == choices.Resolution.REGISTRY}
    result: dict[str, Any] = {"person_ids": [], "ppks_ids": []}
    reporter_name = submission.reporter.get_full_name() or submission.reporter.username

    if kind == choices.Kind.NEW_HOUSEHOLD:
        data = household_data(payload["household"])
        if not data.get("latitude"):
            data.update(_gps(submission))
        try:
            household = registry.create_household(
                acting_user=acting_user, data=data, members=payload["members"]
            )
        except InvalidInput as exc:
            raise InvalidInput(
                {
                    (
                        k.replace("members[", "member.").replace("].", ".")
                        if "members[" in k
                        else f"household.{k}"
                    ): v
                    for k, v in exc.errors.items()
                },
                message="Laporan tidak dapat diterapkan ke registri: " + exc.message,
            ) from exc
        result["household_id"] = household.pk
        result["person_ids"] = list(household.members.values_list("pk", flat=True))
        return result

    household = submission.household
    assert household is not None
    result["household_id"] = household.pk

    if kind == choices.Kind.CHANGE:
        fields = {
            k: v
            for k, v in (payload.get("household") or {}).items()
            if f"household.{k}" not in keep_registry
        }
        if not household.latitude and not fields.get("latitude"):
            fields.update({k: str(v) for k, v in _gps(submission).items()})
        if fields:
            try:
                registry.update_household(
                    household, acting_user=acting_user, data=household_data(fields)
                )
            except InvalidInput as exc:
                _reraise(exc, "household.")
        for item in payload.get("persons") or []:
            pid = item["person_id"]
            person = Person.objects.select_for_update().get(pk=pid, household=household)
            prefix = f"person.{pid}."
            # Restricted since the report was sent (decision 43): held, nothing applied.
            hold_write(person, field=f"person.{pid}", what="Laporan lapangan")
            try:
                if item["change"] == choices.PersonChange.CORRECTION:
                    data = {
                        k: v for k, v in item["fields"].items() if prefix + k not in keep_registry
                    }
                    if data:
                        registry.update_person(person, acting_user=acting_user, data=data)
                elif prefix + "life_status" not in keep_registry:
                    status = (
                        reg.LifeStatus.DIED
                        if item["change"] == choices.PersonChange.DIED
                        else reg.LifeStatus.MOVED
                    )
                    registry.update_person(
                        person,
                        acting_user=acting_user,
                        data={"life_status": status, "life_status_date": item["date"]},
                    )
                    reason = (
                        "Meninggal dunia"
                        if status == reg.LifeStatus.DIED
                        else f"Pindah keluar: {item.get('reason', '')}".strip()
                    )
                    for record in PpksRecord.objects.filter(
                        person=person, status=RecordStatus.ACTIVE
                    ):
                        ended = max(datetime.date.fromisoformat(item["date"]), record.date_found)
                        ppks_actions.end_ppks_record(
                            record,
                            acting_user=acting_user,
                            ended_on=ended,
                            reason=f"{reason} (laporan #{submission.pk})",
                        )
            except InvalidInput as exc:
                _reraise(exc, prefix)
            result["person_ids"].append(pid)
        for i, member in enumerate(payload.get("new_members") or []):
            data = {k: v for k, v in member.items() if k != "reason"}
            try:
                person = registry.create_person(
                    acting_user=acting_user, household=household, data=data
                )
            except InvalidInput as exc:
                _reraise(exc, f"new_member.{i}.")
            result["person_ids"].append(person.pk)
        return result

    if kind == choices.Kind.PPKS:
        for i, item in enumerate(payload.get("add") or []):
            target = (
                Person.objects.get(pk=item["person_id"], household=household)
                if item.get("person_id")
                else None
            )
            if target is not None:
                hold_write(target, field=f"ppks_add.{i}.person_id", what="Laporan lapangan")
            try:
                record = ppks_actions.create_ppks_record(
                    acting_user=acting_user,
                    reporter=submission.reporter,
                    data={
                        "ppks_type": item["ppks_type"],
                        "person": target,
                        "household": household,
                        "date_found": item.get("date_found") or submission.visit_date,
                        "disability_subtypes": item.get("disability_subtypes") or [],
                        "notes": item.get("notes", ""),
                        "reporter_name": reporter_name,
                    },
                )
            except InvalidInput as exc:
                _reraise(exc, f"ppks_add.{i}.")
            result["ppks_ids"].append(record.pk)
        for i, item in enumerate(payload.get("end") or []):
            if f"ppks_end.{i}" in keep_registry:
                continue
            record = PpksRecord.objects.get(pk=item["record_id"], household=household)
            try:
                ppks_actions.end_ppks_record(
                    record,
                    acting_user=acting_user,
                    ended_on=item.get("ended_on") or submission.visit_date,
                    reason=item["reason"],
                )
            except InvalidInput as exc:
                _reraise(exc, f"ppks_end.{i}.")
            result["ppks_ids"].append(record.pk)
        return result

    if kind == choices.Kind.HOUSING:
        survey = HousingSurvey.objects.create(
            household=household,
            surveyed_on=submission.visit_date,
            surveyor=submission.reporter,
            submission=submission,
            **payload,
        )
        result["survey_id"] = survey.pk
        # A validated survey is assessed for RTLH at once, dated on the visit.
        result["rtlh_assessment_id"] = assess_rtlh_from_survey(survey, acting_user=acting_user).pk
        updates = {
            "house_ownership": payload["house_ownership"],
            "land_status": payload["land_status"],
        }
        if not household.latitude:
            updates.update({k: str(v) for k, v in _gps(submission).items()})
        registry.update_household(household, acting_user=acting_user, data=updates)
        return result
    raise ValueError(f"unknown kind {kind}")
