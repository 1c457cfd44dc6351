"""Pattern 9 for Bedah Rumah: the enrollment a renovation is opened from (API body,
page URL) and a photo named under a renovation are fetched through the caller's
scope. Outside the area (for Dinas Sosial: outside the deployment region), another
renovation's photo and missing read alike, and nothing is written. A house holds no
health data, so the health rule has no case here."""

from __future__ import annotations

import json

import pytest

from pilar.conftest import (
    MISSING_ID,
    VILLAGE_B,
    assert_same_answer,
    bearer,
    move_outside_region,
    row_counts,
)
from pilar.renovations import actions
from pilar.renovations.models import Renovation, RenovationPhoto

from .helpers import PLAN, approved_enrollment, jpeg, opened

pytestmark = pytest.mark.django_db


def post(client, url, body, user):
    return client.post(url, data=json.dumps(body), content_type="application/json", **bearer(user))


def test_open_from_enrollment_outside_reads_like_missing(client, dinsos, psm_b):
    beyond = approved_enrollment(dinsos)
    move_outside_region(beyond.household)
    in_a = approved_enrollment(dinsos)
    before = row_counts(Renovation)
    answers = [
        post(client, "/api/v1/renovations", {**PLAN, "enrollment_id": eid}, user)
        for user, eid in ((dinsos, beyond.pk), (dinsos, MISSING_ID), (psm_b, in_a.pk))
    ]
    assert answers[0].status_code == 404
    assert_same_answer(*answers)
    pages = []
    for user, eid in ((dinsos, beyond.pk), (dinsos, MISSING_ID), (psm_b, in_a.pk)):
        client.force_login(user)
        pages.append(client.get(f"/bedah-rumah/buka/{eid}/"))
        pages.append(client.post(f"/bedah-rumah/buka/{eid}/", PLAN))
    assert pages[0].status_code == 404
    assert_same_answer(*pages)
    assert row_counts(Renovation) == before


def test_photo_of_another_renovation_reads_like_missing(client, dinsos, psm_a):
    mine, other = opened(dinsos), opened(dinsos, VILLAGE_B)
    for renovation in (mine, other):
        actions.add_photos(
            renovation,
            acting_user=dinsos,
            kind="sebelum",
            taken_on="2026-02-20",
            files=[jpeg()],
            data={},
        )
    other_photo = RenovationPhoto.objects.get(renovation=other)
    client.force_login(psm_a)  # sees kelurahan A's renovation only
    answers = [
        client.get(f"/bedah-rumah/{mine.pk}/foto/{other_photo.pk}/"),
        client.get(f"/bedah-rumah/{other.pk}/foto/{other_photo.pk}/"),
        client.get(f"/bedah-rumah/{mine.pk}/foto/{MISSING_ID}/"),
    ]
    assert answers[0].status_code == 404
    assert_same_answer(*answers)
    own = RenovationPhoto.objects.get(renovation=mine)
    assert client.get(f"/bedah-rumah/{mine.pk}/foto/{own.pk}/").status_code == 200
