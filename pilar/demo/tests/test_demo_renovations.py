"""The demo's Bedah Rumah data goes through the real actions and shows every stage."""

from __future__ import annotations

import pytest

from pilar.conftest import make_household
from pilar.demo import renovations as demo
from pilar.programs.tests.factories import rtlh
from pilar.renovations.choices import Status
from pilar.renovations.models import Renovation

pytestmark = pytest.mark.django_db


def test_demo_seeds_every_stage_once(dinsos):

    for _ in range(8):
        household = make_household(dinsos)
        rtlh(dinsos, household, bad=True)
    assert demo.seed(count=6) == 6
    statuses = set(Renovation.objects.values_list("status", flat=True))
    assert statuses == {Status.PLANNING, Status.WORKING, Status.HANDED_OVER}
    handed = Renovation.objects.filter(status=Status.HANDED_OVER)
    assert all(r.after_assessment_id for r in handed)
    assert demo.seed(count=6) == 0  # once


def test_demo_skips_without_program_users(db):
    assert demo.seed() == 0
