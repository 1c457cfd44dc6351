from __future__ import annotations

import pytest

from pilar.conftest import DISTRICT_A, VILLAGE_A, VILLAGE_A2, VILLAGE_B
from pilar.psks.actions import create_worker
from pilar.psks.models import PsksType


def psks_type(number: int) -> PsksType:
    return PsksType.objects.get(number=number)


def make_worker(user, **data):
    values = {
        "psks_type": psks_type(2).pk,
        "name": "Siti Aminah",
        "district": DISTRICT_A,
        "village": VILLAGE_A,
        "active_from": "2024-01-01",
    }
    values.update(data)
    return create_worker(acting_user=user, data=values)


@pytest.fixture
def worker_a(dinsos):
    return make_worker(dinsos, name="Siti Aminah", phone="081234567890")


@pytest.fixture
def worker_a2(dinsos):
    return make_worker(dinsos, name="Rudi Hartono", village=VILLAGE_A2)


@pytest.fixture
def worker_b(dinsos):
    return make_worker(dinsos, name="Dewi Lestari", district="36.71.02", village=VILLAGE_B)


@pytest.fixture
def tksk_worker_a(dinsos):
    return make_worker(dinsos, psks_type=psks_type(11).pk, name="Agus Salim", village="")
