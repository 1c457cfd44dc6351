"""Pages: who sees and who writes; out-of-area 404; forms write through actions."""

import datetime

import pytest
from django.urls import reverse

from pilar.assessments.actions import create_poverty_assessment
from pilar.assessments.criteria import POVERTY_CODES
from pilar.assessments.models import PovertyAssessment, RtlhAssessment
from pilar.assessments.tests.conftest import POOR_HOUSE, make_survey
from pilar.conftest import VILLAGE_B, make_household
from pilar.core.dates import today
from pilar.registry.models import Household

pytestmark = pytest.mark.django_db


def url(name, hh=None):

    return reverse(f"assessments:{name}", args=[hh.pk] if hh is not None else [])


def test_household_page_read_by_area(client, family, dinsos, psm_a, psm_b, tksk_a, pimpinan, mitra):
    only_meals = {**dict.fromkeys(POVERTY_CODES, False), "few_meals": True}
    create_poverty_assessment(family, acting_user=dinsos, criteria=only_meals)
    for user in (dinsos, psm_a, tksk_a, pimpinan):
        client.force_login(user)
        response = client.get(url("household", family))
        assert response.status_code == 200
        assert "1 dari 14 (ambang 9)" in response.content.decode()
    client.force_login(psm_a)
    assert "Asesmen kemiskinan baru" not in client.get(url("household", family)).content.decode()
    client.force_login(dinsos)
    assert "Asesmen kemiskinan baru" in client.get(url("household", family)).content.decode()
    client.force_login(psm_b)
    assert client.get(url("household", family)).status_code == 404
    client.force_login(mitra)
    assert client.get(url("household", family)).status_code == 403


def test_writes_refused_for_other_roles(client, family, psm_a, tksk_a, pimpinan, psm_b):
    make_survey(family)
    for user in (psm_a, tksk_a, pimpinan):
        client.force_login(user)
        assert client.get(url("poverty_create", family)).status_code == 403
        assert client.post(url("poverty_create", family), {"few_meals": "on"}).status_code == 403
        assert client.post(url("rtlh_create", family), {}).status_code == 403
    client.force_login(psm_b)  # out of area: 404 before the role check
    assert client.post(url("poverty_create", family), {}).status_code == 404
    assert not PovertyAssessment.objects.exists() and not RtlhAssessment.objects.exists()


def test_poverty_form_prefills_and_saves(client, family, dinsos):
    make_survey(family, **POOR_HOUSE)
    client.force_login(dinsos)
    page = client.get(url("poverty_create", family)).content.decode()
    assert page.count('ms-1" title="') == 8  # the badge beside each pre-filled criterion
    assert 'name="floor_cheap" id="id_floor_cheap" checked' in page
    assert 'name="few_meals" id="id_few_meals" checked' not in page
    data = {"assessed_on": today().isoformat(), "notes": "kunjungan"}
    data.update({c: "on" for c in ("floor_cheap", "wall_cheap", "few_meals", "no_savings")})
    response = client.post(url("poverty_create", family), data)
    assert response.status_code == 302
    a = PovertyAssessment.objects.get(household=family)
    assert (a.criteria_met, a.is_poor, a.assessor, a.notes) == (4, False, dinsos, "kunjungan")
    # Unchecked pre-filled boxes are "no": the assessor's word wins.
    assert a.low_education is False and a.no_toilet is False


def test_poverty_form_errors(client, family, dinsos):
    client.force_login(dinsos)
    future = (today() + datetime.timedelta(days=3)).isoformat()
    response = client.post(url("poverty_create", family), {"assessed_on": future})
    assert response.status_code == 200
    assert "tidak boleh di masa depan" in response.content.decode()
    assert not PovertyAssessment.objects.exists()


def test_rtlh_form(client, family, dinsos):
    client.force_login(dinsos)
    assert 'id="no-survey"' in client.get(url("rtlh_create", family)).content.decode()
    survey = make_survey(family, toilet="tidak_ada")
    response = client.post(
        url("rtlh_create", family), {"survey": survey.pk, "assessed_on": today().isoformat()}
    )
    assert response.status_code == 302
    a = RtlhAssessment.objects.get(household=family)
    assert (a.is_rtlh, a.failed, a.survey) == (True, ["no_toilet"], survey)
    page = client.get(url("household", family)).content.decode()
    assert "Tidak layak huni" in page and "Tidak punya MCK" in page


def test_rtlh_form_refuses_another_households_survey(client, family, dinsos):
    other = make_household(dinsos, VILLAGE_B)
    foreign = make_survey(other)
    make_survey(family)
    client.force_login(dinsos)
    response = client.post(url("rtlh_create", family), {"survey": foreign.pk})
    assert response.status_code == 200
    assert not RtlhAssessment.objects.exists()


def test_desil_shown_apart(client, dinsos):
    hh = make_household(dinsos)
    Household.objects.filter(pk=hh.pk).update(desil=3)  # as an import sets it
    client.force_login(dinsos)
    page = client.get(url("household", hh)).content.decode()
    assert "Desil 3" in page and "bukan hasil asesmen ini" in page


def test_lists_render_scoped(client, family, dinsos, psm_b, psm_a):
    create_poverty_assessment(
        family,
        acting_user=dinsos,
        assessed_on=today() - datetime.timedelta(days=400),
        criteria={},
    )
    client.force_login(psm_a)
    page = client.get(url("overdue")).content.decode()
    assert f'data-household="{family.pk}"' in page
    client.force_login(psm_b)
    page = client.get(url("overdue")).content.decode()
    assert f'data-household="{family.pk}"' not in page
    assert client.get(url("consistency")).status_code == 200
    assert client.get(url("summary")).status_code == 200


def test_overdue_page_query_count(client, dinsos, django_assert_max_num_queries):
    for i in range(30):
        hh = make_household(dinsos, address=f"Jl. {i}")
        create_poverty_assessment(
            hh, acting_user=dinsos, assessed_on=today() - datetime.timedelta(days=400), criteria={}
        )
    client.force_login(dinsos)
    with django_assert_max_num_queries(12):
        response = client.get(url("overdue"))
    assert "30 keluarga" in response.content.decode()
    assert response.content.decode().count("data-household=") == 25
