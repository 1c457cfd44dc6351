"""Partners (mitra) in the API: only the beneficiaries of their agency's programs,
NIK/No. KK masked unless granted per program; everything else about people refused."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pilar.accounts.choices import Role
from pilar.audit.models import AccessLog
from pilar.conftest import VILLAGE_A, VILLAGE_B, make_user
from pilar.programs import enrollment as en
from pilar.programs.models import PartnerAccess, Program
from pilar.programs.tests.factories import household

pytestmark = pytest.mark.django_db

PERKIM = "Dinas Perumahan, Permukiman dan Pertanahan Kota Tangerang"


@pytest.fixture
def setup(dinsos):
    terang = Program.objects.get(code="tangerang-terang")  # agency: PERKIM
    pkh_like = Program.objects.get(code="bedah-rumah")  # another agency
    for program in (terang, pkh_like):
        program.year, program.amount = 2026, Decimal("1000000")
        program.save()
    hh_a = household(dinsos, VILLAGE_A, desil=2)
    hh_b = household(dinsos, VILLAGE_B, desil=3)
    hh_other = household(dinsos, VILLAGE_A, desil=1)
    approved = []
    for program, hh in ((terang, hh_a), (terang, hh_b), (pkh_like, hh_other)):
        e = en.enroll(program, acting_user=dinsos, household=hh)
        en.propose(program, [e.pk], acting_user=dinsos)
        en.approve(program, [e.pk], acting_user=dinsos)
        approved.append(e)
    # A candidate is not a beneficiary.
    en.enroll(terang, acting_user=dinsos, household=household(dinsos, VILLAGE_A, desil=2))
    partner = make_user("mitra-perkim", Role.MITRA)
    partner.organization = PERKIM
    partner.save()
    return {"terang": terang, "other": pkh_like, "partner": partner, "rows": approved, "hh_a": hh_a}


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_partner_sees_own_agency_masked(client, setup):
    response = get(client, setup["partner"], "/api/v1/programs/beneficiaries")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {i["program_id"] for i in body["items"]} == {setup["terang"].pk}
    assert len({i["kelurahan"] for i in body["items"]}) == 2  # city-wide for the agency
    head_nik = setup["hh_a"].members.get(relation="kepala").nik
    item = next(i for i in body["items"] if i["id"] == setup["rows"][0].pk)
    assert item["nik"] != head_nik and "*" in item["nik"] and item["nik"][-4:] == head_nik[-4:]
    assert "*" in item["no_kk"]
    assert item["name"] == "Budi Santoso"
    log = AccessLog.objects.filter(user=setup["partner"], object_type="programs.beneficiaries")
    assert log.get().extra["unmasked"] == []


def test_partner_granted_sees_nik(client, setup):
    PartnerAccess.objects.create(user=setup["partner"], program=setup["terang"], may_see_nik=True)
    body = get(
        client, setup["partner"], f"/api/v1/programs/{setup['terang'].pk}/beneficiaries"
    ).json()
    head_nik = setup["hh_a"].members.get(relation="kepala").nik
    item = next(i for i in body["items"] if i["id"] == setup["rows"][0].pk)
    assert item["nik"] == head_nik
    # A grant without may_see_nik, or for another program, does not unmask.
    PartnerAccess.objects.filter(user=setup["partner"]).update(may_see_nik=False)
    body = get(client, setup["partner"], "/api/v1/programs/beneficiaries").json()
    assert all("*" in i["nik"] for i in body["items"])


def test_partner_refused_elsewhere(client, setup):
    partner = setup["partner"]
    assert (
        get(client, partner, f"/api/v1/programs/{setup['other'].pk}/beneficiaries").status_code
        == 404
    )
    assert get(client, partner, "/api/v1/households").status_code == 403
    assert get(client, partner, "/api/v1/persons").status_code == 403
    hh = setup["hh_a"]
    assert get(client, partner, f"/api/v1/households/{hh.pk}").status_code == 403
    # A partner without an agency sees nobody.
    lonely = make_user("mitra-kosong", Role.MITRA)
    body = get(client, lonely, "/api/v1/programs/beneficiaries").json()
    assert body == {"items": [], "count": 0}
    assert (
        get(client, lonely, f"/api/v1/programs/{setup['terang'].pk}/beneficiaries").status_code
        == 404
    )


def test_staff_see_beneficiaries_in_their_area(client, setup, psm_a, dinsos):
    body = get(client, psm_a, f"/api/v1/programs/{setup['terang'].pk}/beneficiaries").json()
    assert [i["id"] for i in body["items"]] == [setup["rows"][0].pk]
    body = get(client, dinsos, "/api/v1/programs/beneficiaries").json()
    assert body["count"] == 3
    item = next(i for i in body["items"] if i["id"] == setup["rows"][0].pk)
    assert item["nik"] == setup["hh_a"].members.get(relation="kepala").nik
    assert item["priority_parts"][0]["key"] == "desil"


def test_partner_grant_opens_a_program_of_another_agency_name(client, setup):
    """Agency names are free text: an explicit grant works whatever the names say,
    and spacing or case in the partner's agency name do not matter."""
    partner = setup["partner"]
    other = setup["other"]
    url = f"/api/v1/programs/{other.pk}/beneficiaries"
    assert get(client, partner, url).status_code == 404
    PartnerAccess.objects.create(user=partner, program=other)
    body = get(client, partner, url).json()
    assert body["count"] == 1 and all("*" in i["nik"] for i in body["items"])
    listed = get(client, partner, "/api/v1/programs/beneficiaries").json()
    assert {i["program_id"] for i in listed["items"]} == {setup["terang"].pk, other.pk}
    spaced = make_user("mitra-spasi", Role.MITRA)
    spaced.organization = "  " + PERKIM.upper().replace(" ", "  ") + " "
    spaced.save()
    assert get(client, spaced, "/api/v1/programs/beneficiaries").json()["count"] == 2
