"""Forms of the Bedah Rumah pages. Like every Pilar form they only render and
carry the raw values: the actions validate (one set of rules for pages and API).
Photos come from `request.FILES.getlist(...)`, not from cleaned_data."""

from __future__ import annotations

from django import forms

from pilar.core.forms import IndonesianBlanks, PilarForm
from pilar.registry.models import SURVEY_FIELDS, HousingSurvey
from pilar.renovations.choices import Mode

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"
PHOTO_HELP = "JPEG, PNG atau WebP; boleh beberapa foto sekaligus (paling banyak 10)."


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several files in one input (Django's documented pattern); the action checks them."""

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultiplePhotoField, self).clean(item, initial) for item in data]
        return super().clean(data, initial)


def photos_field(label: str, help_text: str = PHOTO_HELP) -> forms.FileField:
    return MultiplePhotoField(
        label=label,
        help_text=help_text,
        widget=MultiplePhotoInput(
            attrs={"accept": PHOTO_ACCEPT, "multiple": True, "capture": "environment"}
        ),
    )


class GpsFields(PilarForm):
    latitude = forms.CharField(label="Lintang (GPS)", max_length=20)
    longitude = forms.CharField(label="Bujur (GPS)", max_length=20)


class PlanForm(PilarForm):
    mode = forms.ChoiceField(label="Cara pelaksanaan", choices=Mode.choices)
    contractor = forms.CharField(
        label="Pelaksana (nama kontraktor atau kelompok masyarakat)", max_length=150
    )
    contract_number = forms.CharField(label="Nomor kontrak/SPK", max_length=100)
    planned_start = forms.DateField(label="Rencana mulai", widget=DATE)
    planned_finish = forms.DateField(label="Rencana selesai", widget=DATE)
    note = forms.CharField(label="Catatan", widget=forms.Textarea(attrs={"rows": 2}))

    def values(self) -> dict:
        # Raw strings: the action parses dates itself (and says what is wrong).
        return {name: self.data.get(name, "") for name in self.fields}


class PhotoForm(GpsFields):
    kind = forms.ChoiceField(
        label="Jenis foto",
        choices=[("sebelum", "Sebelum dikerjakan"), ("sesudah", "Sesudah dikerjakan")],
    )
    taken_on = forms.DateField(label="Tanggal foto", widget=DATE)
    caption = forms.CharField(label="Keterangan", max_length=200)
    photos = photos_field("Foto")
    field_order = ["kind", "taken_on", "photos", "caption", "latitude", "longitude"]


class StartForm(PilarForm):
    started_on = forms.DateField(label="Tanggal mulai dikerjakan", widget=DATE)
    note = forms.CharField(label="Catatan", widget=forms.Textarea(attrs={"rows": 2}))


class ProgressForm(GpsFields):
    reported_on = forms.DateField(label="Tanggal", widget=DATE)
    percent = forms.IntegerField(
        label="Progres pekerjaan (%)",
        min_value=0,
        max_value=100,
        help_text="Persentase seluruh pekerjaan yang sudah selesai. 100 = siap serah terima.",
    )
    photos = photos_field("Foto progres", "Wajib, paling sedikit satu foto. " + PHOTO_HELP)
    note = forms.CharField(label="Catatan/kendala", widget=forms.Textarea(attrs={"rows": 2}))
    field_order = ["reported_on", "percent", "photos", "note", "latitude", "longitude"]


class HandoverForm(PilarForm):
    handed_over_on = forms.DateField(label="Tanggal serah terima", widget=DATE)
    handover_number = forms.CharField(
        label="Nomor berita acara serah terima (BAST)", max_length=100
    )
    handover_document = forms.FileField(
        label="Berkas BAST",
        help_text="PDF, JPEG atau PNG, maksimal 10 MB (boleh menyusul).",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    final_cost = forms.CharField(label="Biaya realisasi (Rp)", max_length=20)
    cost_reason = forms.CharField(
        label="Alasan bila biaya berbeda dari nilai bantuan",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    after_photos = photos_field(
        "Foto sesudah dikerjakan", "Wajib bila belum ada foto sesudah. " + PHOTO_HELP
    )
    handover_note = forms.CharField(label="Catatan", widget=forms.Textarea(attrs={"rows": 2}))


class SurveyForm(PilarForm):
    """The state of the house at handover (block III of the instrument), from
    which the new RTLH assessment is made."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="survey", **kwargs)
        for name, field in forms.fields_for_model(HousingSurvey, fields=SURVEY_FIELDS).items():
            field.required = False
            self.fields[name] = field

    def values(self) -> dict:
        return {name: self.data.get(f"survey-{name}", "") for name in SURVEY_FIELDS}


class CancelForm(PilarForm):
    reason = forms.CharField(label="Alasan pembatalan", widget=forms.Textarea(attrs={"rows": 3}))


class TargetForm(IndonesianBlanks, forms.Form):
    tahun_target = forms.IntegerField(label="Target tanpa RTLH pada tahun", required=False)
