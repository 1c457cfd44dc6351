"""The API answers 429 with Retry-After and an Indonesian JSON message beyond
PILAR_API_RATE_PER_MINUTE requests per caller."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from pilar.accounts.models import ApiToken
from pilar.core.ratelimit import hit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_api_rate_limit_per_token(client, dinsos, psm_a, settings):
    settings.PILAR_API_RATE_PER_MINUTE = 3
    _, key = ApiToken.issue(dinsos)
    _, other = ApiToken.issue(psm_a)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    statuses = [client.get("/api/v1/regions/districts", **headers).status_code for _ in range(4)]
    if statuses[-1] != 429:  # the minute turned over between requests: try once more
        cache.clear()
        statuses = [
            client.get("/api/v1/regions/districts", **headers).status_code for _ in range(4)
        ]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/regions/districts", **headers)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Terlalu banyak permintaan" in response.json()["message"]
    # Another caller has its own budget; pages are not limited.
    assert (
        client.get("/api/v1/regions/districts", HTTP_AUTHORIZATION=f"Bearer {other}").status_code
        == 200
    )


def test_window_arithmetic():
    assert hit("k", 2, now=120.0) is None
    assert hit("k", 2, now=130.0) is None
    assert hit("k", 2, now=150.5) == 29
    assert hit("k", 2, now=180.0) is None  # a new minute
