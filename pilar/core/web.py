"""Page tools shared by every app's views: access decorators, the page size, and
running an action from a form."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from pilar.accounts.types import AuthedRequest
from pilar.core.errors import InvalidInput, NotAllowed
from pilar.core.forms import apply_errors

PAGE_SIZE = 25

T = TypeVar("T")


def people_required(view):
    """Logged-in users whose role may see person data (not `mitra`)."""

    @login_required
    @wraps(view)
    def wrapper(request: AuthedRequest, *args, **kwargs):
        if not request.user.can_see_people:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def editor_required(view):
    """Logged-in users whose role may write (not `pimpinan`, not `mitra`)."""

    @login_required
    @wraps(view)
    def wrapper(request: AuthedRequest, *args, **kwargs):
        if not request.user.can_edit:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def run_action(
    form: Any, call: Callable[[], T], field_map: dict[str, str] | None = None
) -> tuple[T | None, bool]:
    """Run an action for a bound form: `(result, True)`, or `(None, False)` with the
    action's InvalidInput put on the form's fields. Out of scope (NotAllowed) is a
    404, exactly like a missing object."""
    try:
        return call(), True
    except InvalidInput as exc:
        apply_errors(form, exc, field_map)
    except NotAllowed:
        raise Http404 from None
    return None, False
