"""Forms of the report pages. They parse and check the shape of input; the
actions (pilar.submissions.actions) decide what may be written.

Reports themselves are written in the field app (/lapangan/), not here: these
forms carry the reviewer's decisions and the optional musyawarah / SK records.
"""

from __future__ import annotations

from django import forms

# Signed minutes and decrees: scans or PDFs, never anything a browser would run.
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
DOCUMENT_SIGNATURES = {
    b"%PDF-": "PDF",
    b"\xff\xd8\xff": "JPEG",
    b"\x89PNG\r\n\x1a\n": "PNG",
}
DOCUMENT_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


def check_document(upload) -> None:
    """A PDF, JPEG or PNG of at most 10 MB, judged by its first bytes (not its name)."""
    if upload.size > DOCUMENT_MAX_BYTES:
        raise forms.ValidationError(
            f"Berkas terlalu besar ({upload.size / 1024 / 1024:.1f} MB; maksimal 10 MB)."
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


class ReportChoiceField(forms.TypedMultipleChoiceField):
    """Checkbox list of reports; the choices are set by the view (scoped)."""

    def __init__(self, **kwargs):
        super().__init__(coerce=int, widget=forms.CheckboxSelectMultiple, **kwargs)


class DeliberationForm(forms.Form):
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
    reports = ReportChoiceField(label="Laporan yang disetujui musyawarah", required=False)

    def __init__(self, *args, villages=(), report_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kelurahan"].choices = [("", "Pilih kelurahan")] + [
            (v.code, f"{v.name} (Kec. {v.district.name})") for v in villages
        ]
        self.fields["reports"].choices = list(report_choices)


class RatificationForm(forms.Form):
    decree_number = forms.CharField(label="Nomor SK", max_length=100)
    decree_date = forms.DateField(
        label="Tanggal SK", widget=forms.DateInput(attrs={"type": "date"})
    )
    decree_file = DocumentField(label="Berkas SK")
    notes = forms.CharField(
        label="Catatan", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    reports = ReportChoiceField(label="Laporan yang ditetapkan", required=False)

    def __init__(self, *args, report_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reports"].choices = list(report_choices)


class PeriodForm(forms.Form):
    """Period of the turnaround page (default: the last 90 days)."""

    dari = forms.DateField(
        label="Dari", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sampai = forms.DateField(
        label="Sampai", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("dari"), data.get("sampai")
        if start and end and start > end:
            raise forms.ValidationError("Tanggal awal harus sebelum tanggal akhir.")
        return data
