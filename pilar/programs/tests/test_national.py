"""National programs: participation received from the central government is
recorded from a list of No. KK / NIK, on the page and through the API."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from pilar.accounts.models import ApiToken
from pilar.conftest import VILLAGE_A, VILLAGE_B
from pilar.core.errors import InvalidInput
from pilar.programs.choices import EnrollmentStatus
from pilar.programs.models import Enrollment, EnrollmentStep, Program
from pilar.programs.national import record_participation
from pilar.programs.tests.factories import household

pytestmark = pytest.mark.django_db


def test_household_program_by_no_kk(dinsos):
    pkh = Program.objects.get(code="pkh")
    assert pkh.is_national and pkh.level == "keluarga"
    a, b = household(dinsos, VILLAGE_A), household(dinsos, VILLAGE_B)
    text = f"{a.no_kk}\n{b.no_kk}, {a.no_kk}\n3671000000000000\n12345"
    result = record_participation(
        pkh, acting_user=dinsos, numbers=text, period="2026", source="SIKS-NG Okt 2026"
    )
    assert result["created"] == 2
    assert result["not_found"] == ["3671000000000000"] and result["invalid"] == ["12345"]
    rows = Enrollment.objects.filter(program=pkh, period=2026)
    assert {e.household_id for e in rows} == {a.pk, b.pk}
    assert all(e.status == EnrollmentStatus.APPROVED and e.person_id is None for e in rows)
    step = EnrollmentStep.objects.filter(enrollment__in=rows).first()
    assert step.note == "Data pusat: SIKS-NG Okt 2026" and step.actor == dinsos
    again = record_participation(
        pkh, acting_user=dinsos, numbers=a.no_kk, period=2026, source="SIKS-NG Nov 2026"
    )
    assert again["created"] == 0 and again["already"] == [a.no_kk]
    assert (
        record_participation(
            pkh, acting_user=dinsos, numbers=a.no_kk, period=2027, source="SIKS-NG 2027"
        )["created"]
        == 1
    )


def test_person_program_by_nik(dinsos):
    pip = Program.objects.get(code="pip")
    hh = household(dinsos, VILLAGE_A)
    head = hh.members.get(relation="kepala")
    result = record_participation(
        pip, acting_user=dinsos, numbers=head.nik, period=2026, source="Data PIP 2026"
    )
    assert result["created"] == 1
    row = Enrollment.objects.get(program=pip)
    assert row.person_id == head.pk and row.household_id == hh.pk


def test_refusals_write_nothing(dinsos, psm_a):
    pkh = Program.objects.get(code="pkh")
    local = Program.objects.get(code="tangerang-terang")
    hh = household(dinsos, VILLAGE_A)
    with pytest.raises(InvalidInput):
        record_participation(local, acting_user=dinsos, numbers=hh.no_kk, period=2026, source="x")
    with pytest.raises(InvalidInput) as exc:
        record_participation(pkh, acting_user=dinsos, numbers="", period="tahun", source="")
    assert {"numbers", "period", "source"} <= set(exc.value.errors)
    with pytest.raises(PermissionDenied):
        record_participation(pkh, acting_user=psm_a, numbers=hh.no_kk, period=2026, source="x")
    assert not Enrollment.objects.exists()


def test_page_form_and_api(client, dinsos):

    pkh = Program.objects.get(code="pkh")
    hh = household(dinsos, VILLAGE_A)
    client.force_login(dinsos)
    page = client.get(reverse("programs:detail", args=[pkh.pk])).content.decode()
    assert 'id="national-record"' in page
    response = client.post(
        reverse("programs:national_record", args=[pkh.pk]),
        {"numbers": "", "period": "2026", "source": ""},
    )
    assert response.status_code == 422 and 'id="national-errors"' in response.content.decode()
    response = client.post(
        reverse("programs:national_record", args=[pkh.pk]),
        {"numbers": f"{hh.no_kk}\n9999", "period": "2026", "source": "SIKS-NG"},
        follow=True,
    )
    text = response.content.decode()
    assert "1 kepesertaan periode 2026 tercatat" in text and "bukan nomor 16 digit" in text
    _, raw = ApiToken.issue(dinsos)
    answer = client.post(
        f"/api/v1/programs/{pkh.pk}/participants",
        data=json.dumps({"numbers": [hh.no_kk], "period": 2027, "source": "SIKS-NG 2027"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["created"] == 1
