"""A built document as a file: bytes in memory (recaps are small: tens of rows),
handed out as an attachment and written to the access log first."""

from __future__ import annotations

import io
from typing import Any

from django.http import FileResponse

from pilar.accounts.types import AuthedRequest
from pilar.audit.actions import log_access
from pilar.audit.models import AccessAction
from pilar.core.documents.letterhead import letterhead
from pilar.core.documents.model import Document
from pilar.core.documents.pdf import write_pdf
from pilar.core.documents.xlsx import write_xlsx
from pilar.core.tables import XLSX_TYPE

FORMATS = {"xlsx": XLSX_TYPE, "pdf": "application/pdf"}


def render(doc: Document, fmt: str) -> bytes:
    out = io.BytesIO()
    (write_pdf if fmt == "pdf" else write_xlsx)(doc, letterhead(), out)
    return out.getvalue()


def download(
    request: AuthedRequest, doc: Document, fmt: str, *, object_type: str, extra: dict[str, Any]
) -> FileResponse:
    """The document as an attachment, logged as an export (who, which recap, area,
    month, format)."""
    data = render(doc, fmt)
    log_access(
        user=request.user,
        action=AccessAction.EXPORT,
        object_type=object_type,
        object_id=doc.slug[:50],
        request=request,
        extra={**extra, "format": fmt, "bytes": len(data)},
    )
    return FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=f"{doc.slug}.{fmt}",
        content_type=FORMATS[fmt],
    )
