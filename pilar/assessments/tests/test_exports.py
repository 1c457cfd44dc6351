"""Exports of the overdue list and the consistency watch: same filter and scope as
the pages, logged."""

import datetime
import io

import pytest
from python_calamine import CalamineWorkbook

from pilar.assessments.actions import create_poverty_assessment
from pilar.assessments.tests.conftest import person, years_ago
from pilar.audit.models import AccessLog
from pilar.conftest import VILLAGE_B, make_household
from pilar.core.dates import today
from pilar.ppks.actions import create_ppks_record

pytestmark = pytest.mark.django_db

OLD = today() - datetime.timedelta(days=400)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def data(dinsos):
    a = make_household(
        dinsos,
        members=[
            person("Kepala A", "L", years_ago(40), "kepala"),
            person("Remaja A", "L", years_ago(19, days=3)),
        ],
    )
    b = make_household(
        dinsos, VILLAGE_B, members=[person("Kepala B", "L", years_ago(50), "kepala")]
    )
    for hh in (a, b):
        create_poverty_assessment(hh, acting_user=dinsos, assessed_on=OLD, criteria={})
    create_ppks_record(
        acting_user=dinsos,
        data={
            "ppks_type": 2,
            "person": a.members.get(name="Remaja A"),
            "date_found": today() - datetime.timedelta(days=100),
        },
    )
    return a, b


def test_overdue_csv_scoped_and_filtered(client, data, psm_a, dinsos):
    client.force_login(psm_a)
    text = body(client.get("/asesmen/jatuh-tempo.csv")).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("No. KK;Kepala keluarga;")
    assert len(lines) == 2 and "Kepala A" in lines[1] and "Kepala B" not in text
    log = AccessLog.objects.get(object_type="assessments_overdue")
    assert log.extra["rows"] == 1 and log.user == psm_a

    client.force_login(dinsos)
    text = body(client.get("/asesmen/jatuh-tempo.csv?kecamatan=36.71.02")).decode("utf-8-sig")
    assert "Kepala B" in text and "Kepala A" not in text


def test_overdue_xlsx(client, data, dinsos):
    client.force_login(dinsos)
    response = client.get("/asesmen/jatuh-tempo.xlsx")
    assert response.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    rows = sheet.get_sheet_by_index(0).to_python()
    assert rows[0][1] == "Kepala keluarga"
    assert sorted(r[1] for r in rows[1:]) == ["Kepala A", "Kepala B"]
    assert len(rows[1][0]) == 16  # full No. KK as text for Dinas Sosial


def test_consistency_exports(client, data, psm_a, psm_b):
    client.force_login(psm_a)
    text = body(client.get("/asesmen/konsistensi.csv")).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 2 and "Remaja A" in lines[1]
    assert "Usia sekarang 19 tahun" in lines[1]
    client.force_login(psm_b)
    text = body(client.get("/asesmen/konsistensi.csv")).decode("utf-8-sig")
    assert len(text.strip().splitlines()) == 1
    response = client.get("/asesmen/konsistensi.xlsx")
    assert response.status_code == 200


def test_export_needs_people_access(client, data, mitra):
    client.force_login(mitra)
    assert client.get("/asesmen/jatuh-tempo.csv").status_code == 403
    assert client.get("/asesmen/konsistensi.xlsx").status_code == 403
