"""Forms of the assessment pages. They carry what was typed; the actions validate
and compute (count met, poor/RTLH flag, due date)."""

from __future__ import annotations

from django import forms

from pilar.assessments import criteria as cr
from pilar.core.forms import PilarForm, blank, date_input, set_choices


class PovertyForm(PilarForm):
    """The 14 criteria as checkboxes (in definition order), the date and notes."""

    assessed_on = forms.DateField(label="Tanggal asesmen", widget=date_input())
    notes = forms.CharField(label="Catatan", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, source_reports=(), **kwargs):
        super().__init__(*args, **kwargs)
        for c in cr.POVERTY_CRITERIA:
            self.fields[c.code] = forms.BooleanField(label=f"{c.number}. {c.label}", required=False)
        self.fields["source_report"] = forms.TypedChoiceField(
            label="Laporan sumber (opsional)",
            choices=[("", "— tanpa laporan —"), *source_reports],
            coerce=int,
            empty_value=None,
            required=False,
        )

    def criterion_fields(self):
        return [self[c.code] for c in cr.POVERTY_CRITERIA]

    def criteria(self) -> dict[str, bool]:
        return {c.code: bool(self.cleaned_data.get(c.code)) for c in cr.POVERTY_CRITERIA}


class RtlhForm(PilarForm):
    survey = forms.TypedChoiceField(label="Survei rumah", coerce=int, empty_value=None)
    assessed_on = forms.DateField(label="Tanggal asesmen", widget=date_input())
    notes = forms.CharField(label="Catatan", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, surveys=(), **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self, "survey", blank(surveys))
