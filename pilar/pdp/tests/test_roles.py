"""Only Dinas Sosial and admins keep the registers: every other role gets 403 on every
page; a request about someone outside the area is a 404, like a missing one; a NIK
outside the area is "not found", like an unknown one."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from pilar.conftest import MISSING_ID, VILLAGE_A, make_household, move_outside_region
from pilar.pdp import actions
from pilar.pdp.models import Breach, ImpactAssessment, SubjectRequest
from pilar.pdp.tests.helpers import client_for


@pytest.fixture
def request_row(dinsos):
    person = make_household(dinsos, VILLAGE_A).members.get()
    return actions.create_request(
        acting_user=dinsos,
        person=person,
        data={
            "kind": "akses",
            "requester_name": person.name,
            "channel": "langsung",
            "received_at": timezone.localtime(),
            "details": "Salinan data",
        },
    )


def _pages(req_pk: int, assessment_pk: int) -> list[tuple[str, str]]:
    return [
        ("get", reverse("pdp:index")),
        ("get", reverse("pdp:request_list")),
        ("get", reverse("pdp:request_export", args=["xlsx"])),
        ("get", reverse("pdp:request_create")),
        ("get", reverse("pdp:request_detail", args=[req_pk])),
        ("get", reverse("pdp:request_data", args=[req_pk, "json"])),
        ("post", reverse("pdp:request_start", args=[req_pk])),
        ("get", reverse("pdp:breach_list")),
        ("get", reverse("pdp:breach_create")),
        ("get", reverse("pdp:ropa")),
        ("get", reverse("pdp:ropa_export", args=["csv"])),
        ("get", reverse("pdp:assessment_list")),
        ("get", reverse("pdp:assessment_detail", args=[assessment_pk])),
        ("post", reverse("pdp:assessment_approve", args=[assessment_pk])),
        ("get", reverse("pdp:retention")),
    ]


def test_other_roles_get_403_everywhere(request_row, psm_a, tksk_a, pimpinan, mitra):
    assessment = ImpactAssessment.objects.first()
    for user in (psm_a, tksk_a, pimpinan, mitra):
        client = client_for(user)
        for method, url in _pages(request_row.pk, assessment.pk):
            assert getattr(client, method)(url).status_code == 403, (user.role, url)
    assert request_row.steps.count() == 1
    assert ImpactAssessment.objects.filter(approved_by__isnull=False).count() == 0


def test_dinsos_and_admin_see_every_page(request_row, dinsos, admin_user):
    assessment = ImpactAssessment.objects.first()
    for user in (dinsos, admin_user):
        client = client_for(user)
        for method, url in _pages(request_row.pk, assessment.pk):
            assert getattr(client, method)(url).status_code in (200, 302), (user.role, url)


def test_anonymous_is_sent_to_login(request_row):
    from django.test import Client

    response = Client().get(reverse("pdp:request_detail", args=[request_row.pk]))
    assert response.status_code == 302 and "/akun/" in response["Location"]


def test_a_request_about_someone_outside_the_region_is_a_404(request_row, dinsos):
    client = client_for(dinsos)
    move_outside_region(request_row.person.household)
    for name in ("pdp:request_detail",):
        assert client.get(reverse(name, args=[request_row.pk])).status_code == 404
        assert client.get(reverse(name, args=[MISSING_ID])).status_code == 404
    assert client.get(reverse("pdp:request_data", args=[request_row.pk, "json"])).status_code == 404
    assert client.post(reverse("pdp:request_start", args=[request_row.pk])).status_code == 404
    listed = client.get(reverse("pdp:request_list")).content.decode()
    assert f'data-request="{request_row.pk}"' not in listed


def test_a_nik_outside_the_region_is_not_found_like_an_unknown_one(dinsos):
    outside = make_household(dinsos, VILLAGE_A).members.get()
    move_outside_region(outside.household)
    client = client_for(dinsos)
    data = {
        "kind": "akses",
        "requester_name": "X",
        "channel": "langsung",
        "received_at": "2026-12-01T09:00",
        "details": "Salinan",
    }
    outside_answer = client.post(reverse("pdp:request_create"), {**data, "person": outside.nik})
    unknown_answer = client.post(
        reverse("pdp:request_create"), {**data, "person": "3671011111110001"}
    )
    for response, typed in ((outside_answer, outside.nik), (unknown_answer, "3671011111110001")):
        assert response.status_code == 200
        assert f"Individu {typed} tidak ditemukan" in response.content.decode()
    breach = client.post(
        reverse("pdp:breach_create"),
        {
            "title": "Laptop hilang",
            "discovered_at": "2026-12-01T09:00",
            "description": "a",
            "cause": "b",
            "data_categories": "c",
            "measures": "d",
            "contact": "e",
            "persons": outside.nik,
        },
    )
    assert breach.status_code == 200 and "tidak ditemukan" in breach.content.decode()
    assert not SubjectRequest.objects.exists() and not Breach.objects.exists()
