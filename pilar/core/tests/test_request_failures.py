"""Malformed multipart, oversized bodies and a lost database are answered 4xx/503 in
Indonesian (JSON under /api/, an error page elsewhere), never a 500."""

from __future__ import annotations

from contextlib import nullcontext
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper

from pilar.accounts.models import ApiToken
from pilar.registry.models import Household

pytestmark = pytest.mark.django_db

# Path -> the helper that fetches the path's object before the body is read: replaced
# by a stand-in so the request reaches the body (the point of these tests) without
# building a whole renovation or enrollment.
MULTIPART_PATHS = {
    "/api/v1/reports": None,
    "/api/v1/reports/1/resubmit": "pilar.submissions.api._submission",
    "/api/v1/renovations/1/handover": "pilar.renovations.api._renovation",
    "/api/v1/renovations/1/photos": "pilar.renovations.api._renovation",
    "/api/v1/renovations/1/progress": "pilar.renovations.api._renovation",
    "/api/v1/programs/1/deliveries/month": None,
    "/api/v1/programs/enrollments/1/deliveries": "pilar.programs.api.deliveries._enrollment_for",
}


def bearer(user):
    _, key = ApiToken.issue(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.mark.parametrize("path", MULTIPART_PATHS)
def test_multipart_without_boundary_is_400(client, dinsos, path):
    target = MULTIPART_PATHS[path]
    with mock.patch(target, return_value=mock.MagicMock()) if target else nullcontext():
        response = client.generic(
            "POST", path, b"x=1", content_type="multipart/form-data", **bearer(dinsos)
        )
    assert response.status_code == 400, response.content
    assert response.json()["message"].startswith("Isi permintaan multipart/form-data")


def test_multipart_without_boundary_on_a_page_is_indonesian_400(client, dinsos):
    client.force_login(dinsos)
    response = client.generic("POST", "/keluarga/baru/", b"x=1", content_type="multipart/form-data")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'lang="id"' in html
    assert "multipart/form-data tidak dapat dibaca" in html


def test_body_over_limit_is_413_json(client, dinsos, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    before = Household.objects.count()
    body = '{"address": "' + "x" * 2000 + '"}'
    response = client.post(
        "/api/v1/households", body, content_type="application/json", **bearer(dinsos)
    )
    assert response.status_code == 413
    assert response.json()["message"].startswith("Isi permintaan terlalu besar")
    assert Household.objects.count() == before


def test_default_limit_is_2_5_mb(client, dinsos):
    body = '{"address": "' + "x" * 2_700_000 + '"}'
    response = client.post(
        "/api/v1/households", body, content_type="application/json", **bearer(dinsos)
    )
    assert response.status_code == 413
    assert response.json()["message"] == "Isi permintaan terlalu besar (maksimal 2,5 MB)."


def test_too_many_fields_is_413_json(client, dinsos, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    body = "&".join(f"f{i}=1" for i in range(50))
    with mock.patch("pilar.renovations.api._renovation", return_value=mock.MagicMock()):
        response = client.post(
            "/api/v1/renovations/1/progress",
            body,
            content_type="application/x-www-form-urlencoded",
            **bearer(dinsos),
        )
    assert response.status_code == 413
    assert response.json()["message"] == "Permintaan berisi terlalu banyak kolom atau berkas."


def test_body_over_limit_on_a_page_is_indonesian_413(client, dinsos, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(dinsos)
    response = client.post("/keluarga/baru/", {"address": "x" * 2000})
    assert response.status_code == 413
    html = response.content.decode()
    assert 'lang="id"' in html
    assert "Isi permintaan terlalu besar" in html


# The database going away ---------------------------------------------------------------


def _database_down():
    error = OperationalError("connection to server on socket failed: No such file or directory")
    return mock.patch.object(CursorWrapper, "execute", side_effect=error)


def test_database_down_api_is_503_json_with_retry_after(client, dinsos):
    headers = bearer(dinsos)
    with _database_down():
        response = client.get("/api/v1/households", **headers)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {
        "message": "Layanan sedang tidak dapat menghubungi basis data. "
        "Coba lagi beberapa saat lagi."
    }


def test_database_down_page_is_indonesian_503(client, dinsos):
    client.force_login(dinsos)
    # The session is read before the view: Django's handler500 answers, and the test
    # client would re-raise the exception it saw.
    client.raise_request_exception = False
    with _database_down():
        response = client.get("/keluarga/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert 'lang="id"' in html
    assert "tidak dapat menghubungi basis data" in html


def test_database_down_before_the_view_is_503(client, dinsos):
    """The session is read by a middleware before any view: handler500 answers."""
    client.force_login(dinsos)
    client.raise_request_exception = False
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.load",
        side_effect=OperationalError("server closed the connection unexpectedly"),
    ):
        page = client.get("/keluarga/")
        api = client.get("/api/v1/households")
    assert page.status_code == 503
    assert "tidak dapat menghubungi basis data" in page.content.decode()
    assert api.status_code == 503
    assert api.json()["message"].startswith("Layanan sedang tidak dapat")


def test_database_lost_in_a_view_is_503_from_the_middleware(client, dinsos, caplog):
    client.force_login(dinsos)
    with mock.patch(
        "pilar.figures.views.render", side_effect=OperationalError("terminating connection")
    ):
        response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "tidak dapat menghubungi basis data" in response.content.decode()
    # One line, no traceback.
    [record] = [r for r in caplog.records if "Database unavailable" in r.getMessage()]
    assert record.exc_info is None


def test_other_server_errors_stay_500_in_indonesian(client, dinsos):
    client.force_login(dinsos)
    with mock.patch("pilar.figures.views.render", side_effect=RuntimeError("bug")):
        client.raise_request_exception = False
        response = client.get("/")
    assert response.status_code == 500
    assert "Terjadi kesalahan pada server" in response.content.decode()


def test_connections_are_health_checked(settings):
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_outage_before_the_view_is_logged_in_one_line(client, dinsos, caplog):
    client.force_login(dinsos)
    client.raise_request_exception = False
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.load",
        side_effect=OperationalError("connection failed\nIs the server running?"),
    ):
        client.get("/keluarga/")
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is None
    assert record.getMessage() == "Service Unavailable: /keluarga/ (connection failed)"
