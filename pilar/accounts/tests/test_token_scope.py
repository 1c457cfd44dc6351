"""API tokens expire and can be narrower than their user (read-only, one part of the
API); the field app's device token is scoped to the field app and issued only after a
complete (2FA) login; issuance and revocation are row history."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from pilar.accounts.choices import TokenApp
from pilar.accounts.models import ApiToken, SecurityPolicy
from pilar.accounts.tests.test_two_factor import code_for
from pilar.conftest import VILLAGE_A, make_kk

pytestmark = pytest.mark.django_db

HOUSEHOLDS = "/api/v1/households"


def auth(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def new_household(client, key):
    body = {
        "no_kk": make_kk(),
        "address": "Jl. Uji 1",
        "rt": "1",
        "rw": "1",
        "kelurahan": VILLAGE_A,
    }
    return client.post(HOUSEHOLDS, json.dumps(body), content_type="application/json", **auth(key))


def test_token_expires(client, dinsos, settings):
    settings.PILAR_TOKEN_DAYS = 90
    token, key = ApiToken.issue(dinsos)
    assert token.expires_at is not None
    assert (
        abs((token.expires_at - timezone.now()) - datetime.timedelta(days=90)).total_seconds() < 60
    )
    assert client.get(HOUSEHOLDS, **auth(key)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get(HOUSEHOLDS, **auth(key))
    assert response.status_code == 401
    assert "kedaluwarsa" in response.json()["message"]


def test_read_only_token_reads_but_cannot_write(client, dinsos):
    _, key = ApiToken.issue(dinsos, read_only=True)
    assert client.get(HOUSEHOLDS, **auth(key)).status_code == 200
    response = new_household(client, key)
    assert response.status_code == 403
    assert "hanya untuk membaca" in response.json()["message"]
    _, full = ApiToken.issue(dinsos)
    assert new_household(client, full).status_code == 201


def test_token_limited_to_one_app(client, dinsos):
    _, key = ApiToken.issue(dinsos, app=TokenApp.PROGRAMS)
    assert client.get("/api/v1/programs", **auth(key)).status_code == 200
    assert client.get("/api/v1/regions/districts", **auth(key)).status_code == 200
    response = client.get(HOUSEHOLDS, **auth(key))
    assert response.status_code == 403
    assert "tidak berlaku" in response.json()["message"]


def test_token_command_options_and_history(dinsos, capsys):
    call_command("token", "create", "dinsos", "--days", "7", "--read-only", "--app", "registri")
    key = capsys.readouterr().out.strip()
    token = ApiToken.objects.get(key_hash=ApiToken.hash_key(key))
    assert token.read_only and token.app == TokenApp.REGISTRY
    assert (token.expires_at - timezone.now()).days == 6
    call_command("token", "revoke", token.prefix)
    events = ApiToken.pgh_event_model.objects.filter(pgh_obj_id=token.pk).order_by("pgh_id")  # type: ignore[attr-defined]
    assert [e.pgh_label for e in events] == ["issued", "changed"]
    assert events[1].revoked_at is not None
    assert events[0].pgh_context.metadata["command"] == "pilar token create"
    # The hash of the key is not copied into the history.
    assert not hasattr(events[0], "key_hash")


def _field_token(client):
    client.cookies["csrftoken"] = "c" * 32
    return client.post(
        "/api/v1/field/token", "{}", content_type="application/json", HTTP_X_CSRFTOKEN="c" * 32
    )


def test_field_token_is_scoped_to_the_field_app(client, psm_a, settings):
    settings.PILAR_FIELD_TOKEN_DAYS = 30
    client.force_login(psm_a)
    response = _field_token(client)
    assert response.status_code == 200, response.content
    key = response.json()["token"]
    token = ApiToken.objects.get(key_hash=ApiToken.hash_key(key))
    assert token.app == TokenApp.FIELD
    assert (token.expires_at - timezone.now()).days == 29
    other = client.__class__()
    assert other.get("/api/v1/reports?mine=true", **auth(key)).status_code == 200
    assert other.get(HOUSEHOLDS, **auth(key)).status_code == 403
    # The field app also checks its PSM in at a training and lists their trainings,
    # but does not manage trainings.
    assert other.get("/api/v1/training/mine", **auth(key)).status_code == 200
    assert other.get("/api/v1/training/events", **auth(key)).status_code == 403


def test_field_token_needs_a_2fa_login_when_psm_must_use_2fa(client, psm_a):
    policy = SecurityPolicy.current()
    policy.require_2fa_psm = True
    policy.save()
    client.post("/akun/masuk/", {"username": "psm-a", "password": "rahasia-123"})
    response = _field_token(client)
    assert response.status_code == 401
    assert "2FA" in response.json()["message"]
    assert not ApiToken.objects.filter(user=psm_a).exists()

    # Enrol and verify: now the device token is handed out.
    client.get("/akun/2fa/aktifkan/")
    device = TOTPDevice.objects.get(user=psm_a)
    client.post("/akun/2fa/aktifkan/", {"code": code_for(device)})
    response = _field_token(client)
    assert response.status_code == 200, response.content


def test_environment_requires_2fa_for_a_role(client, tksk_a, settings):
    settings.PILAR_REQUIRE_2FA_ROLES = ["tksk"]
    assert not SecurityPolicy.current().require_2fa_tksk
    response = client.post("/akun/masuk/", {"username": "tksk-a", "password": "rahasia-123"})
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/2fa/aktifkan/")
    assert client.get("/").status_code == 302
