"""Two Dinas Sosial operators approving at the last quota slot at the same moment:
the program row lock serializes them, one wins, the other is refused."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pilar.accounts.choices import Role
from pilar.conftest import VILLAGE_A, make_user
from pilar.programs import enrollment as en
from pilar.programs.choices import EnrollmentStatus as S
from pilar.programs.models import Enrollment, Program, ProgramQuota
from pilar.programs.tests.factories import household
from pilar.testing.concurrency import race


@pytest.mark.usefixtures("committed_db")
def test_two_approvals_at_the_last_quota_slot(dinsos):
    other = make_user("dinsos-2", Role.DINSOS)
    program = Program.objects.get(code="tangerang-terang")
    program.year, program.amount = 2026, Decimal("1000000")
    program.rule = {"op": "and", "rules": [{"field": "desil", "operator": "lte", "value": 4}]}
    program.save()
    ProgramQuota.objects.create(program=program, area_code="36.71.01", quota=1)
    rows = [
        en.enroll(program, acting_user=dinsos, household=household(dinsos, VILLAGE_A, desil=2))
        for _ in range(2)
    ]
    en.propose(program, [e.pk for e in rows], acting_user=dinsos)

    outcomes = race(
        lambda: en.approve(program, [rows[0].pk], acting_user=dinsos),
        lambda: en.approve(program, [rows[1].pk], acting_user=other),
    )
    assert sorted(o[0] for o in outcomes) == ["ok", "refused"], outcomes
    refused = next(o[1] for o in outcomes if o[0] == "refused")
    assert refused.codes == {"__all__": "quota"}
    assert Enrollment.objects.filter(program=program, status=S.APPROVED).count() == 1
    assert Enrollment.objects.filter(program=program, status=S.PROPOSED).count() == 1
