"""Settings for the test suite: a throw-away embedded PostgreSQL unless DATABASE_URL is set."""

import os
import tempfile
from pathlib import Path

if not os.environ.get("DATABASE_URL"):
    os.environ.setdefault("PILAR_PGDATA", tempfile.mkdtemp(prefix="pilar-test-pg-"))
    os.environ.setdefault("PILAR_PGDATA_THROWAWAY", "1")

from pilar.settings import *  # noqa: E402,F403

# Argon2 is deliberately slow; tests create many users. Production order is
# asserted in accounts/tests/test_login.py.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = True

# WhiteNoise warns once per test client when STATIC_ROOT does not exist.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

# Tasks run inside the test that enqueues them.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Field packages cached during the suite go to a throw-away folder.
PILAR_CACHE_DIR = Path(tempfile.mkdtemp(prefix="pilar-test-cache-"))

# Uploaded import files go to a throw-away folder.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="pilar-test-media-"))

# The API rate limit counts per minute in the process's cache; the suite (the
# schemathesis run above all) would trip it. Its own test switches it on.
PILAR_API_RATE_PER_MINUTE = 0
