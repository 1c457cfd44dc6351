"""The enrollment pages: tabs, generate/propose/approve through the form endpoint,
export (logged), and refusal for roles that may not manage programs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pilar.audit.models import AccessLog
from pilar.conftest import VILLAGE_A, VILLAGE_B
from pilar.programs.choices import EnrollmentStatus as S
from pilar.programs.models import Enrollment, Program
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
    rows = list(Enrollment.objects.filter(program=program).order_by("-priority_total"))
    assert len(rows) == 2
    page = client.get(url)
    assert page.status_code == 200 and "Desil nasional" in page.content.decode()
    client.post(url + "aksi/", {"op": "propose", "ids": [rows[0].pk]})
    client.post(
        f"/program/{program.pk}/peserta/usulan/aksi/", {"op": "approve", "ids": [rows[0].pk]}
    )
    rows[0].refresh_from_db()
    assert rows[0].status == S.APPROVED
    export = client.get(f"/program/{program.pk}/peserta/usulan/daftar.csv")
    body = b"".join(export.streaming_content).decode()
    assert "Disetujui" in body
    assert AccessLog.objects.filter(object_type="programs.enrollments").count() == 1
    # A PSM sees the list of their kelurahan only and cannot act.
    client.force_login(psm_a)
    assert client.post(url + "aksi/", {"op": "generate"}).status_code == 403
    page = client.get(f"/program/{program.pk}/peserta/usulan/").content.decode()
    assert rows[0].village_id == VILLAGE_A  # desil 1 ranks first
    assert f'data-id="{rows[0].pk}"' in page
