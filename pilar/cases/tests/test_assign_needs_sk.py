"""A TKSK/PSM account linked to a PSKS worker without an SK in force cannot be
assigned a case (issue 17); accounts not linked to a worker are unaffected."""

from __future__ import annotations

import pytest

from pilar.cases import actions
from pilar.cases.models import Case
from pilar.cases.tests.helpers import days_ago, person_record
from pilar.core.dates import today
from pilar.core.errors import InvalidInput
from pilar.psks.appointments import end_appointment
from pilar.psks.tests.conftest import make_worker
from pilar.psks.tests.factories import make_sk


def test_assignment_needs_an_active_sk(dinsos, psm_a):
    worker = make_worker(dinsos)
    psm_a.psks_worker = worker
    psm_a.save()
    record = person_record(dinsos)
    case = actions.open_case(record, acting_user=dinsos, source="laporan")
    with pytest.raises(InvalidInput) as info:
        actions.assign_case(case, acting_user=dinsos, worker=psm_a)
    assert info.value.errors["assigned_to"] == [actions.MSG_NO_SK]
    sk = make_sk(
        dinsos,
        worker,
        number="SK/1",
        starts_on=days_ago(30).isoformat(),
        ends_on=(today().replace(year=today().year + 1)).isoformat(),
    )
    actions.assign_case(case, acting_user=dinsos, worker=psm_a)
    assert Case.objects.get(pk=case.pk).assigned_to == psm_a
    end_appointment(sk, acting_user=dinsos, ended_on=days_ago(1).isoformat(), reason="mundur")
    other = person_record(dinsos)
    with pytest.raises(InvalidInput):
        actions.open_case(other, acting_user=dinsos, source="laporan", assigned_to=psm_a)
    assert not Case.objects.filter(record=other).exists()
