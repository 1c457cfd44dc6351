"""Login, logout and TOTP two-factor pages."""

from __future__ import annotations

import base64
import datetime
import re

import django_otp
import qrcode
import qrcode.image.svg
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, LogoutView
from django.db import transaction
from django.db.models import Sum
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from pilar.accounts.forms import LoginForm, OtpCodeForm
from pilar.accounts.middleware import pending_step, remember_device, step_url
from pilar.accounts.models import SecurityPolicy
from pilar.accounts.network import client_ip
from pilar.accounts.types import AuthedRequest
from pilar.regions.deployment import region_code
from pilar.regions.models import Regency

WRONG_CODE = "Kode verifikasi salah atau sudah kedaluwarsa. Periksa jam ponsel Anda lalu coba lagi."
THROTTLED = "Terlalu banyak kode yang salah. Tunggu beberapa detik, lalu coba lagi."


def home_url() -> str:
    try:
        return reverse(settings.LOGIN_REDIRECT_URL)
    except NoReverseMatch:
        return "/"


def safe_next(request) -> str:
    """The `next` parameter if it points into this site, else the start page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return home_url()


def address_locked(request) -> bool:
    """Whether the client's address reached PILAR_LOGIN_ADDRESS_FAILURE_LIMIT failed
    logins across all usernames within the cool-off time (password spraying: a few
    tries on each of many accounts stays under the per-account lockout)."""
    limit = settings.PILAR_LOGIN_ADDRESS_FAILURE_LIMIT
    address = client_ip(request)
    if not limit or not address:
        return False
    since = timezone.now() - datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)
    failures = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return (failures or 0) >= limit


class PilarLoginView(LoginView):
    """Password login. django-axes counts failures (LoginForm passes the request
    to `authenticate`) and answers with accounts/locked.html once locked; users
    who need 2FA go straight on to the setup or verification page."""

    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return home_url()

    def post(self, request, *args, **kwargs):
        if address_locked(request):
            cooloff = datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)
            return render(
                request, "accounts/locked.html", {"cooloff_timedelta": cooloff}, status=429
            )
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Whose system this is: "Dinas Sosial Kota Tangerang" (the deployment's region).
        found = Regency.objects.filter(code=region_code()).values_list("name", flat=True).first()
        context["office"] = f"Dinas Sosial {found}" if found else "Dinas Sosial"
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        step = pending_step(self.request)
        if step is not None:
            return redirect(step_url(step, self.get_success_url()))
        return response


class PilarLogoutView(LogoutView):
    """POST only (Django's LogoutView refuses GET), so a link cannot log anyone out."""


def _verify_on(device, code: str) -> tuple[bool, bool]:
    """(accepted, throttled). django-otp slows down repeated wrong codes per device."""
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return False, True
    return bool(device.verify_token(code)), False


def _qr_svg(data: str) -> str:
    svg = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage).to_string(
        encoding="unicode"
    )
    # The library sizes the image in millimetres; let the page size it instead.
    return re.sub(
        r'^<svg width="[^"]*" height="[^"]*"',
        '<svg width="220" height="220" role="img" aria-label="Kode QR untuk aplikasi autentikator"',
        svg,
        count=1,
    )


def _grouped_secret(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
def otp_setup(request: AuthedRequest):
    """Enrol a TOTP device: show its QR code and secret, confirm with one code.

    A user who already has a confirmed device must pass it first, otherwise a
    stolen password would be enough to enrol the thief's phone."""
    user = request.user
    next_url = safe_next(request)
    verified = user.is_verified()  # type: ignore[attr-defined]  # set by django_otp's middleware
    if not verified and any(True for _ in devices_for_user(user, confirmed=True)):
        return redirect(step_url("verify", next_url))

    # Reuse the pending device so a QR code scanned before a reload stays valid.
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Aplikasi autentikator", confirmed=False)

    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accepted, throttled = _verify_on(device, form.cleaned_data["code"])
        if accepted:
            with transaction.atomic():
                # One device per user: the new phone replaces any older one.
                TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            django_otp.login(request, device)
            remember_device(request, user, True)
            messages.success(request, "Verifikasi dua langkah sudah aktif untuk akun Anda.")
            return redirect(next_url)
        form.add_error("code", THROTTLED if throttled else WRONG_CODE)

    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "next": next_url,
            "qr_svg": mark_safe(_qr_svg(device.config_url)),  # generated SVG, no user input
            "secret": _grouped_secret(device),
            "config_url": device.config_url,
            "required": SecurityPolicy.current().requires_2fa(user),
        },
    )


@login_required
def otp_verify(request: AuthedRequest):
    """Second step of login: the code from the enrolled authenticator app."""
    user = request.user
    next_url = safe_next(request)
    if user.is_verified():  # type: ignore[attr-defined]  # set by django_otp's middleware
        return redirect(next_url)
    devices = list(devices_for_user(user, confirmed=True))
    if not devices:
        # The device was removed (e.g. by an admin after a lost phone).
        remember_device(request, user, False)
        if SecurityPolicy.current().requires_2fa(user):
            return redirect(step_url("setup", next_url))
        return redirect(next_url)

    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        throttled = False
        for device in devices:
            accepted, was_throttled = _verify_on(device, form.cleaned_data["code"])
            throttled = throttled or was_throttled
            if accepted:
                django_otp.login(request, device)
                return redirect(next_url)
        form.add_error("code", THROTTLED if throttled else WRONG_CODE)
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})
