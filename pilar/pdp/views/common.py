"""Shared by the /pdp/ pages: the role check and finding persons a form names."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from pilar.accounts.models import User
from pilar.accounts.types import AuthedRequest
from pilar.core.errors import InvalidInput
from pilar.pdp.querysets import may_manage
from pilar.registry.models import Person

MSG_NOT_FOUND = "Individu {value} tidak ditemukan di registri wilayah Anda."


def pdp_required(view):
    """Dinas Sosial and admins; every other role gets 403."""

    @login_required
    @wraps(view)
    def wrapper(request: AuthedRequest, *args, **kwargs):
        if not may_manage(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def find_person(user: User, value: str) -> Person | None:
    """A person named by NIK (16 digits) or registry id, through the user's scope:
    out of area is "not found", exactly like a missing one."""
    text = value.strip().lstrip("#")
    if not text.isdigit():
        return None
    qs = Person.objects.restrict(user, "view")
    if len(text) == 16:
        return qs.filter(nik=text, is_active=True).first()
    if len(text) > 12:
        return None
    return qs.filter(pk=int(text)).first()


def find_persons(user: User, field: str, text: str) -> list[Person]:
    """Persons from a comma- or line-separated list; InvalidInput names the ones not found."""
    found, missing = [], []
    for part in text.replace("\n", ",").split(","):
        if not part.strip():
            continue
        person = find_person(user, part)
        if person is None:
            missing.append(part.strip()[:20])
        elif person not in found:
            found.append(person)
    if missing:
        raise InvalidInput({field: [MSG_NOT_FOUND.format(value=", ".join(missing))]})
    return found
