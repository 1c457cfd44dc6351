"""Password login, hashing and django-axes lockout."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from pilar import settings as production
from pilar.accounts.forms import INVALID_LOGIN

LOGIN = "/akun/masuk/"


def test_production_hashers_start_with_argon2():
    # The test settings swap in MD5 for speed; production must hash with argon2.

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_login_urls():
    assert reverse("accounts:login") == LOGIN
    assert reverse("accounts:logout") == "/akun/keluar/"


def test_login_page_is_indonesian(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nama pengguna" in html and "Kata sandi" in html and "Masuk" in html


def test_login_success_redirects_home_and_sets_session(client, psm_a):
    response = client.post(LOGIN, {"username": "psm-a", "password": "rahasia-123"})
    assert response.status_code == 302
    assert response.url == "/"
    assert int(client.session["_auth_user_id"]) == psm_a.pk


def test_login_honours_safe_next_only(client, psm_a):
    ok = client.post(LOGIN + "?next=/psks/", {"username": "psm-a", "password": "rahasia-123"})
    assert ok.url == "/psks/"
    client.logout()
    evil = client.post(
        LOGIN, {"username": "psm-a", "password": "rahasia-123", "next": "https://evil.example/"}
    )
    assert evil.url == "/"


@pytest.mark.parametrize("username", ["psm-a", "tidak-ada"])
def test_wrong_credentials_same_indonesian_message(client, psm_a, username):
    response = client.post(LOGIN, {"username": username, "password": "salah"})
    assert response.status_code == 200
    assert INVALID_LOGIN in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_inactive_user_cannot_log_in(client, psm_a):
    psm_a.is_active = False
    psm_a.save()
    response = client.post(LOGIN, {"username": "psm-a", "password": "rahasia-123"})
    assert INVALID_LOGIN in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_after_five_failures_refuses_right_password(client, psm_a):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _attempt in range(4):
        response = client.post(LOGIN, {"username": "psm-a", "password": "salah"})
        assert response.status_code == 200
    fifth = client.post(LOGIN, {"username": "psm-a", "password": "salah"})
    assert fifth.status_code == 429
    attempt = AccessAttempt.objects.get(username="psm-a")
    assert attempt.failures_since_start == 5

    sixth = client.post(LOGIN, {"username": "psm-a", "password": "rahasia-123"})
    assert sixth.status_code == 429
    html = sixth.content.decode()
    assert "Akun dikunci sementara" in html
    assert "30 menit" in html
    # Nothing leaks: no session, no hint whether the password was right.
    assert "_auth_user_id" not in client.session
    assert INVALID_LOGIN not in html
    assert "rahasia-123" not in html
    assert "benar" not in html.lower()
    # The home page still wants a login.
    home = client.get("/")
    assert home.status_code == 302 and home.url.startswith(LOGIN)


def test_lockout_page_is_the_same_for_unknown_users(client, db):
    for _attempt in range(5):
        client.post(LOGIN, {"username": "hantu", "password": "salah"})
    response = client.post(LOGIN, {"username": "hantu", "password": "apa-saja"})
    assert response.status_code == 429
    assert "Akun dikunci sementara" in response.content.decode()


def test_lockout_is_per_username(client, psm_a, psm_b):
    for _attempt in range(5):
        client.post(LOGIN, {"username": "psm-a", "password": "salah"})
    response = client.post(LOGIN, {"username": "psm-b", "password": "rahasia-123"})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == psm_b.pk


def test_success_resets_failure_count(client, psm_a):
    for _attempt in range(3):
        client.post(LOGIN, {"username": "psm-a", "password": "salah"})
    client.post(LOGIN, {"username": "psm-a", "password": "rahasia-123"})
    assert not AccessAttempt.objects.filter(username="psm-a").exists()


def test_admin_login_is_counted_by_axes_too(client, admin_user):
    for _attempt in range(5):
        client.post("/admin/login/", {"username": "admin", "password": "salah"})
    response = client.post("/admin/login/", {"username": "admin", "password": "rahasia-123"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_logout_is_post_only(client, psm_a):
    client.force_login(psm_a)
    assert client.get("/akun/keluar/").status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post("/akun/keluar/")
    assert response.status_code == 302 and response.url == LOGIN
    assert "_auth_user_id" not in client.session


def test_spoofed_forwarded_for_does_not_escape_lockout(client, psm_a):
    # Axes keys on REMOTE_ADDR (django-ipware is not installed), so a client
    # cannot reset its counter by inventing X-Forwarded-For headers.
    for attempt in range(5):
        client.post(
            LOGIN,
            {"username": "psm-a", "password": "salah"},
            HTTP_X_FORWARDED_FOR=f"10.0.0.{attempt}",
        )
    response = client.post(
        LOGIN,
        {"username": "psm-a", "password": "rahasia-123"},
        HTTP_X_FORWARDED_FOR="10.9.9.9",
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
