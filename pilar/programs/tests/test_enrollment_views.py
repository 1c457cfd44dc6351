"""The enrollment pages: tabs, generate/propose/approve through the form endpoint,
export (logged), and refusal for roles that may not manage programs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pilar.audit.models import AccessLog
from pilar.conftest import VILLAGE_A, VILLAGE_B
from pilar.programs.choices import EnrollmentStatus as S
from pilar.programs.models import Candidate, Enrollment, Program
from pilar.programs.tests.factories import household

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(dinsos):
    p = Program.objects.get(code="tangerang-terang")
    p.rule = {"op": "and", "rules": [{"field": "desil", "operator": "lte", "value": 4}]}
    p.year, p.amount = 2026, Decimal("500000")
    p.save()
    household(dinsos, VILLAGE_A, desil=1)
    household(dinsos, VILLAGE_B, desil=3)
    return p


def test_generate_propose_approve_pages(client, dinsos, psm_a, program):
    client.force_login(dinsos)
    url = f"/program/{program.pk}/peserta/kandidat/"
    client.post(url + "aksi/", {"op": "generate"})
    rows = list(Candidate.objects.filter(program=program).order_by("-priority_total"))
    assert len(rows) == 2
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "Desil nasional" in html
    # Ranked by priority, the generation named.
    assert html.index(f'data-id="{rows[0].pk}"') < html.index(f'data-id="{rows[1].pk}"')
    assert "Daftar kandidat dibuat" in html and "2 kandidat" in html
    client.post(url + "aksi/", {"op": "propose", "ids": [rows[0].pk]})
    client.post(
        f"/program/{program.pk}/peserta/usulan/aksi/", {"op": "approve", "ids": [rows[0].pk]}
    )
    assert Enrollment.objects.get(pk=rows[0].pk).status == S.APPROVED
    # The proposed one left the candidate tab; the other is still listed.
    html = client.get(url).content.decode()
    assert f'data-id="{rows[0].pk}"' not in html and f'data-id="{rows[1].pk}"' in html
    export = client.get(url + "daftar.csv")
    body = b"".join(export.streaming_content).decode()
    assert "Kandidat" in body and "Desil nasional" in body
    export = client.get(f"/program/{program.pk}/peserta/usulan/daftar.csv")
    body = b"".join(export.streaming_content).decode()
    assert "Disetujui" in body
    assert AccessLog.objects.filter(object_type="programs.enrollments").count() == 2
    # A PSM sees the list of their kelurahan only and cannot act.
    client.force_login(psm_a)
    assert client.post(url + "aksi/", {"op": "generate"}).status_code == 403
    page = client.get(f"/program/{program.pk}/peserta/usulan/").content.decode()
    assert rows[0].village_id == VILLAGE_A  # desil 1 ranks first
    assert f'data-id="{rows[0].pk}"' in page
    # Out of their kelurahan: a candidate of kelurahan B is not on the PSM's page.
    html = client.get(url).content.decode()
    assert rows[1].village_id == VILLAGE_B and f'data-id="{rows[1].pk}"' not in html
    assert "0 data." in html
