"""`manage.py check --deploy` is clean with the production settings documented in
docs/operations.md (read from the environment as a server would)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

PRODUCTION_ENV = {
    "PILAR_DEBUG": "0",
    "PILAR_SECRET_KEY": secrets.token_urlsafe(50),
    "PILAR_ALLOWED_HOSTS": "pilar.tangerangkota.go.id",
    "PILAR_CSRF_TRUSTED_ORIGINS": "https://pilar.tangerangkota.go.id",
    "PILAR_SECURE_COOKIES": "1",
    "PILAR_SSL_REDIRECT": "1",
    "PILAR_PROXY_SSL_HEADER": "1",
    "PILAR_HSTS_SECONDS": "31536000",
    "PILAR_HSTS_INCLUDE_SUBDOMAINS": "1",
    "PILAR_HSTS_PRELOAD": "1",
    "PILAR_TRUSTED_PROXIES": "127.0.0.1",
    # Never connected to by the checks; set so the embedded server is not started.
    "DATABASE_URL": "postgresql://pilar:x@127.0.0.1:9/pilar",
    "DJANGO_SETTINGS_MODULE": "pilar.settings",
}


def _check(extra: dict) -> subprocess.CompletedProcess:
    env = {**os.environ, **PRODUCTION_ENV, **extra}
    # The browser tests set it in this process (Playwright's sync API); a server never has it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(
        [sys.executable, "-m", "pilar.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _check({})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_flags_missing_https_settings():
    result = _check({"PILAR_HSTS_SECONDS": "0", "PILAR_SSL_REDIRECT": "0"})
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout
    assert "security.W008" in result.stderr + result.stdout
