"""The reports API as the field app and other clients use it."""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pilar.accounts.models import ApiToken
from pilar.registry.models import Household
from pilar.submissions.models import Notification, Submission
from pilar.submissions.tests.factories import jpeg, new_household_payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports"


def bearer(user) -> dict:
    _, key = ApiToken.issue(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def body(kind="keluarga_baru", payload=None, household_id=None, **extra) -> dict:
    data = {
        "client_id": str(uuid.uuid4()),
        "kind": kind,
        "household_id": household_id,
        "payload": payload if payload is not None else new_household_payload(),
        "visit_date": "2026-11-01",
        "latitude": -6.17,
        "longitude": 106.63,
        "gps_accuracy_m": 12,
    }
    data.update(extra)
    return data


def post_multipart(client, data, photos: dict[str, bytes], headers, url=URL):
    files = {f"photo_{cid}": _file(cid, content) for cid, content in photos.items()}
    return client.post(url, data={"report": json.dumps(data), **files}, **headers)


def _file(cid, content):
    return SimpleUploadedFile(f"{cid}.jpg", content, content_type="image/jpeg")


def post_json(client, url, data, headers):
    return client.post(url, data=json.dumps(data), content_type="application/json", **headers)


def test_multipart_report_with_photo_then_same_again(client, psm_a):
    headers = bearer(psm_a)
    pid = str(uuid.uuid4())
    data = body(photos=[{"client_id": pid, "kind": "depan"}])
    first = post_multipart(client, data, {pid: jpeg()}, headers)
    assert first.status_code == 201, first.content
    out = first.json()
    assert out["status"] == "diajukan" and out["kind"] == "keluarga_baru"
    again = post_multipart(client, data, {pid: jpeg()}, headers)
    assert again.status_code == 200 and again.json()["id"] == out["id"]
    submission = Submission.objects.get()
    assert submission.photos.count() == 1
    assert float(submission.latitude) == -6.17 and submission.gps_accuracy_m == 12


def test_json_report_and_errors_by_path(client, psm_a):
    headers = bearer(psm_a)
    bad = body(payload=new_household_payload(nik="3671"))
    response = post_json(client, URL, bad, headers)
    assert response.status_code == 422
    assert "member.0.nik" in response.json()["errors"]
    response = post_json(client, URL, {**body(), "kind": "lain"}, headers)
    assert response.status_code == 422 and "kind" in response.json()["errors"]
    assert Submission.objects.count() == 0


def test_out_of_area_household_is_404(client, psm_a, household_b):
    response = post_json(
        client,
        URL,
        body("perubahan", {"household": {"rt": "2"}}, household_id=household_b.pk),
        bearer(psm_a),
    )
    assert response.status_code == 404
    assert Submission.objects.count() == 0


@pytest.mark.parametrize("persona", ["pimpinan", "mitra"])
def test_roles_without_reports_refused(client, persona, request):
    user = request.getfixturevalue(persona)
    response = post_json(client, URL, body(), bearer(user))
    assert response.status_code == 403


def test_chain_through_the_api(client, psm_a, tksk_a, dinsos, household_a):
    response = post_json(
        client,
        URL,
        body("perubahan", {"household": {"address": "Jl. API 1"}}, household_id=household_a.pk),
        bearer(psm_a),
    )
    submission_id = response.json()["id"]
    # The reporter may not verify; the TKSK sees it in the inbox.
    own = post_json(client, f"{URL}/{submission_id}/verify", {}, bearer(psm_a))
    assert own.status_code in (403, 404)
    inbox = client.get(f"{URL}/inbox", **bearer(tksk_a)).json()
    assert [r["id"] for r in inbox["items"]] == [submission_id]
    back = post_json(
        client,
        f"{URL}/{submission_id}/return",
        {"field_reasons": {"household.address": "Nomor rumah kurang"}},
        bearer(tksk_a),
    )
    assert back.status_code == 200 and back.json()["status"] == "dikembalikan"
    mine = client.get(f"{URL}?mine=true", **bearer(psm_a)).json()["items"][0]
    assert mine["return_reasons"] == {"household.address": "Nomor rumah kurang"}
    fixed = post_json(
        client,
        f"{URL}/{submission_id}/resubmit",
        {"revision": 1, "payload": {"household": {"address": "Jl. API 1 No. 7"}}},
        bearer(psm_a),
    )
    assert fixed.status_code == 200 and fixed.json()["revision"] == 2
    assert post_json(client, f"{URL}/{submission_id}/verify", {}, bearer(tksk_a)).status_code == 200
    done = post_json(client, f"{URL}/{submission_id}/validate", {"note": "ok"}, bearer(dinsos))
    assert done.status_code == 200, done.content
    detail = done.json()
    assert detail["status"] == "divalidasi"
    assert [s["action"] for s in detail["steps"]][-1] == "divalidasi"
    household_a.refresh_from_db()
    assert household_a.address == "Jl. API 1 No. 7"
    stale = post_json(client, f"{URL}/{submission_id}/validate", {}, bearer(dinsos))
    assert stale.status_code == 422 and stale.json()["codes"] == {"__all__": "stale"}


def test_detail_is_scoped_and_shows_diff(client, psm_a, psm_b, household_a):
    response = post_json(
        client,
        URL,
        body("perubahan", {"household": {"rt": "9"}}, household_id=household_a.pk),
        bearer(psm_a),
    )
    submission_id = response.json()["id"]
    assert client.get(f"{URL}/{submission_id}", **bearer(psm_b)).status_code == 404
    detail = client.get(f"{URL}/{submission_id}", **bearer(psm_a)).json()
    assert detail["diff"] == [
        {
            "path": "household.rt",
            "label": "RT",
            "current": "001",
            "proposed": "9",
            "base": "001",
            "changed": True,
            "conflict": False,
        }
    ]


def test_notifications(client, psm_a, tksk_a, household_a):
    post_json(
        client,
        URL,
        body("perubahan", {"household": {"rt": "9"}}, household_id=household_a.pk),
        bearer(psm_a),
    )
    items = client.get("/api/v1/notifications?unread=true", **bearer(tksk_a)).json()
    assert len(items) == 1 and "menunggu verifikasi" in items[0]["message"]
    read = client.post(f"/api/v1/notifications/{items[0]['id']}/read", **bearer(tksk_a))
    assert read.status_code == 200
    assert not Notification.objects.filter(user=tksk_a, read_at__isnull=True).exists()
    other = client.post(f"/api/v1/notifications/{items[0]['id']}/read", **bearer(psm_a))
    assert other.status_code == 404


def test_openapi_documents_reports(client, dinsos):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/reports" in schema["paths"]
    assert "/api/v1/reports/{report_id}/verify" in schema["paths"]
    post = schema["paths"]["/api/v1/reports"]["post"]
    assert "multipart/form-data" in post["requestBody"]["content"]


def test_new_household_never_written_before_validation(client, psm_a):
    before = Household.objects.count()
    post_json(client, URL, body(), bearer(psm_a))
    assert Household.objects.count() == before
