"""The error pages (pilar/urls.py handler400/403/404/500): Indonesian, JSON under /api/."""

from __future__ import annotations

import sys

from django.http import HttpRequest

from pilar.core.failures import Failure, classify
from pilar.core.middleware import API_PREFIX, MESSAGES, failure_response

MSG_BAD_REQUEST = "Permintaan tidak dapat diproses."
MSG_FORBIDDEN = "Anda tidak memiliki akses ke halaman ini."
MSG_NOT_FOUND = "Halaman atau data tidak ditemukan."
MSG_SERVER = "Terjadi kesalahan pada server. Kejadian ini sudah dicatat."


# Error handlers (pilar/urls.py) ---------------------------------------------------------


def bad_request(request: HttpRequest, exception=None):
    """handler400: an unreadable multipart body stays 400, an oversized one (or too many
    fields) is 413; JSON under /api/, an Indonesian page elsewhere."""
    failure = classify(exception) or Failure(400, MSG_BAD_REQUEST)
    return failure_response(request, failure)


def permission_denied(request: HttpRequest, exception=None):
    # The views' own reasons ("you cannot verify your own report") are Indonesian.
    return failure_response(request, Failure(403, str(exception or "") or MSG_FORBIDDEN))


def page_not_found(request: HttpRequest, exception=None):
    api = request.path.startswith(API_PREFIX)
    return failure_response(request, Failure(404, MESSAGES[404] if api else MSG_NOT_FOUND))


def server_error(request: HttpRequest):
    """handler500. Django calls it inside its `except`, so the exception is at hand: a
    lost database (raised by a middleware before any view) is a 503 with Retry-After."""
    failure = classify(sys.exc_info()[1]) or Failure(500, MSG_SERVER)
    return failure_response(request, failure)
