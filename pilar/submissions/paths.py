"""Field paths: one name for one proposed value, used by errors, per-field return
reasons, the review table and conflict resolutions (see schemas.py)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from pilar.core.errors import InvalidInput

# Action field names that differ from the payload's.
ACTION_TO_PAYLOAD = {"village": "kelurahan"}


def prefixed(exc: InvalidInput, prefix: str) -> dict[str, list[str]]:
    """An action's errors ({'nik': [...]}) under a path prefix ('member.0.')."""
    out: dict[str, list[str]] = {}
    for field, messages in exc.errors.items():
        name = ACTION_TO_PAYLOAD.get(field, field)
        key = prefix.rstrip(".") if name == "__all__" else prefix + name
        out.setdefault(key, []).extend(messages)
    return out


def norm(value: Any) -> str:
    """A comparable text form of a value (registry attribute or JSON payload value)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return format(Decimal(str(value)).normalize(), "f")
    if isinstance(value, (list, tuple)):
        return ",".join(sorted(norm(v) for v in value))
    if hasattr(value, "pk"):
        return str(value.pk)
    text = str(value).strip()
    try:  # "106.630000" and "106.63" are the same coordinate
        if text and text.replace(".", "", 1).lstrip("-").isdigit() and "." in text:
            return format(Decimal(text).normalize(), "f")
    except ArithmeticError:
        pass
    return text


def is_masked(value: Any) -> bool:
    return isinstance(value, str) and "*" in value
