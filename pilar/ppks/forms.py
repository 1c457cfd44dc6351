"""Forms of the PPKS pages: render fields only; pilar.ppks.actions validates."""

from __future__ import annotations

from django import forms

from pilar.core.forms import BLANK_LABEL, PilarForm, date_input
from pilar.ppks.choices import Level
from pilar.ppks.models import PpksType
from pilar.registry.choices import Disability


class PpksRecordForm(PilarForm):
    ppks_type = forms.CharField(label="Jenis PPKS", widget=forms.Select())
    date_found = forms.CharField(label="Tanggal ditemukan", widget=date_input())
    disability_subtypes = forms.MultipleChoiceField(
        label="Jenis disabilitas",
        choices=Disability.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Hanya untuk Penyandang Disabilitas dan Anak dengan Kedisabilitasan.",
    )
    reporter_name = forms.CharField(
        label="Nama pelapor", max_length=150, help_text="Kosongkan bila Anda sendiri pelapornya."
    )
    notes = forms.CharField(label="Catatan", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, for_person: bool, **kwargs):
        super().__init__(*args, **kwargs)
        types = PpksType.objects.filter(is_active=True).order_by("number")
        if for_person:
            types = types.filter(level=Level.PERSON)
        else:
            types = types.exclude(level=Level.PERSON)
        options = [("", BLANK_LABEL)]
        for t in types:
            rule = f" ({t.age_rule_label})" if t.age_rule_label else ""
            options.append((str(t.number), f"{t.number}. {t.name}{rule}"))
        self.fields["ppks_type"].widget.choices = options
        self.fields["ppks_type"].widget.attrs["required"] = True


class PpksEndForm(PilarForm):
    ended_on = forms.CharField(label="Tanggal selesai", widget=date_input())
    end_reason = forms.CharField(
        label="Alasan selesai",
        max_length=300,
        help_text="Misalnya: sudah tertangani, meninggal, pindah, salah catat.",
    )
