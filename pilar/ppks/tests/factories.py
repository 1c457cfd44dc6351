"""Test factories for PPKS records."""

from __future__ import annotations

from pilar.ppks.actions import _clean
from pilar.ppks.models import PpksRecord


def unvalidated_record(data: dict, *, checked_by, reporter=None) -> PpksRecord:
    """A PPKS record still waiting for Dinas Sosial's "Validasi": what a field worker's
    direct entry left before field reports existed (PSM/TKSK no longer write records
    directly). The values pass the same checks as the action (`checked_by` is a user
    whose area holds the record); only the validation stamp is missing."""
    values = _clean(data, user=checked_by)
    name = values.pop("reporter_name") or (
        (reporter.get_full_name() or reporter.username) if reporter else ""
    )
    return PpksRecord.objects.create(reporter=reporter, reporter_name=name, **values)
