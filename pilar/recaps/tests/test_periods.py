"""Month and area of a recap: bad input is a clear Indonesian message, an area
outside the user's scope reads as an unknown one."""

from __future__ import annotations

import datetime

import pytest

from pilar.conftest import DISTRICT_A
from pilar.core.errors import InvalidInput
from pilar.figures import refresh, snapshots
from pilar.recaps import periods
from pilar.recaps.tests.conftest import month_before

pytestmark = pytest.mark.django_db


def message(exc: pytest.ExceptionInfo) -> str:
    return " ".join(m for ms in exc.value.errors.values() for m in ms)


@pytest.mark.parametrize("text", ["2026/11", "november", "2026-13", "2026-00", "26-1", "0000-01"])
def test_malformed_month(text):
    with pytest.raises(InvalidInput) as exc:
        periods.parse_month(text)
    assert "format TTTT-BB" in message(exc)


def test_future_month_refused():
    future = periods.add_months(periods.current_month(), 1)
    with pytest.raises(InvalidInput) as exc:
        periods.parse_month(f"{future:%Y-%m}")
    assert "belum tiba" in message(exc)


def test_month_before_first_data_refused():
    # No snapshot yet: the first month is this month.
    last = month_before(1)
    with pytest.raises(InvalidInput) as exc:
        periods.parse_month(f"{last:%Y-%m}")
    assert "Belum ada data" in message(exc) and "data paling awal" in message(exc)
    refresh.rebuild()
    snapshots._freeze_kept(last, refresh.state())
    assert periods.parse_month(f"{last:%Y-%m}") == last
    assert periods.parse_month("") == periods.current_month()
    assert periods.months_available()[-1] == last


def test_areas_by_role(dinsos, pimpinan, tksk_a, psm_a, mitra):
    city = periods.areas_for(dinsos)
    assert city[0].is_city and city[0].code == "36.71"
    assert len(city) == 14  # the city and its 13 kecamatan
    assert [a.code for a in periods.areas_for(pimpinan)] == [a.code for a in city]
    assert [a.code for a in periods.areas_for(tksk_a)] == [DISTRICT_A]
    assert periods.areas_for(psm_a) == [] and periods.areas_for(mitra) == []
    assert periods.resolve_area(dinsos, "3671").code == "36.71"
    assert periods.resolve_area(dinsos, "36.71.02").name == "Jatiuwung"
    assert periods.resolve_area(tksk_a, "").code == DISTRICT_A


@pytest.mark.parametrize("code", ["36.71", "36.71.02", "99.99", "abc"])
def test_tksk_outside_area_reads_as_unknown(tksk_a, code):
    with pytest.raises(InvalidInput) as exc:
        periods.resolve_area(tksk_a, code)
    assert "tidak dikenal atau di luar wilayah kerja" in message(exc)


def test_month_end():
    assert periods.month_end(datetime.date(2024, 2, 1)) == datetime.date(2024, 2, 29)
    assert periods.add_months(datetime.date(2026, 1, 1), -1) == datetime.date(2025, 12, 1)
