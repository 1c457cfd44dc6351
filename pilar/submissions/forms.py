"""Forms of the submission pages. They parse and check the shape of input; the
actions (pilar.submissions.actions) decide what may be written.

Submissions themselves are written in the field app (/lapangan/), not here: these
forms carry the reviewer's decisions and the optional musyawarah / SK records.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile

from pilar.core.forms import IndonesianBlanks
from pilar.regions.models import Village

# Signed minutes and decrees: scans or PDFs, never anything a browser would run.
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
DOCUMENT_SIGNATURES = {
    b"%PDF-": "PDF",
    b"\xff\xd8\xff": "JPEG",
    b"\x89PNG\r\n\x1a\n": "PNG",
}
DOCUMENT_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


def check_document(upload: UploadedFile) -> None:
    """A PDF, JPEG or PNG of at most 10 MB, judged by its first bytes (not its name)."""
    size = upload.size or 0
    if size > DOCUMENT_MAX_BYTES:
        raise forms.ValidationError(
            f"Berkas terlalu besar ({size / 1024 / 1024:.1f} MB; maksimal 10 MB)."
        )
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in DOCUMENT_SIGNATURES):
        raise forms.ValidationError("Berkas harus berupa PDF, JPEG atau PNG.")


class DocumentField(forms.FileField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": DOCUMENT_ACCEPT}))
        kwargs.setdefault("help_text", "PDF, JPEG atau PNG, maksimal 10 MB.")
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            check_document(upload)
        return upload


class SubmissionChoiceField(forms.TypedMultipleChoiceField):
    """Checkbox list of submissions; the choices are set by the view (scoped)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(coerce=int, widget=forms.CheckboxSelectMultiple, **kwargs)


def _set_choices(form: forms.Form, choices: Iterable[tuple[int, str]]) -> None:
    cast(SubmissionChoiceField, form.fields["submissions"]).choices = list(choices)


class DeliberationForm(IndonesianBlanks, forms.Form):
    kelurahan = forms.ChoiceField(label="Kelurahan")
    held_on = forms.DateField(
        label="Tanggal musyawarah", widget=forms.DateInput(attrs={"type": "date"})
    )
    attendees = forms.CharField(
        label="Peserta",
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "Satu nama/jabatan per baris"}),
        max_length=5000,
    )
    minutes = DocumentField(label="Berita acara bertanda tangan")
    notes = forms.CharField(
        label="Catatan", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    submissions = SubmissionChoiceField(label="Laporan yang disetujui musyawarah", required=False)

    def __init__(
        self,
        *args: Any,
        villages: Iterable[Village] = (),
        submission_choices: Iterable[tuple[int, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        kelurahan = cast(forms.ChoiceField, self.fields["kelurahan"])
        kelurahan.choices = [("", "Pilih kelurahan")] + [
            (v.code, f"{v.name} (Kec. {v.district.name})") for v in villages
        ]
        _set_choices(self, submission_choices)


class RatificationForm(IndonesianBlanks, forms.Form):
    decree_number = forms.CharField(label="Nomor SK", max_length=100)
    decree_date = forms.DateField(
        label="Tanggal SK", widget=forms.DateInput(attrs={"type": "date"})
    )
    decree_file = DocumentField(label="Berkas SK")
    notes = forms.CharField(
        label="Catatan", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    submissions = SubmissionChoiceField(label="Laporan yang ditetapkan", required=False)

    def __init__(
        self, *args: Any, submission_choices: Iterable[tuple[int, str]] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, submission_choices)


class PeriodForm(IndonesianBlanks, forms.Form):
    """Period of the turnaround page (default: the last 90 days)."""

    dari = forms.DateField(
        label="Dari", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sampai = forms.DateField(
        label="Sampai", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("dari"), data.get("sampai")
        if start and end and start > end:
            raise forms.ValidationError("Tanggal awal harus sebelum tanggal akhir.")
        return data
