"""Writes of the accounts app that more than one door uses (admin, commands)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from pilar.accounts.models import ApiToken, User


def deactivate_users(users) -> int:
    """Deactivate ``users`` (a queryset) and revoke their API tokens. Users are never
    deleted: the access log and the history keep naming them. Returns how many were
    active."""
    with transaction.atomic():
        ids = list(users.filter(is_active=True).values_list("pk", flat=True))
        # One save per user so the row history (accounts_userevent) records each.
        for user in User.objects.filter(pk__in=ids):
            user.is_active = False
            user.save(update_fields=["is_active"])
        ApiToken.objects.filter(user_id__in=ids, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    return len(ids)
