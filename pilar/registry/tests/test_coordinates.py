"""Coordinates out of range are an input error, never a crash (found by the API fuzz
test: a latitude far out of range reached the rounding and raised
decimal.InvalidOperation, a 500)."""

from __future__ import annotations

import pytest

from pilar.core.errors import InvalidInput
from pilar.registry.validation import clean_household

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("lat", "lon", "field"),
    [
        ("1e30", "106.6", "latitude"),
        ("-6.2", "1e30", "longitude"),
        ("NaN", "106.6", "latitude"),
        ("-6.2", "Infinity", "longitude"),
        ("sNaN", "106.6", "latitude"),
    ],
)
def test_coordinates_out_of_range_are_refused_with_a_reason(dinsos, lat, lon, field):
    with pytest.raises(InvalidInput) as refused:
        clean_household({"latitude": lat, "longitude": lon}, user=dinsos)
    assert field in refused.value.errors
