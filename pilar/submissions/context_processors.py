"""Navbar data of the submission pages: the unread-notification count (one COUNT on
the partial index `notif_unread`, run only when a template reads it) and whether
the optional verivali steps are switched on."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings

from pilar.submissions.models import Notification


def submissions(request) -> dict:
    user = getattr(request, "user", None)
    out: dict[str, Any] = {
        "VERIVALI_MUSYAWARAH": settings.PILAR_VERIVALI_MUSYAWARAH,
        "VERIVALI_SK": settings.PILAR_VERIVALI_SK,
    }
    if user is None or not user.is_authenticated:
        return out

    @cache
    def unread() -> int:
        return Notification.objects.filter(user=user, read_at__isnull=True).count()

    out["unread_notifications"] = unread
    return out
