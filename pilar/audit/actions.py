"""Writes of the audit app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pilar.accounts.network import client_ip
from pilar.audit.models import AccessAction, AccessLog
from pilar.core.disclosure import note_logged

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User


def log_access(
    *,
    user: User | None,
    action: AccessAction | str,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    reason: str = "",
    request=None,
    extra: dict | None = None,
) -> AccessLog:
    note_logged()  # this request's access is on record: no second, generic entry
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AccessLog.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        reason=reason[:300],
        path=(request.path[:300] if request is not None else ""),
        ip_address=client_ip(request),
        extra=extra or {},
    )
