"""The name indexes without a pending list, and bulk loads that borrow one for their
own transaction (pilar.core.gin, decision 46)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from pilar.conftest import VILLAGE_A, make_household, make_nik
from pilar.core.gin import pending_list_during
from pilar.registry.filters import PersonFilter, persons_for

pytestmark = pytest.mark.django_db


def _options(index: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(reloptions, '{}') FROM pg_class WHERE relname = %s", [index]
        )
        return cursor.fetchone()[0]


def test_a_load_fills_the_index_proper_before_it_commits(dinsos):
    with connection.cursor() as cursor, transaction.atomic():
        with pending_list_during(cursor, ["registry_person", "registry_household"]) as switched:
            assert set(switched) == {
                "person_name_keys",
                "person_name_trgm",
                "household_address_trgm",
            }
            assert "fastupdate=on" in _options("person_name_keys")
            for i in range(40):
                make_household(
                    dinsos,
                    VILLAGE_A,
                    members=[
                        {
                            "nik": make_nik("P", f"1980-01-{i % 28 + 1:02d}"),
                            "name": f"Sulastri Wulandari {chr(97 + i % 26)}",
                            "sex": "P",
                            "birth_date": f"1980-01-{i % 28 + 1:02d}",
                            "relation": "kepala",
                        }
                    ],
                )
        # Off again, and nothing left waiting: merging now moves no page.
        assert "fastupdate=off" in _options("person_name_keys")
        for index in switched:
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
            assert cursor.fetchone()[0] == 0
    found = list(persons_for(dinsos, PersonFilter(q="Sulastri Wulandri")))
    assert len(found) == 40


def test_an_error_rolls_the_switch_back(dinsos):
    with pytest.raises(ZeroDivisionError), transaction.atomic(), connection.cursor() as cursor:
        with pending_list_during(cursor, ["registry_person"]):
            assert "fastupdate=on" in _options("person_name_keys")
            1 / 0  # noqa: B018
    assert "fastupdate=off" in _options("person_name_keys")


def test_it_needs_a_transaction(transactional_db):
    with connection.cursor() as cursor, pytest.raises(RuntimeError):
        with pending_list_during(cursor, ["registry_person"]):
            pass
