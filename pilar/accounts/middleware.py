"""Enforce TOTP two-factor login for the roles the security policy names."""

from django.shortcuts import redirect
from django.urls import reverse

EXEMPT_PREFIXES = ("/akun/", "/static/", "/api/")


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not user.is_verified()
        ):
            from pilar.accounts.models import SecurityPolicy

            if SecurityPolicy.current().requires_2fa(user):
                from django_otp import devices_for_user

                if any(True for _ in devices_for_user(user, confirmed=True)):
                    return redirect(reverse("accounts:otp_verify") + f"?next={request.path}")
                return redirect(reverse("accounts:otp_setup"))
        return self.get_response(request)
