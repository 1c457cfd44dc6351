"""PPKS records of restricted health types (ODHA, NAPZA) are seen only by Dinas
Sosial staff and admins: not by leaders, TKSK or PSM, on pages, filters,
timelines or the API (domain.md: health data restricted; UU PDP)."""

import pghistory
import pytest
from django.urls import reverse

from pilar.accounts.models import ApiToken
from pilar.ppks.actions import create_ppks_record
from pilar.ppks.models import PpksRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def odha_record(dinsos, household_a):
    with pghistory.context(user=dinsos.pk):
        return create_ppks_record(
            acting_user=dinsos, data={"ppks_type": 16, "person": household_a.members.get()}
        )


def test_queryset_hides_restricted_types(odha_record, dinsos, admin_user, pimpinan, tksk_a, psm_a):
    for user in (dinsos, admin_user):
        assert PpksRecord.objects.restrict(user).filter(pk=odha_record.pk).exists()
    for user in (pimpinan, tksk_a, psm_a):
        assert not PpksRecord.objects.restrict(user).filter(pk=odha_record.pk).exists()


@pytest.mark.parametrize(
    "persona, visible", [("dinsos", True), ("psm_a", False), ("pimpinan", False)]
)
def test_pages_and_timeline(client, request, odha_record, persona, visible):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    person = odha_record.person
    for url in (
        reverse("web:person_detail", kwargs={"pk": person.pk}),
        reverse("web:household_detail", kwargs={"pk": odha_record.household_id}),
    ):
        body = client.get(url).content.decode()
        assert ("Orang dengan HIV/AIDS" in body) == visible, url
    listing = client.get(reverse("web:household_list") + "?ppks_type=16").content.decode()
    assert (person.name in listing) == visible
    home = client.get(reverse("web:home")).content.decode()
    assert ("terbatas" in home) == (not visible)


def test_api_hides_restricted_records(client, odha_record, psm_a, dinsos):
    person = odha_record.person
    for user, visible in ((psm_a, False), (dinsos, True)):
        _, key = ApiToken.issue(user)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
        detail = client.get(f"/api/v1/persons/{person.pk}", **headers).json()
        assert bool(detail["ppks_records"]) == visible
        record = client.get(f"/api/v1/ppks/records/{odha_record.pk}", **headers)
        assert record.status_code == (200 if visible else 404)
        listing = client.get("/api/v1/persons?ppks_type=16", **headers).json()
        assert (listing["count"] == 1) == visible
