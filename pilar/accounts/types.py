"""Types for annotating views, endpoints and actions.

django-stubs types `HttpRequest.user` as `User | AnonymousUser`; behind
`login_required` (or the API's authentication) it is always Pilar's `User`, and
annotating the request with these subclasses says so to mypy. They are never
instantiated: Django builds the request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:  # accounts.models imports Django models: not needed at run time here
    from pilar.accounts.models import User


class AuthedRequest(HttpRequest):
    """A page request from a logged-in user."""

    user: User


class ApiRequest(HttpRequest):
    """An API request after authentication: `auth` (and `user`) is the acting user."""

    auth: User
    user: User
