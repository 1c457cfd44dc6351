"""The "Program" section of the household and person pages: which enrollments each
page lists (household page: all recorded with the household; person page: the
person's own plus their household's household-level ones), what a row shows, the
empty text, most recent first, one query whatever the number of rows."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pilar.conftest import VILLAGE_A, VILLAGE_B
from pilar.core.dates import today
from pilar.programs import enrollment as en
from pilar.programs.choices import EnrollmentStatus as S
from pilar.programs.models import Enrollment, Program
from pilar.programs.tests.factories import child, head, household

pytestmark = pytest.mark.django_db

EMPTY_HOUSEHOLD = "Keluarga ini belum tercatat pada program apa pun."
EMPTY_PERSON = "Individu ini dan keluarganya belum tercatat pada program apa pun."


@pytest.fixture
def terang(dinsos):
    program = Program.objects.get(code="tangerang-terang")
    program.year, program.amount = 2026, Decimal("1000000")
    program.save()
    return program


@pytest.fixture
def cerdas(dinsos):
    program = Program.objects.get(code="tangerang-cerdas")
    program.year = 2026
    program.save()
    return program


def _section(html: str) -> str:
    """The Program section of a page (so a name elsewhere on the page does not count)."""
    match = re.search(r'<section class="card mb-3" id="enrollments">(.*?)</section>', html, re.S)
    assert match, "no Program section on the page"
    return match.group(1)


def _rows(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-enrollment="(\d+)"', _section(html))]


def _proposed(program, dinsos, *, household=None, person=None) -> Enrollment:
    """Listed by hand and proposed: an Enrollment (a bare candidate is only on the
    program's working list, not an enrollment of the household)."""
    listed = en.enroll(program, acting_user=dinsos, household=household, person=person)
    en.propose(program, [listed.pk], acting_user=dinsos)
    return Enrollment.objects.get(pk=listed.pk)


def _delivered(program, dinsos, *, household=None, person=None) -> Enrollment:
    e = _proposed(program, dinsos, household=household, person=person)
    en.approve(program, [e.pk], acting_user=dinsos)
    return en.deliver(
        e,
        acting_user=dinsos,
        delivered_on=today() - datetime.timedelta(days=3),
        amount="750000",
        amount_reason="Sisa anggaran",
        note="Diserahkan di kelurahan",
    )


def test_household_page_lists_its_enrollments(client, dinsos, psm_a, terang):
    dinsos.first_name, dinsos.last_name = "Rina", "Operator"
    dinsos.save()
    hh = household(dinsos, VILLAGE_A, address="Jl. Program 1")
    other = household(dinsos, VILLAGE_A, address="Jl. Lain 2")
    delivered = _delivered(terang, dinsos, household=hh)
    elsewhere = _proposed(terang, dinsos, household=other)
    # National participation is an enrollment in a national program.
    pkh = Program.objects.get(code="pkh")
    national = _proposed(pkh, dinsos, household=hh)

    client.force_login(psm_a)
    html = client.get(f"/keluarga/{hh.pk}/").content.decode()
    section = _section(html)
    assert set(_rows(html)) == {delivered.pk, national.pk}
    assert elsewhere.pk not in _rows(html)
    assert f'href="/program/{terang.pk}/"' in section and terang.name in section
    assert "Program Keluarga Harapan (PKH)" in section and "Nasional" in section
    row = section.split(f'data-enrollment="{delivered.pk}"')[1].split("</tr>")[0]
    assert "Disalurkan" in row
    assert "1.000.000" in row  # planned
    assert (today() - datetime.timedelta(days=3)).strftime("%d-%m-%Y") in row
    assert "Rp750.000" in row  # delivered
    assert "Rina Operator" in row and today().strftime("%d-%m-%Y") in row  # latest step
    assert "2026" in row
    national_row = section.split(f'data-enrollment="{national.pk}"')[1].split("</tr>")[0]
    assert "Diusulkan" in national_row and "Rina Operator" in national_row
    assert EMPTY_HOUSEHOLD not in html


def test_household_without_enrollments_shows_empty_text(client, dinsos, terang):
    hh = household(dinsos, VILLAGE_A)
    _proposed(terang, dinsos, household=household(dinsos, VILLAGE_A))
    client.force_login(dinsos)
    html = client.get(f"/keluarga/{hh.pk}/").content.decode()
    assert _rows(html) == []
    assert EMPTY_HOUSEHOLD in _section(html)


def test_scoped_like_the_page(client, dinsos, psm_b, terang):
    hh = household(dinsos, VILLAGE_A)
    _proposed(terang, dinsos, household=hh)
    client.force_login(psm_b)
    response = client.get(f"/keluarga/{hh.pk}/")
    assert response.status_code == 404
    assert terang.name not in response.content.decode()


def test_person_page_own_and_household_level(client, dinsos, terang, cerdas):
    members = [head(), child("Ani", "2015-02-01", "sd", "P"), child("Adi", "2013-05-05", "sd")]
    hh = household(dinsos, VILLAGE_A, members=members)
    ani = hh.members.get(name="Ani")
    adi = hh.members.get(name="Adi")
    for_ani = _proposed(cerdas, dinsos, person=ani)
    for_adi = _proposed(cerdas, dinsos, person=adi)
    for_household = _proposed(terang, dinsos, household=hh)
    other_hh = _proposed(terang, dinsos, household=household(dinsos, VILLAGE_B))

    client.force_login(dinsos)
    person_html = client.get(f"/individu/{ani.pk}/").content.decode()
    assert set(_rows(person_html)) == {for_ani.pk, for_household.pk}
    assert for_adi.pk not in _rows(person_html) and other_hh.pk not in _rows(person_html)
    ani_row = _section(person_html).split(f'data-enrollment="{for_ani.pk}"')[1].split("</tr>")[0]
    assert "Ani" in ani_row and "(SMP)" in ani_row  # school level and its amount
    assert "100.000" in ani_row

    # The household page lists the members' person-level rows too, naming the member.
    household_html = client.get(f"/keluarga/{hh.pk}/").content.decode()
    assert set(_rows(household_html)) == {for_ani.pk, for_adi.pk, for_household.pk}
    assert f'href="/individu/{adi.pk}/"' in _section(household_html)

    # A person whose household has nothing and who has nothing: the empty text.
    lone = household(dinsos, VILLAGE_A).members.first()
    lone_html = client.get(f"/individu/{lone.pk}/").content.decode()
    assert _rows(lone_html) == [] and EMPTY_PERSON in lone_html


def test_most_recent_first_and_one_query(client, dinsos, terang):
    hh = household(dinsos, VILLAGE_A)
    older = Program.objects.get(code="bedah-rumah")
    older.year = 2024
    older.save()
    old = _proposed(older, dinsos, household=hh)
    new = _delivered(terang, dinsos, household=hh)
    client.force_login(dinsos)
    html = client.get(f"/keluarga/{hh.pk}/").content.decode()
    assert _rows(html) == [new.pk, old.pk]
    assert new.period == 2026 and old.period == 2024

    # More enrollments do not add queries (no N+1 over programs, persons or steps).
    with CaptureQueriesContext(connection) as two:
        client.get(f"/keluarga/{hh.pk}/")
    for code in ("pkh", "bpnt-sembako"):
        _proposed(Program.objects.get(code=code), dinsos, household=hh)
    with CaptureQueriesContext(connection) as four:
        html = client.get(f"/keluarga/{hh.pk}/").content.decode()
    assert len(_rows(html)) == 4
    assert len(four.captured_queries) == len(two.captured_queries)
    enrollment_queries = [
        q["sql"] for q in four.captured_queries if 'FROM "programs_enrollment"' in q["sql"]
    ]
    assert len(enrollment_queries) == 1
    assert S.PROPOSED.label in _section(html)
