"""The API's rate limit: PILAR_API_RATE_PER_MINUTE requests per minute per caller
(the bearer token, else the login session's user, else the client's address), counted
in fixed one-minute windows in Django's cache. Beyond it: 429 with Retry-After (the
seconds left in the window) and an Indonesian JSON message.

The cache is per web process by default (`pilar serve` is one process with threads);
a deployment with several web processes or machines configures a shared cache
(docs/operations.md) or accepts a limit that many times higher.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse

from pilar.accounts.network import client_ip

API_PREFIX = "/api/"
WINDOW = 60
MSG_RATE = "Terlalu banyak permintaan ke API. Coba lagi dalam {seconds} detik."


def caller_key(request) -> str:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer ") and header[7:].strip():
        # A hash, not the token: cache keys may be visible to whoever runs the cache.
        return "t:" + hashlib.sha256(header[7:].strip().encode()).hexdigest()[:32]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u:{user.pk}"
    return f"a:{client_ip(request) or '-'}"


def hit(key: str, limit: int, now: float | None = None) -> int | None:
    """Count one request of ``key``; None if allowed, else the seconds to wait."""
    now = time.time() if now is None else now
    window = int(now // WINDOW)
    cache_key = f"pilar-api-rate:{key}:{window}"
    cache.add(cache_key, 0, WINDOW * 2)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # evicted between add and incr
        cache.set(cache_key, 1, WINDOW * 2)
        count = 1
    if count <= limit:
        return None
    return max(1, int((window + 1) * WINDOW - now))


class ApiRateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.PILAR_API_RATE_PER_MINUTE
        if limit and request.path.startswith(API_PREFIX):
            wait = hit(caller_key(request), limit)
            if wait is not None:
                response = JsonResponse({"message": MSG_RATE.format(seconds=wait)}, status=429)
                response["Retry-After"] = str(wait)
                return response
        return self.get_response(request)
