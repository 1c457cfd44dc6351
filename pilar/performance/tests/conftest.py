"""Shared data of the performance tests: field accounts linked to their PSKS records,
and a report that was returned with two fields to correct, then validated."""

from __future__ import annotations

import pytest

from pilar.psks.tests.conftest import make_worker, psks_type
from pilar.submissions import actions
from pilar.submissions.tests.factories import submit_change


@pytest.fixture
def linked(dinsos, psm_a, psm_b, tksk_a):
    """Field accounts linked to their PSKS records."""
    pairs = {
        psm_a: make_worker(dinsos, name="Siti Aminah"),
        psm_b: make_worker(
            dinsos, name="Dewi Lestari", district="36.71.02", village="36.71.02.1001"
        ),
        tksk_a: make_worker(dinsos, psks_type=psks_type(11).pk, name="Agus Salim", village=""),
    }
    for user, worker in pairs.items():
        user.psks_worker = worker
        user.save()
    return pairs


def reported_and_corrected(dinsos, psm_a, tksk_a, household):
    submission = submit_change(psm_a, household, {"household": {"rt": "7", "rw": "3"}})
    actions.return_submission(
        submission,
        acting_user=tksk_a,
        field_reasons={"household.rt": "RT salah", "household.rw": "RW salah"},
    )
    actions.resubmit_submission(
        submission,
        acting_user=psm_a,
        data={"revision": 1, "payload": {"household": {"rt": "8", "rw": "4"}}},
    )
    actions.verify_submission(submission, acting_user=tksk_a)
    actions.validate_submission(submission, acting_user=dinsos)
    return submission
