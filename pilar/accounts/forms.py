"""Login and two-factor forms, with Indonesian labels and messages."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

INVALID_LOGIN = "Nama pengguna atau kata sandi salah."


class LoginForm(AuthenticationForm):
    """Django's AuthenticationForm (which passes the request to `authenticate`,
    so django-axes counts the attempt) with Indonesian wording. Both "no such
    user" and "wrong password" get the same message so usernames cannot be probed."""

    error_messages = {
        "invalid_login": INVALID_LOGIN,
        # ModelBackend already refuses inactive users with invalid_login; this
        # message only shows if another backend lets one through.
        "inactive": INVALID_LOGIN,
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Nama pengguna"
        self.fields["username"].widget.attrs.update(
            {"autocapitalize": "none", "autocomplete": "username"}
        )
        self.fields["password"].label = "Kata sandi"


class OtpCodeForm(forms.Form):
    """The 6-digit code shown by the authenticator app."""

    code = forms.CharField(
        label="Kode 6 digit",
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": r"[0-9 ]*",
                "autofocus": True,
            }
        ),
        error_messages={"required": "Kode verifikasi wajib diisi."},
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Kode verifikasi harus 6 digit angka.")
        return code
