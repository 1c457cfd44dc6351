"""Shared set-up for the field app's browser tests (Playwright + Debian's Chromium).

`live_server` needs a transactional database, and its flush after each test empties
every table, including the reference data the migrations loaded (regions, PPKS
and PSKS types); pilar/conftest.py puts it back before the next test.
"""

from __future__ import annotations

import io
import os
import random

import pytest
from PIL import Image

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "rahasia-123"


def require_chromium():
    # CI sets PILAR_REQUIRE_BROWSER=1: there a missing browser is a failure, not a skip.
    required = os.environ.get("PILAR_REQUIRE_BROWSER") == "1"

    def missing(reason: str, allow_module_level: bool = True):
        if required:
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason, allow_module_level=allow_module_level)

    if not os.path.exists(CHROMIUM):
        missing(
            f"{CHROMIUM} not found: install Debian's chromium package (apt-get install chromium) "
            "to run the field app's browser tests",
            allow_module_level=True,
        )
    try:  # an optional test dependency: its absence skips (or fails) the browser tests
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing(
            "playwright is not installed (make install, or pip install -e .[test])",
            allow_module_level=True,
        )


def jpeg_bytes(width: int = 2400, height: int = 1800) -> bytes:
    """A noisy photo-like JPEG larger than the app's 1280 px limit."""
    rng = random.Random(7)
    small = Image.new("RGB", (64, 48))
    small.putdata(
        [(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(64 * 48)]
    )
    image = small.resize((width, height), Image.Resampling.BICUBIC)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


def launch(playwright):
    return playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
    )


def login(
    page, base_url: str, username: str, password: str = PASSWORD, next_url: str = "/lapangan/"
) -> None:
    page.goto(f"{base_url}/akun/masuk/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"**{next_url}**")
