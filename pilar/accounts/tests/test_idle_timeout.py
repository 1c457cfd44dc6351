"""A session unused for PILAR_IDLE_MINUTES is logged out."""

from __future__ import annotations

import time

import pytest

from pilar.accounts.middleware import SESSION_LAST_SEEN

pytestmark = pytest.mark.django_db


def _age_session(client, seconds):
    session = client.session
    session[SESSION_LAST_SEEN] = int(time.time()) - seconds
    session.save()


def test_idle_session_is_logged_out(client, dinsos, settings):
    settings.PILAR_IDLE_MINUTES = 30
    client.force_login(dinsos)
    assert client.get("/").status_code == 200
    _age_session(client, 29 * 60)
    assert client.get("/").status_code == 200  # used within the limit: still in
    _age_session(client, 31 * 60)
    response = client.get("/keluarga/")
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/masuk/?next=")
    page = client.get(response["Location"]).content.decode()
    assert "tidak ada aktivitas" in page
    assert client.get("/").status_code == 302  # the session is gone


def test_idle_api_session_gets_401_json(client, dinsos, settings):
    settings.PILAR_IDLE_MINUTES = 30
    client.force_login(dinsos)
    client.get("/api/v1/households")
    _age_session(client, 31 * 60)
    response = client.get("/api/v1/households")
    assert response.status_code == 401
    assert "tidak ada aktivitas" in response.json()["message"]
