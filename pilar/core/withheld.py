"""Telling the user that an export left rows out: persons whose processing is
restricted (UU 27/2022 art. 11, decision 43). Used by every download, the logged list
exports (pilar.audit.exports) and the exports that log themselves."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse

from pilar.core.formatting import format_int

HEADER = "X-Pilar-Dibatasi-Tidak-Diekspor"


def message(n: int) -> str:
    return f"{format_int(n)} individu dibatasi pemrosesannya tidak diekspor (UU 27/2022)."


def log_extra(left_out: int) -> dict[str, int]:
    """What the access log records (nothing when none was left out)."""
    return {"restricted_left_out": left_out} if left_out else {}


def tell(request: HttpRequest, response: HttpResponse, left_out: int) -> HttpResponse:
    """Say how many were left out: a header on the download and a message on the
    next page."""
    response[HEADER] = str(left_out)
    if left_out:
        messages.warning(request, message(left_out))
    return response
