"""The program form (fields as the action expects them; the action validates)."""

from __future__ import annotations

from django import forms

from pilar.core.forms import IndonesianBlanks
from pilar.programs.choices import BenefitType, Frequency, Level
from pilar.programs.models import Program


class ProgramForm(IndonesianBlanks, forms.Form):
    name = forms.CharField(label="Nama program", max_length=150)
    agency = forms.CharField(label="OPD pelaksana", max_length=150)
    level = forms.ChoiceField(label="Sasaran", choices=Level.choices)
    benefit_type = forms.ChoiceField(label="Jenis manfaat", choices=BenefitType.choices)
    amount = forms.DecimalField(
        label="Nilai manfaat (Rp)", required=False, min_value=0, decimal_places=2
    )
    amount_sd = forms.DecimalField(label="Nilai jenjang SD (Rp)", required=False, min_value=0)
    amount_smp = forms.DecimalField(label="Nilai jenjang SMP (Rp)", required=False, min_value=0)
    amount_sma = forms.DecimalField(label="Nilai jenjang SMA/SMK (Rp)", required=False, min_value=0)
    frequency = forms.ChoiceField(label="Frekuensi", choices=Frequency.choices)
    year = forms.IntegerField(label="Tahun anggaran", required=False)
    start_date = forms.DateField(
        label="Mulai", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label="Selesai", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    budget = forms.DecimalField(label="Pagu anggaran (Rp)", required=False, min_value=0)
    is_national = forms.BooleanField(
        label="Program nasional (kepesertaan dari pusat, tanpa aturan lokal)", required=False
    )
    is_active = forms.BooleanField(label="Aktif", required=False, initial=True)
    description = forms.CharField(
        label="Keterangan", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    quotas = forms.CharField(
        label="Kuota per wilayah",
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": "36.71.01 = 120\n36.71.01.1001 = 15"}
        ),
        help_text="Satu baris per kecamatan atau kelurahan: kode wilayah = kuota.",
    )

    LEVEL_FIELDS = {"SD": "amount_sd", "SMP": "amount_smp", "SMA": "amount_sma"}

    @classmethod
    def initial_for(cls, program: Program) -> dict:
        initial = {
            name: getattr(program, name)
            for name in (
                "name",
                "agency",
                "level",
                "benefit_type",
                "amount",
                "frequency",
                "year",
                "start_date",
                "end_date",
                "budget",
                "is_national",
                "is_active",
                "description",
            )
        }
        for key, name in cls.LEVEL_FIELDS.items():
            initial[name] = (program.amount_by_level or {}).get(key)
        initial["quotas"] = "\n".join(f"{q.area_code} = {q.quota}" for q in program.quotas.all())
        return initial

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["amount_by_level"] = {
            key: data.pop(name)
            for key, name in self.LEVEL_FIELDS.items()
            if data.get(name) is not None
        }
        for name in self.LEVEL_FIELDS.values():
            data.pop(name, None)
        data.pop("quotas", None)
        return data
