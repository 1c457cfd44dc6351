"""Login lockout behind a trusted reverse proxy locks only the attacker; a per-address
limit stops password spraying across usernames; X-Forwarded-For from an untrusted
client is ignored."""

from __future__ import annotations

import pytest
from django.test import Client

from pilar.accounts.network import client_ip

pytestmark = pytest.mark.django_db

LOGIN = "/akun/masuk/"
PROXY = "10.0.0.5"
ATTACKER = "203.0.113.9"
VICTIM = "198.51.100.7"


@pytest.fixture(autouse=True)
def behind_proxy(settings):
    settings.PILAR_TRUSTED_PROXIES = ["10.0.0.0/24"]
    settings.AXES_FAILURE_LIMIT = 5
    settings.PILAR_LOGIN_ADDRESS_FAILURE_LIMIT = 12


def attempt(username, password, client_address, remote=PROXY, forwarded=None):
    client = Client(REMOTE_ADDR=remote)
    chain = forwarded if forwarded is not None else f"{client_address}, {PROXY}"
    return client.post(
        LOGIN, {"username": username, "password": password}, HTTP_X_FORWARDED_FOR=chain
    )


def test_client_ip_reads_forwarded_only_from_trusted_proxies(rf):
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {ATTACKER}, 10.0.0.9")
    assert client_ip(request) == ATTACKER  # rightmost untrusted hop, not the spoofable left
    spoofed = rf.get("/", REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="9.9.9.9")
    assert client_ip(spoofed) == ATTACKER
    malformed = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="bukan-ip")
    assert client_ip(malformed) == PROXY


def test_lockout_behind_proxy_locks_only_the_attacker(dinsos):
    for _ in range(5):
        attempt("dinsos", "salah-salah", ATTACKER)
    locked = attempt("dinsos", "rahasia-123", ATTACKER)
    assert "dikunci sementara" in locked.content.decode()
    # The real user, through the same proxy, still logs in.
    response = attempt("dinsos", "rahasia-123", VICTIM)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_forged_forwarded_header_does_not_escape_lockout(dinsos, settings):
    settings.PILAR_TRUSTED_PROXIES = []
    for i in range(5):
        attempt("dinsos", "salah-salah", f"1.1.1.{i}", remote=ATTACKER)
    locked = attempt("dinsos", "rahasia-123", "1.1.1.99", remote=ATTACKER)
    assert "dikunci sementara" in locked.content.decode()


def test_password_spraying_across_usernames_is_stopped(dinsos, psm_a):
    # Three tries on each of four accounts: under the per-account limit of five.
    for name in ["a", "b", "c", "d"]:
        for _ in range(3):
            assert attempt(f"user-{name}", "salah", ATTACKER).status_code == 200
    refused = attempt("psm-a", "rahasia-123", ATTACKER)
    assert refused.status_code == 429
    assert "dikunci sementara" in refused.content.decode()
    # Another address is not affected.
    assert attempt("psm-a", "rahasia-123", VICTIM).status_code == 302
