"""Forms of the dedup pages. They only carry choices; the actions validate."""

from __future__ import annotations

from django import forms

from pilar.core.forms import IndonesianBlanks
from pilar.dedup.actions import MERGE_GROUPS

AB = [("a", "A"), ("b", "B")]


def radios() -> forms.RadioSelect:
    return forms.RadioSelect(attrs={"class": "form-check-input"})


class DifferentForm(IndonesianBlanks, forms.Form):
    note = forms.CharField(
        label="Catatan (alasan berbeda)",
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "misalnya: nama ibu kandung berbeda"}),
    )


class MergeForm(IndonesianBlanks, forms.Form):
    """Which record is kept, and for each field whose value ("a" or "b") it keeps."""

    survivor = forms.ChoiceField(label="Data yang dipertahankan", choices=AB, widget=radios())
    note = forms.CharField(label="Catatan", max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label, _fields in MERGE_GROUPS:
            self.fields[key] = forms.ChoiceField(label=label, choices=AB, widget=radios())

    def chosen(self) -> dict[str, str]:
        return {key: self.cleaned_data[key] for key, _, _ in MERGE_GROUPS}


class RunForm(IndonesianBlanks, forms.Form):
    kecamatan = forms.CharField(required=False, max_length=20)


class LookalikeConfirmForm(IndonesianBlanks, forms.Form):
    """The tick a registry form needs when the new person resembles someone registered."""

    confirm_different = forms.BooleanField(
        label="Saya sudah memeriksa; ini orang yang berbeda", required=False
    )
