"""`pilar token create|list|revoke`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from pilar.accounts.models import ApiToken


def run(*args, **kwargs) -> str:
    out = StringIO()
    call_command("token", *args, stdout=out, **kwargs)
    return out.getvalue()


def test_create_prints_only_the_token(mitra):
    output = run("create", "mitra", "--name", "SIKS-NG")
    lines = output.splitlines()
    assert len(lines) == 1
    key = lines[0]
    assert key.startswith("plr_")
    token = ApiToken.objects.get(user=mitra)
    assert token.name == "SIKS-NG"
    assert token.key_hash == ApiToken.hash_key(key)
    assert token.prefix == key[:8]
    # Only the hash is stored.
    assert key not in (token.key_hash, token.prefix, token.name)


def test_create_with_keyword_name(dinsos):
    key = run("create", "dinsos", name="laporan").strip()
    assert ApiToken.objects.get(key_hash=ApiToken.hash_key(key)).name == "laporan"


def test_unknown_user_is_an_indonesian_error(db):
    with pytest.raises(CommandError, match="Pengguna 'tidak-ada' tidak ditemukan"):
        run("create", "tidak-ada")
    with pytest.raises(CommandError, match="tidak ditemukan"):
        run("list", "tidak-ada")
    assert not ApiToken.objects.exists()


def test_inactive_user_gets_no_token(mitra):
    mitra.is_active = False
    mitra.save()
    with pytest.raises(CommandError, match="tidak aktif"):
        run("create", "mitra")
    assert not ApiToken.objects.exists()


def test_list_shows_prefixes_not_keys(mitra):
    key1 = run("create", "mitra", "--name", "satu").strip()
    key2 = run("create", "mitra", "--name", "dua").strip()
    output = run("list", "mitra")
    assert key1[:8] in output and key2[:8] in output
    assert key1 not in output and key2 not in output
    assert "satu" in output and "dua" in output and "aktif" in output


def test_list_without_tokens(mitra):
    assert "belum memiliki token" in run("list", "mitra")


def test_revoke_by_prefix(mitra):
    key = run("create", "mitra").strip()
    other = run("create", "mitra").strip()
    output = run("revoke", key[:8])
    assert "dicabut" in output
    assert ApiToken.objects.get(prefix=key[:8]).revoked_at is not None
    assert ApiToken.objects.get(prefix=other[:8]).revoked_at is None
    assert "dicabut" in run("list", "mitra")
    with pytest.raises(CommandError, match="tidak ditemukan"):
        run("revoke", key[:8])


def test_revoke_unknown_prefix(db):
    with pytest.raises(CommandError, match="tidak ditemukan"):
        run("revoke", "plr_zzzz")
