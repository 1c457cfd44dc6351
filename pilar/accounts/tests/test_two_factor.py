"""TOTP two-factor login required by the security policy."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from pilar.accounts.models import SecurityPolicy
from pilar.accounts.views import WRONG_CODE

LOGIN = "/akun/masuk/"
SETUP = "/akun/2fa/aktifkan/"
VERIFY = "/akun/2fa/verifikasi/"


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset)
    return f"{code:06d}"


@pytest.fixture
def policy(db):
    policy = SecurityPolicy.current()
    policy.require_2fa_dinsos = True
    policy.require_2fa_admin = True
    policy.save()
    return policy


@pytest.fixture(autouse=True)
def no_throttle(settings):
    # django-otp delays the next try after a wrong code; tests try again at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def password_login(client, username):
    return client.post(LOGIN, {"username": username, "password": "rahasia-123"})


def enrol(client, user) -> TOTPDevice:
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SETUP, {"code": code_for(device), "next": "/"})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_dinsos_is_sent_to_setup_then_reaches_home(client, dinsos, policy):
    response = password_login(client, "dinsos")
    assert response.status_code == 302
    assert response.url.startswith(SETUP)
    # Every other page sends them back to the setup too.
    home = client.get("/")
    assert home.status_code == 302 and home.url.startswith(SETUP)

    page = client.get(SETUP)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "<path" in html
    device = TOTPDevice.objects.get(user=dinsos, confirmed=False)
    assert page.context["secret"].replace(" ", "") in device.config_url

    response = client.post(SETUP, {"code": code_for(device), "next": "/"})
    assert response.status_code == 302 and response.url == "/"
    device.refresh_from_db()
    assert device.confirmed
    home = client.get("/")
    assert home.status_code == 200
    assert home.wsgi_request.user.is_verified()


def test_setup_page_keeps_the_same_secret_on_reload(client, dinsos, policy):
    client.force_login(dinsos)
    first = client.get(SETUP).context["secret"]
    second = client.get(SETUP).context["secret"]
    assert first == second
    assert TOTPDevice.objects.filter(user=dinsos).count() == 1


def test_wrong_code_gives_indonesian_error(client, dinsos, policy):
    client.force_login(dinsos)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=dinsos, confirmed=False)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(SETUP, {"code": wrong})
    assert response.status_code == 200
    assert WRONG_CODE in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/").url.startswith(SETUP)


def test_malformed_code_gives_indonesian_error(client, dinsos, policy):
    client.force_login(dinsos)
    response = client.post(SETUP, {"code": "12ab"})
    assert "Kode verifikasi harus 6 digit angka." in response.content.decode()


def test_enrolled_user_must_verify_at_next_login(client, dinsos, policy):
    password_login(client, "dinsos")
    device = enrol(client, dinsos)
    client.post("/akun/keluar/")

    response = password_login(client, "dinsos")
    assert response.url.startswith(VERIFY)
    assert client.get("/").url.startswith(VERIFY)
    # A password alone must not enrol a second device.
    assert client.get(SETUP).url.startswith(VERIFY)

    bad = client.post(VERIFY, {"code": "000000" if code_for(device, 1) != "000000" else "111111"})
    assert WRONG_CODE in bad.content.decode()
    ok = client.post(VERIFY, {"code": code_for(device, 1), "next": "/psks/"})
    assert ok.status_code == 302 and ok.url == "/psks/"
    assert client.get("/").status_code == 200


def test_django_admin_is_behind_2fa(client, admin_user, policy):
    client.force_login(admin_user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith(SETUP)
    enrol(client, admin_user)
    assert client.get("/admin/").status_code == 200


def test_psm_is_never_asked(client, psm_a, policy):
    response = password_login(client, "psm-a")
    assert response.url == "/"
    assert client.get("/").status_code == 200
    assert not TOTPDevice.objects.filter(user=psm_a).exists()


def test_dinsos_not_asked_when_policy_off(client, dinsos, db):
    assert not SecurityPolicy.current().require_2fa_dinsos
    assert password_login(client, "dinsos").url == "/"
    assert client.get("/").status_code == 200


def test_policy_switched_on_mid_session_applies(client, dinsos, db):
    client.force_login(dinsos)
    assert client.get("/").status_code == 200
    policy = SecurityPolicy.current()
    policy.require_2fa_dinsos = True
    policy.save()
    assert client.get("/").url.startswith(SETUP)


def test_voluntary_device_is_enforced(client, psm_a, db):
    client.force_login(psm_a)
    enrol(client, psm_a)
    client.post("/akun/keluar/")
    response = password_login(client, "psm-a")
    assert response.url.startswith(VERIFY)
    assert client.get("/").url.startswith(VERIFY)


def test_redirect_keeps_the_requested_page(client, dinsos, policy):
    client.force_login(dinsos)
    response = client.get("/psks/?q=siti&page=2")
    assert response.status_code == 302
    assert response.url == SETUP + "?next=%2Fpsks%2F%3Fq%3Dsiti%26page%3D2"
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=dinsos, confirmed=False)
    done = client.post(SETUP, {"code": code_for(device), "next": "/psks/?q=siti&page=2"})
    assert done.url == "/psks/?q=siti&page=2"


def test_two_factor_pages_need_login(client, db):
    for url in (SETUP, VERIFY):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(LOGIN)
