"""Every response carries the Content-Security-Policy and no-store; no template has
inline script or an inline event handler (the policy would block it), whoever wrote
the template."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pilar.accounts.models import ApiToken
from pilar.core.security import DEFAULT_CSP

ROOT = Path(__file__).resolve().parents[2]
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def templates():
    return sorted(p for p in ROOT.rglob("*.html") if ".venv" not in p.parts)


def test_templates_have_no_inline_script_or_handlers():
    problems = []
    for path in templates():
        text = path.read_text()
        for match in SCRIPT_TAG.finditer(text):
            attrs = match.group(1)
            if "src=" in attrs or 'type="application/json"' in attrs:
                continue
            problems.append(f"{path.relative_to(ROOT)}: inline <script{attrs}>")
        for pattern in (HANDLER, JS_URL):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{path.relative_to(ROOT)}:{line}: {match.group(0).strip()}")
    assert not problems, "\n".join(problems)


def test_policy_allows_only_own_scripts():
    directives = dict(d.strip().split(" ", 1) for d in DEFAULT_CSP.split(";"))
    assert directives["script-src"] == "'self'"
    assert "unsafe-eval" not in DEFAULT_CSP
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/keluarga/", "/akun/masuk/", "/lapangan/"])
def test_pages_carry_csp_and_no_store(client, dinsos, household_a, path):
    client.force_login(dinsos)
    response = client.get(path)
    assert response.status_code in (200, 302)
    assert response["Content-Security-Policy"] == DEFAULT_CSP
    if path != "/lapangan/":  # the field app shell: no-cache (its service worker keeps it)
        assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_api_answers_are_not_stored(client, dinsos, household_a):
    _, key = ApiToken.issue(dinsos)
    response = client.get("/api/v1/households", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
