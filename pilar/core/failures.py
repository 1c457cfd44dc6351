"""Request failures that are the client's or the database's, not a bug: which status
and Indonesian message each gets. One table shared by the API's exception handlers
(pilar/api.py), the middleware and the page error handlers (pilar/core/views.py), so a
malformed multipart body, an oversized body or a database outage is answered the same
way whichever layer meets it first (architecture.md, pattern 10)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import InterfaceError, OperationalError
from django.http.multipartparser import MultiPartParserError

# Seconds a client should wait before retrying while the database is unreachable.
RETRY_AFTER_SECONDS = 30

MSG_MULTIPART = (
    "Isi permintaan multipart/form-data tidak dapat dibaca (batas/boundary tidak ada atau rusak)."
)
MSG_TOO_MANY_FIELDS = "Permintaan berisi terlalu banyak kolom atau berkas."
MSG_DB_DOWN = "Layanan sedang tidak dapat menghubungi basis data. Coba lagi beberapa saat lagi."


def too_big_message() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    megabytes = f"{limit / (1024 * 1024):.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"Isi permintaan terlalu besar (maksimal {megabytes} MB)."


@dataclass(frozen=True)
class Failure:
    status: int
    message: str

    @property
    def retry_after(self) -> int | None:
        return RETRY_AFTER_SECONDS if self.status == 503 else None


def is_database_unavailable(exc: BaseException) -> bool:
    """A lost or refused database connection (server stopped, restarting, network).
    OperationalError also covers a cancelled statement or a lock timeout: transient
    too, so a retry is the right advice."""
    return isinstance(exc, OperationalError | InterfaceError)


# The exception types `classify` answers (for the API's exception handlers).
FAILURE_TYPES = (
    MultiPartParserError,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    OperationalError,
    InterfaceError,
)


def classify(exc: BaseException | None) -> Failure | None:
    """The answer for `exc`, or None when it is a bug (a real 500)."""
    if exc is None:
        return None
    if isinstance(exc, MultiPartParserError):
        return Failure(400, MSG_MULTIPART)
    if isinstance(exc, RequestDataTooBig):
        return Failure(413, too_big_message())
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return Failure(413, MSG_TOO_MANY_FIELDS)
    if is_database_unavailable(exc):
        return Failure(503, MSG_DB_DOWN)
    return None


def one_line(exc: BaseException) -> str:
    """The first line of an exception's message (psycopg's run over several)."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


class QuietDatabaseOutage(logging.Filter):
    """On `django.request`: a 503 for a lost database (raised by a middleware, answered
    by handler500) is logged as one line, not a traceback per request while the
    database is down."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if getattr(record, "status_code", None) == 503 and exc and is_database_unavailable(exc):
            # django.request logs ("%s: %s", reason, path).
            args = record.args if isinstance(record.args, tuple) else ()
            record.msg = "%s: %s (%s)"
            record.args = (*args[:2], *([""] * (2 - len(args[:2]))), one_line(exc))
            record.exc_info = None
            record.exc_text = None
        return True


class OneLineRefusals(logging.Filter):
    """On `django.request`: an expected refusal (a 4xx: permission denied, not found,
    a bad request) is one warning line with its reason, not a traceback. Only real
    server errors (5xx other than a lost database) keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None) or 0
        if 400 <= status < 500 and record.exc_info:
            exc = record.exc_info[1]
            reason = one_line(exc) if exc is not None and str(exc) else ""
            if reason:
                record.msg = f"{record.msg} (%s)"
                record.args = (*(record.args if isinstance(record.args, tuple) else ()), reason)
            record.exc_info = None
            record.exc_text = None
        return True
