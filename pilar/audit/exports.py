"""A list's export as every list page offers it: counted, written to the access log
(who, the list's filter, the format, how many rows) and streamed as XLSX or CSV."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpResponse

from pilar.accounts.types import AuthedRequest
from pilar.audit.actions import log_access
from pilar.audit.models import AccessAction
from pilar.core import withheld
from pilar.core.tables import CHUNK_SIZE, Column, download_response

FORMATS = ("xlsx", "csv")


def logged_download(
    request: AuthedRequest,
    fmt: str,
    *,
    queryset: QuerySet,
    filters: dict[str, Any],
    columns: list[Column],
    object_type: str,
    name: str,
    sheet_name: str = "",
    rows: Iterable[Any] | None = None,
    extra: dict[str, Any] | None = None,
    left_out: int = 0,
) -> HttpResponse:
    """`rows` defaults to the queryset itself, fetched in chunks; pass them when the
    export adds annotations. Counted once, before streaming, so the log holds the
    number of rows sent. `left_out`: rows of restricted persons the caller took out
    of `queryset` (logged, sent as a header and told to the user)."""
    if fmt not in FORMATS:
        raise Http404
    n = queryset.count()
    log_access(
        user=request.user,
        action=AccessAction.EXPORT,
        object_type=object_type,
        request=request,
        extra={
            "filter": filters,
            "format": fmt,
            "rows": n,
            **(extra or {}),
            **withheld.log_extra(left_out),
        },
    )
    if rows is None:
        rows = queryset.iterator(chunk_size=CHUNK_SIZE)
    elif isinstance(rows, QuerySet):
        rows = rows.iterator(chunk_size=CHUNK_SIZE)
    response = download_response(
        fmt, columns, rows, name=name, sheet_name=sheet_name or name.capitalize()
    )
    return withheld.tell(request, response, left_out)
