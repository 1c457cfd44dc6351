"""A household search says what matched on each row: a member's name, the address,
the No. KK or a member's NIK (issue 15)."""

from __future__ import annotations

import pytest

from pilar.conftest import make_household, make_nik
from pilar.registry.models import Household
from pilar.registry.search import household_matches, search_households

pytestmark = pytest.mark.django_db


def _members(head: str, other: str) -> list[dict]:
    return [
        {
            "nik": make_nik("L", "1970-01-05"),
            "name": head,
            "sex": "L",
            "birth_date": "1970-01-05",
            "relation": "kepala",
        },
        {
            "nik": make_nik("P", "1999-07-09"),
            "name": other,
            "sex": "P",
            "birth_date": "1999-07-09",
            "relation": "anak",
        },
    ]


def _matches(q: str) -> dict[int, str]:
    found = list(search_households(Household.objects.all(), q))
    return household_matches(found, q)


def test_matches_say_which_member_or_field(dinsos, client):
    by_member = make_household(dinsos, members=_members("Budi Santoso", "Siti Aminah"))
    by_address = make_household(
        dinsos, members=_members("Joko Widodo", "Ani Lestari"), address="Jl. Aminah Raya 3"
    )
    make_household(dinsos, members=_members("Agus Salim", "Dewi Sartika"))

    # A plain name is looked up among the names only (decision 35: a trigram look-up
    # of every address for every name typed cost more than the name search itself).
    assert _matches("Aminah") == {by_member.pk: "anggota: Siti Aminah"}
    # A query that looks like an address also searches the addresses.
    matches = _matches("Jl. Aminah")
    assert matches[by_address.pk] == "alamat"
    # A word no name holds falls back to the addresses.
    assert _matches("Aminah Raya") == {by_address.pk: "alamat"}

    assert _matches(by_member.no_kk) == {by_member.pk: "No. KK"}
    nik = by_member.members.get(name="Siti Aminah").nik
    assert _matches(nik) == {by_member.pk: "NIK Siti Aminah"}

    client.force_login(dinsos)
    html = client.get("/keluarga/?q=Jl.+Aminah").content.decode()
    assert "Cocok: alamat" in html
