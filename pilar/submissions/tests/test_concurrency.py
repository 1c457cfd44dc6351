"""Two reviewers acting on one report at the same moment: one wins, the other is
told, and nothing is applied twice."""

from __future__ import annotations

import pytest

from pilar.accounts.choices import Role
from pilar.conftest import make_user
from pilar.registry.models import Household
from pilar.submissions import actions
from pilar.submissions.choices import StepAction
from pilar.submissions.models import Submission
from pilar.submissions.tests.factories import new_household_payload, submission_data
from pilar.testing.concurrency import race


@pytest.mark.usefixtures("committed_db")
def test_double_validation_applies_once(psm_a, tksk_a, dinsos):
    other = make_user("dinsos-2", Role.DINSOS)
    submission, _ = actions.create_submission(
        acting_user=psm_a, data=submission_data("keluarga_baru", new_household_payload())
    )
    actions.verify_submission(submission, acting_user=tksk_a)
    before = Household.objects.count()

    outcomes = race(
        lambda: actions.validate_submission(
            Submission.objects.get(pk=submission.pk), acting_user=dinsos
        ),
        lambda: actions.validate_submission(
            Submission.objects.get(pk=submission.pk), acting_user=other
        ),
    )
    kinds = sorted(o[0] for o in outcomes)
    assert kinds == ["ok", "refused"], outcomes
    refused = next(o[1] for o in outcomes if o[0] == "refused")
    assert refused.codes == {"__all__": "stale"}
    assert "sudah berstatus divalidasi" in refused.errors["__all__"][0]
    assert Household.objects.count() == before + 1
    assert submission.steps.filter(action=StepAction.VALIDATED).count() == 1


@pytest.mark.usefixtures("committed_db")
def test_two_verifiers_at_once(psm_a, tksk_a, dinsos, household_a):
    submission, _ = actions.create_submission(
        acting_user=psm_a,
        data=submission_data("perubahan", {"household": {"rt": "6"}}, household_a),
    )
    outcomes = race(
        lambda: actions.verify_submission(
            Submission.objects.get(pk=submission.pk), acting_user=tksk_a
        ),
        lambda: actions.verify_submission(
            Submission.objects.get(pk=submission.pk), acting_user=dinsos
        ),
    )
    assert sorted(o[0] for o in outcomes) == ["ok", "refused"], outcomes
    submission.refresh_from_db()
    done = submission.steps.exclude(action__in=[StepAction.CREATED, StepAction.SUBMITTED])
    assert done.count() == 1
