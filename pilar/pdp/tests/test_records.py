"""RoPA generated from the tables, DPIA drafts from the code that processes."""

from __future__ import annotations

from django.urls import reverse

from pilar.dedup.model_spec import FIELDS
from pilar.pdp import ropa
from pilar.pdp.models import ImpactAssessment
from pilar.pdp.subject.collect import COVERED
from pilar.pdp.tests.helpers import client_for
from pilar.programs.priority import COMPONENTS


def test_every_table_of_the_export_has_a_purpose_in_the_ropa(db):
    entries = {e.table: e for e in ropa.entries()}
    assert set(entries) == COVERED | {"audit.accesslog"}
    person = entries["registry.person"]
    assert "NIK" in person.fields and "disabilitas" in person.fields and person.specific
    assert "pilar pdp retention" in person.retention
    assert entries["ppks.ppksrecord"].specific
    assert "Dinas Sosial" in entries["pdp.subjectrequest"].who


def test_ropa_page_and_export(dinsos, household_a):
    client = client_for(dinsos)
    page = client.get(reverse("pdp:ropa")).content.decode()
    assert 'data-table="registry.person"' in page
    export = client.get(reverse("pdp:ropa_export", args=["csv"]))
    rows = b"".join(export.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(rows) == len(COVERED) + 2  # header + access log


def test_dpia_drafts_describe_the_processing_that_runs(db):
    dedup = ImpactAssessment.objects.get(topic="duplikat")
    scoring = ImpactAssessment.objects.get(topic="skor")
    for f in FIELDS:
        assert f.label in dedup.processing
    for c in COMPONENTS:
        assert c.label in scoring.processing
    assert dedup.approved_on is None


def test_approving_then_editing_withdraws_the_approval(dinsos):
    item = ImpactAssessment.objects.get(topic="skor")
    client = client_for(dinsos)
    client.post(reverse("pdp:assessment_approve", args=[item.pk]))
    item.refresh_from_db()
    assert item.approved_by == dinsos
    form = {
        name: getattr(item, name)
        for name in ("title", "processing", "purpose", "legal_basis", "data_used")
    }
    form.update(
        necessity=item.necessity,
        risks=item.risks + " 4) Risiko baru.",
        measures=item.measures,
        risk_level="sedang",
        review_due=item.review_due.isoformat(),
    )
    assert client.post(reverse("pdp:assessment_detail", args=[item.pk]), form).status_code == 302
    item.refresh_from_db()
    assert item.approved_on is None and "Risiko baru" in item.risks
    empty = client.post(reverse("pdp:assessment_detail", args=[item.pk]), {"title": ""})
    assert empty.status_code == 400 and "Judul wajib diisi." in empty.content.decode()
