"""API of the turnaround figures and of the optional musyawarah / SK steps."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from pilar.submissions import actions
from pilar.submissions.models import Deliberation, Ratification, Submission
from pilar.submissions.tests.factories import new_household_payload, submission_data, submit_change
from pilar.submissions.tests.test_api import bearer

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 signed"


def test_turnaround_figures(client, psm_a, tksk_a, dinsos, household_a):
    submission = submit_change(psm_a, household_a, {"household": {"rt": "4"}})
    actions.verify_submission(submission, acting_user=tksk_a)
    body = client.get("/api/v1/verivali/turnaround", **bearer(dinsos)).json()
    assert body["total"]["submitted"] == 1 and body["total"]["verified"] == 1
    assert body["total"]["waiting_validation"] == 1
    assert [r["code"] for r in body["rows"]] == ["36.71.01"]
    bad = client.get(
        "/api/v1/verivali/turnaround?start=2026-02-01&end=2026-01-01", **bearer(dinsos)
    )
    assert bad.status_code == 422


def test_optional_steps_are_404_when_off(client, dinsos):
    assert client.get("/api/v1/verivali/deliberations", **bearer(dinsos)).status_code == 404
    assert client.get("/api/v1/verivali/ratifications/1", **bearer(dinsos)).status_code == 404


@override_settings(PILAR_VERIVALI_MUSYAWARAH=True)
def test_record_deliberation_through_the_api(client, psm_a, tksk_a, household_a):
    submission = submit_change(psm_a, household_a, {"household": {"rt": "4"}})
    data = {
        "kelurahan": household_a.village_id,
        "held_on": datetime.date.today().isoformat(),
        "attendees": "Lurah\nKetua RW",
        "submissions": str(submission.pk),
    }
    not_pdf = client.post(
        "/api/v1/verivali/deliberations",
        {**data, "minutes": SimpleUploadedFile("ba.pdf", b"<html>")},
        **bearer(tksk_a),
    )
    assert not_pdf.status_code == 422 and "minutes" in not_pdf.json()["errors"]
    assert not Deliberation.objects.exists()
    ok = client.post(
        "/api/v1/verivali/deliberations",
        {**data, "minutes": SimpleUploadedFile("ba.pdf", PDF)},
        **bearer(tksk_a),
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["submissions"] == [submission.pk]
    listed = client.get("/api/v1/verivali/deliberations", **bearer(tksk_a)).json()
    assert [d["id"] for d in listed] == [ok.json()["id"]]


@override_settings(PILAR_VERIVALI_SK=True)
def test_ratification_through_the_api_masks_for_leaders(client, psm_a, tksk_a, dinsos, pimpinan):
    submission, _ = actions.create_submission(
        acting_user=psm_a, data=submission_data("keluarga_baru", new_household_payload())
    )
    actions.verify_submission(submission, acting_user=tksk_a)
    actions.validate_submission(submission, acting_user=dinsos)
    data = {
        "decree_number": "400/7/2026",
        "decree_date": datetime.date.today().isoformat(),
        "submissions": str(submission.pk),
        "decree_file": SimpleUploadedFile("sk.pdf", PDF),
    }
    refused = client.post("/api/v1/verivali/ratifications", data, **bearer(tksk_a))
    assert refused.status_code == 403
    data["decree_file"] = SimpleUploadedFile("sk.pdf", PDF)
    made = client.post("/api/v1/verivali/ratifications", data, **bearer(dinsos))
    assert made.status_code == 201, made.content
    sk = Ratification.objects.get()
    nik = sk.frozen[0]["nik"]
    full = client.get(f"/api/v1/verivali/ratifications/{sk.pk}", **bearer(dinsos)).json()
    assert full["bnba"][0]["nik"] == nik
    masked = client.get(f"/api/v1/verivali/ratifications/{sk.pk}", **bearer(pimpinan)).json()
    assert masked["bnba"][0]["nik"] != nik and "*" in masked["bnba"][0]["nik"]
    assert (
        client.get(f"/api/v1/verivali/ratifications/{sk.pk}", **bearer(tksk_a)).status_code == 403
    )
    assert Submission.objects.get().ratification == sk
