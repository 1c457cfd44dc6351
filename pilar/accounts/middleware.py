"""Enforce TOTP two-factor login for the roles the security policy names, and for
anyone who enrolled a device of their own accord (an enrolled device that is
never asked for would be a false sense of security); and the idle session timeout
(IdleTimeoutMiddleware)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import devices_for_user

from pilar.accounts.models import SecurityPolicy

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

# /akun/ holds login, logout and the 2FA pages themselves; the API authenticates
# with bearer tokens, not sessions.
EXEMPT_PREFIXES = ("/akun/", "/static/", "/api/")

# Session key caching whether the logged-in user has a confirmed TOTP device:
# [user pk, bool]. Filled at login (signal below) so ordinary page views do not
# pay an extra query; refreshed when a device is confirmed.
SESSION_HAS_DEVICE = "pilar_2fa_device"


def _query_has_device(user: User) -> bool:

    return any(True for _ in devices_for_user(user, confirmed=True))


def remember_device(request, user: User, has_device: bool) -> None:
    request.session[SESSION_HAS_DEVICE] = [user.pk, bool(has_device)]


def has_confirmed_device(request, user: User) -> bool:
    cached = request.session.get(SESSION_HAS_DEVICE)
    if isinstance(cached, list) and len(cached) == 2 and cached[0] == user.pk:
        return bool(cached[1])
    has_device = _query_has_device(user)
    remember_device(request, user, has_device)
    return has_device


def pending_step(request) -> str | None:
    """ "setup" or "verify" when the logged-in user must pass 2FA first, else None."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return None

    required = SecurityPolicy.current().requires_2fa(user)
    has_device = has_confirmed_device(request, user)
    if has_device:
        return "verify"
    return "setup" if required else None


def step_url(step: str, next_url: str = "") -> str:
    url = reverse("accounts:otp_setup" if step == "setup" else "accounts:otp_verify")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class TwoFactorRequiredMiddleware:
    """Redirects a password-only session to the 2FA setup or verification page
    before any page (the Django admin included) is served."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(EXEMPT_PREFIXES):
            step = pending_step(request)
            if step is not None:
                return redirect(step_url(step, request.get_full_path()))
        return self.get_response(request)


def _on_login(sender, request, user: User, **kwargs):
    # Cache the device check in the fresh session (see SESSION_HAS_DEVICE).
    if request is not None and hasattr(request, "session"):
        remember_device(request, user, _query_has_device(user))


def connect_signals() -> None:

    user_logged_in.connect(_on_login, dispatch_uid="pilar.accounts.2fa_device_cache")


# Session key: when the session was last used (epoch seconds), for the idle timeout.
SESSION_LAST_SEEN = "pilar_last_seen"
# Refresh the stamp at most this often, so each page view does not write the session.
LAST_SEEN_GRANULARITY = 60
IDLE_MESSAGE = "Sesi Anda berakhir karena tidak ada aktivitas. Silakan masuk kembali."


class IdleTimeoutMiddleware:
    """Logs out a session unused for PILAR_IDLE_MINUTES (a shared office computer left
    open): pages go to the login page with a notice, the API answers 401."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.PILAR_IDLE_MINUTES * 60
        user = getattr(request, "user", None)
        if limit and user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last_seen = request.session.get(SESSION_LAST_SEEN)
            if isinstance(last_seen, int) and now - last_seen > limit:
                logout(request)
                if request.path.startswith("/api/"):
                    # A bearer token is not a session: let the API authenticate it.
                    if not request.headers.get("Authorization"):
                        return JsonResponse({"message": IDLE_MESSAGE}, status=401)
                else:
                    messages.info(request, IDLE_MESSAGE)
                    query = urlencode({"next": request.get_full_path()})
                    return redirect(f"{reverse(settings.LOGIN_URL)}?{query}")
            elif not isinstance(last_seen, int) or now - last_seen >= LAST_SEEN_GRANULARITY:
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)
